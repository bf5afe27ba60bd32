package io.chameleon.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR.md D21 for a whole node: Redis down at start → the node starts all the same, /health says the
 * event log is DOWN and names Redis, writes answer 503 within the timeout (no hang), and once Redis
 * comes up the node is ready by itself, without a restart.
 */
class RedisStartupTest {

  @TempDir
  Path dataDir;

  @TempDir
  Path redisDir;

  RedisServer redis;

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  /** Verifies that a node whose Redis is not up yet starts, says why it is not ready, and becomes ready by itself. */
  @Test
  void startsBeforeItsRedisAndBecomesReadyWhenItComes() {
    int port = RedisServer.unusedPort();
    JsonObject config = new JsonObject()
      .put("events", new JsonObject().put("backend", "redis")
        .put("redis", new JsonObject().put("key_prefix", "startup:").put("stream", "startup:events")))
      .put("redis", new JsonObject().put("url", "redis://127.0.0.1:" + port).put("timeout_ms", 1000));
    try (TestNode node = TestNode.start(dataDir, config)) {
      String operator = node.token("engine", "OPERATOR");
      Response health = node.http.get("/health", null);
      assertEquals(503, health.status(), health.body());
      JsonObject eventLog = health.body() == null ? null
        : new JsonObject(health.body()).getJsonObject("data").getJsonObject("backends").getJsonObject("event_log");
      assertEquals("DOWN", eventLog.getString("status"), health.body());
      assertTrue(eventLog.getString("reason").contains("Redis") && eventLog.getString("reason").contains(String.valueOf(port)),
        "the reason names Redis and where: " + eventLog);

      String register = new JsonObject().put("instance_id", UUID.randomUUID().toString()).encode();
      long started = System.nanoTime();
      Response refused = node.http.post("/api/uows", operator, register);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals(503, refused.status(), refused.body());
      assertEquals("UNAVAILABLE", refused.errorCode());
      assertTrue(tookMs < 2_500, "answered in " + tookMs + " ms, not after a hang");

      redis = RedisServer.start(redisDir, port);
      long up = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> node.http.get("/health", null).status() == 200);
      long readyMs = (System.nanoTime() - up) / 1_000_000;
      assertEquals(201, node.http.post("/api/uows", operator, register).status(), "writes work, no restart");
      assertTrue(readyMs < 5_000, "ready " + readyMs + " ms after Redis came up");
    }
  }
}
