package io.chameleon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Pilots;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a node from the embedded default to Redis (README, "Running on Redis"): {@code chameleon
 * events copy} copies the file log into the stream keeping ids and hashes, and a node started on
 * Redis serves the same state and continues the same chain.
 */
class EventsCopyCommandTest {

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

  private record Outcome(int code, String out, String err) {
  }

  private Outcome copy(Map<String, String> env) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new String[] {"events", "copy"}, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  /** Verifies that a copied log runs on Redis with every UOW, request and guardian, and its chain goes on. */
  @Test
  void aNodeMovesFromTheFileLogToRedis() {
    JsonObject file = new JsonObject().put("events", new JsonObject().put("backend", "file"));
    String uowId;
    String requestId;
    JsonArray before;
    try (TestNode node = TestNode.start(dataDir, file)) {
      Pilots p = new Pilots(node);
      assertEquals(201, node.http.send("PUT", "/api/guardians/min-100", p.admin, Pilots.minAmount(null, 100).encode()).status());
      uowId = p.active(Pilots.newId(), null).getString("uow_id");
      requestId = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "ext-1")
        .put("intervention_type", "resume").put("title", "moved").encode()).data().getString("request_id");
      before = p.events("0-0");
    }

    redis = RedisServer.start(redisDir);
    Map<String, String> env = new HashMap<>(Map.of("CHAMELEON_DATA_DIR", dataDir.toString(),
      "CHAMELEON_AUTH_SECRET", TestNode.SECRET, "CHAMELEON_REDIS_URL", redis.url(),
      "CHAMELEON_EVENTS_REDIS_KEY_PREFIX", "moved:", "CHAMELEON_EVENTS_REDIS_STREAM", "moved:events",
      "CHAMELEON_CONFIG", dataDir.resolve("no-config.json").toString()));
    Outcome copied = copy(env);
    assertEquals(0, copied.code(), copied.err());
    assertTrue(copied.out().contains("copied " + before.size() + " events (0 were there already)"), copied.out());
    Outcome again = copy(env);
    assertTrue(again.out().contains("copied 0 events (" + before.size() + " were there already)"), again.out());

    JsonObject onRedis = new JsonObject()
      .put("events", new JsonObject().put("backend", "redis")
        .put("redis", new JsonObject().put("key_prefix", "moved:").put("stream", "moved:events")))
      .put("redis", new JsonObject().put("url", redis.url()).put("timeout_ms", 1000));
    try (TestNode node = TestNode.start(dataDir, onRedis)) {
      Pilots p = new Pilots(node);
      assertEquals(before, p.events("0-0"), "every event, with its id and hash");
      assertEquals("ACTIVE", p.uow(uowId).getString("status"));
      assertEquals("PENDING", p.request(requestId).getString("status"));
      assertEquals(200, node.http.get("/api/guardians/min-100", p.viewer).status());
      String next = p.register(Pilots.newId(), null).getString("uow_id");
      assertEquals("PENDING", p.uow(next).getString("status"));
      JsonObject verify = node.http.get("/api/events/verify", p.viewer).data();
      assertTrue(verify.getBoolean("ok"), verify.encode());
      assertEquals(before.size() + 1, verify.getLong("checked"));
    }
  }

  /** Verifies that a missing source file is refused, naming it. */
  @Test
  void aMissingLogIsRefused() {
    Outcome refused = copy(Map.of("CHAMELEON_DATA_DIR", dataDir.toString(), "CHAMELEON_AUTH_SECRET", TestNode.SECRET,
      "CHAMELEON_CONFIG", dataDir.resolve("no-config.json").toString()));
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("--from: " + dataDir.resolve("events.jsonl") + " is not a file"), refused.err());
  }
}
