package io.chameleon.store;

import io.chameleon.redis.RedisClients;
import io.chameleon.snapshot.RedisSnapshotStore;
import io.chameleon.snapshot.SnapshotStore;
import io.chameleon.support.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The journal contract over a Redis stream and Redis snapshots, on a redis-server of its own. */
class RedisStoreJournalTest extends StoreJournalContract {

  static RedisServer server;

  /** A fresh stream per test (JUnit makes an instance per test; set before the log is deployed). */
  final String prefix = "journal" + System.nanoTime() + ":";

  @BeforeAll
  static void startRedis(@TempDir Path dir) {
    server = RedisServer.start(dir);
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  private JsonObject redis() {
    return new JsonObject().put("url", server.url()).put("timeout_ms", 1000);
  }

  @Override
  protected JsonObject logConfig() {
    return new JsonObject()
      .put("events", new JsonObject().put("backend", "redis")
        .put("redis", new JsonObject().put("key_prefix", prefix).put("stream", prefix + "events")))
      .put("redis", redis());
  }

  @Override
  protected SnapshotStore snapshots(Vertx vertx) {
    RedisClients clients = RedisClients.create(vertx, redis());
    return new RedisSnapshotStore(vertx, clients.redis(), prefix, clients.timeoutMs());
  }
}
