package io.chameleon.broadcast.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer signs a checkpoint every {@code events.checkpoint.every_events} events and at a clean
 * shutdown, in the suite's backend (file, or Redis with {@code -Dchameleon.test.backend=redis}), and
 * {@code GET /api/events/head} shows the newest with the key that signed it.
 */
class CheckpointWriteTest {

  static JsonObject every(int n) {
    return new JsonObject().put("events", new JsonObject().put("checkpoint", new JsonObject().put("every_events", n)));
  }

  static void uows(TestNode node, int n) {
    String operator = node.token("op-1", "OPERATOR");
    for (int i = 0; i < n; i++) {
      Response created = node.http.post("/api/uows", operator, "{\"instance_id\":\"" + java.util.UUID.randomUUID() + "\"}");
      assertTrue(created.status() == 201 || created.status() == 200, created.body());
    }
  }

  static List<Checkpoint> stored(TestNode node) {
    return TestNode.await(store(node).all());
  }

  static CheckpointStore store(TestNode node) {
    if (TestNode.onRedis()) {
      io.chameleon.redis.RedisClients redis = io.chameleon.redis.RedisClients.create(node.vertx,
        new JsonObject().put("url", io.chameleon.support.RedisServer.shared().url()));
      return new RedisCheckpointStore(redis.api(), TestNode.keyPrefix(node.dataDir) + "checkpoints");
    }
    return new FileCheckpointStore(node.vertx, node.dataDir.resolve("checkpoints.jsonl"));
  }

  @Test
  void checkpointsAreSignedEveryNEventsAndShownAtHead(@TempDir Path dir) {
    try (TestNode node = TestNode.start(dir, every(10))) {
      String viewer = node.token("v-1", "VIEWER");
      JsonObject before = node.http.get("/api/events/head", viewer).data();
      assertNull(before.getValue("checkpoint"));
      uows(node, 12);
      JsonObject head = node.http.get("/api/events/head", viewer).data();
      JsonObject checkpoint = head.getJsonObject("checkpoint");
      assertNotNull(checkpoint, head.encode());
      assertTrue(checkpoint.getLong("count") >= 10, head.encode());
      JsonObject key = head.getJsonObject("key");
      assertEquals(key.getString("fingerprint"), checkpoint.getString("key"));
      CheckpointKey trusted = CheckpointKey.loadOrCreate(dir.resolve("checkpoint-key"));
      assertEquals(trusted.fingerprint(), key.getString("fingerprint"));
      assertEquals(trusted.publicKeyBase64(), key.getString("public_key"));
      assertNull(Checkpoint.fromJson(checkpoint).untrustedBy(trusted));
      JsonObject tip = head.getJsonObject("tip");
      assertTrue(tip.getLong("count") >= checkpoint.getLong("count"), head.encode());
      List<Checkpoint> all = stored(node);
      assertEquals(checkpoint.getString("id"), all.get(all.size() - 1).id());
    }
  }

  @Test
  void aCleanShutdownLeavesACheckpointAtTheTip(@TempDir Path dir) {
    String tipId;
    try (TestNode node = TestNode.start(dir, every(0))) {
      uows(node, 3);
      tipId = node.http.get("/api/events/head", node.token("v-1", "VIEWER")).data().getJsonObject("tip").getString("id");
      assertTrue(stored(node).isEmpty());
    }
    try (TestNode node = TestNode.start(dir, every(0))) {
      List<Checkpoint> all = stored(node);
      assertEquals(1, all.size());
      assertEquals(tipId, all.get(0).id());
      assertNull(all.get(0).untrustedBy(CheckpointKey.loadOrCreate(dir.resolve("checkpoint-key"))));
    }
  }
}
