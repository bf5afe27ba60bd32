package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;

import io.chameleon.bus.Failure;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Redis event log's tests share: one redis-server for the test class, and for each test
 * a fresh Vert.x, its {@link RedisLogs} and a key prefix of its own.
 */
abstract class OneRedisPerClass {

  private static final AtomicInteger TESTS = new AtomicInteger();
  static RedisServer server;

  Vertx vertx;
  RedisLogs logs;
  RedisKeys keys;

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
  void startVertx() {
    vertx = Vertx.vertx();
    logs = new RedisLogs(vertx, server);
    keys = RedisLogs.keys(getClass().getSimpleName() + TESTS.incrementAndGet() + ":");
  }

  @AfterEach
  void stopVertx() {
    await(vertx.close());
  }

  /** The status of a {@link Failure}, -1 for anything else. */
  static int status(Throwable err) {
    return err instanceof Failure failure ? failure.status() : -1;
  }
}
