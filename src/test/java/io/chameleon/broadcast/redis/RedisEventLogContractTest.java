package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventLogContract;
import io.chameleon.broadcast.EventMetrics;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link EventLog} contract on a Redis stream: one redis-server, a fresh key prefix per test. */
class RedisEventLogContractTest extends EventLogContract {

  private static final AtomicInteger TESTS = new AtomicInteger();
  private static RedisServer server;

  private final List<RedisClients> clients = new ArrayList<>();
  private RedisKeys keys;

  @BeforeAll
  static void startRedis(@TempDir Path dir) {
    server = RedisServer.start(dir.resolve("redis"));
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshKeys() {
    String prefix = "contract" + TESTS.incrementAndGet() + ":";
    keys = new RedisKeys(prefix, prefix + "events");
  }

  @AfterEach
  void closeClients(VertxTestContext ctx) {
    Future.join(clients.stream().map(RedisClients::close).toList())
      .onComplete(done -> ctx.completeNow());
  }

  @Override
  protected EventLog create(Vertx vertx) {
    RedisClients redis = RedisClients.create(vertx,
      new JsonObject().put("url", server.url()).put("timeout_ms", 2000));
    clients.add(redis);
    return new RedisEventLog(vertx, redis, keys, 0, EventMetrics.NONE);
  }
}
