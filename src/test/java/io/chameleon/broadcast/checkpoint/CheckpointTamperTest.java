package io.chameleon.broadcast.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.support.Http.Response;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with a stopped node's file log that the chain alone cannot show: a rewrite that
 * recomputes every hash after an edited event, and a cut tail. The signed checkpoints (and a head
 * an auditor pinned) show both.
 */
class CheckpointTamperTest {

  /** The file backend whatever the suite runs on: these tests edit the file. */
  static JsonObject fileLog(int every) {
    return new JsonObject().put("events", new JsonObject().put("backend", "file")
      .put("checkpoint", new JsonObject().put("every_events", every)));
  }

  /** Edits the payload of event {@code index} (0-based) and recomputes every hash after it. */
  static void rewrite(Path file, int index) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    String prev = EventHash.GENESIS;
    for (int i = 0; i < lines.size(); i++) {
      Event event = Event.fromJson(new JsonObject(lines.get(i)));
      JsonObject payload = event.payload().copy();
      if (i == index) {
        payload.put("tampered", true);
      }
      Event chained = Event.chained(event.eventId(), new EventDraft(event.eventType(), payload), prev);
      prev = chained.hash();
      out.add(chained.toJson().encode());
    }
    Files.write(file, out, StandardCharsets.UTF_8);
  }

  @Test
  void aRewriteWithEveryHashRecomputedFailsVerifyNamingTheCheckpoint(@TempDir Path dir) throws IOException {
    String pinned;
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      CheckpointWriteTest.uows(node, 12);
      JsonObject head = node.http.get("/api/events/head", node.token("v-1", "VIEWER")).data();
      pinned = head.getJsonObject("checkpoint").getString("id") + ":" + head.getJsonObject("checkpoint").getString("hash");
      JsonObject intact = node.http.get("/api/events/verify?head=" + pinned, node.token("v-1", "VIEWER")).data();
      assertTrue(intact.getBoolean("ok"), intact.encode());
      assertTrue(intact.getInteger("checkpoints") >= 1, intact.encode());
    }
    rewrite(dir.resolve("events.jsonl"), 1);
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      String viewer = node.token("v-1", "VIEWER");
      JsonObject report = node.http.get("/api/events/verify", viewer).data();
      assertFalse(report.getBoolean("ok"), report.encode());
      assertNull(report.getValue("first_bad_id"), "the chain itself holds: " + report.encode());
      assertTrue(report.getString("mismatch").startsWith("checkpoint #1 "), report.encode());
      assertTrue(report.getString("mismatch").contains("has hash"), report.encode());
      JsonObject againstPin = node.http.get("/api/events/verify?head=" + pinned, viewer).data();
      assertFalse(againstPin.getBoolean("ok"), againstPin.encode());
    }
  }

  @Test
  void aPinnedHeadIsChecked(@TempDir Path dir) {
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      CheckpointWriteTest.uows(node, 2);
      String viewer = node.token("v-1", "VIEWER");
      JsonObject tip = node.http.get("/api/events/head", viewer).data().getJsonObject("tip");
      JsonObject good = node.http.get("/api/events/verify?head=" + tip.getString("id") + ":" + tip.getString("hash"), viewer).data();
      assertTrue(good.getBoolean("ok"), good.encode());
      String wrong = tip.getString("id") + ":" + "0".repeat(64);
      JsonObject bad = node.http.get("/api/events/verify?head=" + wrong, viewer).data();
      assertFalse(bad.getBoolean("ok"), bad.encode());
      assertTrue(bad.getString("mismatch").startsWith("the pinned head " + tip.getString("id")), bad.encode());
      Response malformed = node.http.get("/api/events/verify?head=nope", viewer);
      assertEquals(400, malformed.status(), malformed.body());
    }
  }

  static JsonObject accepting() {
    JsonObject config = fileLog(10);
    config.getJsonObject("events").getJsonObject("checkpoint").put("accept_rewrite", true);
    return config;
  }

  @Test
  void aLogCutShortRefusesWritesAndSaysSoInHealthUntilTheOperatorAcceptsIt(@TempDir Path dir) throws IOException {
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      CheckpointWriteTest.uows(node, 8);
    }
    Path file = dir.resolve("events.jsonl");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(lines.size() > 5, "events: " + lines.size());
    Files.write(file, lines.subList(0, lines.size() - 5), StandardCharsets.UTF_8);

    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      String operator = node.token("op-1", "OPERATOR");
      Response write = node.http.post("/api/uows", operator, "{\"instance_id\":\"" + java.util.UUID.randomUUID() + "\"}");
      assertEquals(503, write.status(), write.body());
      assertTrue(write.body().contains("events were removed"), write.body());
      Response health = node.http.get("/health", null);
      assertEquals(503, health.status(), health.body());
      JsonObject eventLog = health.json().getJsonObject("error").getJsonObject("data") == null
        ? health.json().getJsonObject("data").getJsonObject("backends").getJsonObject("event_log")
        : health.json().getJsonObject("error").getJsonObject("data").getJsonObject("backends").getJsonObject("event_log");
      assertEquals("DOWN", eventLog.getString("status"), health.body());
      assertTrue(eventLog.getString("reason").contains("newest signed checkpoint"), health.body());
      // reads still answer: an operator can see what is there
      assertEquals(200, node.http.get("/api/events", node.token("v-1", "VIEWER")).status());
    }
    // a refused node's clean shutdown signs nothing: the next start still refuses
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      assertEquals(503, node.http.get("/health", null).status());
    }
    try (TestNode node = TestNode.start(dir, accepting())) {
      String viewer = node.token("v-1", "VIEWER");
      assertEquals(200, node.http.get("/health", null).status());
      JsonObject events = node.http.get("/api/events?count=1000", viewer).data();
      JsonObject last = events.getJsonArray("events").getJsonObject(events.getJsonArray("events").size() - 1);
      assertEquals("event_log_rewrite_accepted", last.getString("event_type"), last.encode());
      assertTrue(last.getJsonObject("payload").getString("reason").contains("events were removed"), last.encode());
      Response write = node.http.post("/api/uows", node.token("op-1", "OPERATOR"),
        "{\"instance_id\":\"" + java.util.UUID.randomUUID() + "\"}");
      assertEquals(201, write.status(), write.body());
      JsonObject report = node.http.get("/api/events/verify", viewer).data();
      assertTrue(report.getBoolean("ok"), report.encode());
      assertTrue(report.getInteger("checkpoints_set_aside") >= 1, report.encode());
    }
    // the override was for one start: without it the node is ready, the accepted log its own
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      assertEquals(200, node.http.get("/health", null).status());
    }
  }

  @Test
  void aRewriteWithEveryHashRecomputedRefusesWrites(@TempDir Path dir) throws IOException {
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      CheckpointWriteTest.uows(node, 3);
    }
    rewrite(dir.resolve("events.jsonl"), 1);
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      Response write = node.http.post("/api/uows", node.token("op-1", "OPERATOR"),
        "{\"instance_id\":\"" + java.util.UUID.randomUUID() + "\"}");
      assertEquals(503, write.status(), write.body());
      assertTrue(write.body().contains("the log was rewritten"), write.body());
    }
  }

  @Test
  void aForgedCheckpointDoesNotHideTheNewestSignedOneAndVerifyReportsIt(@TempDir Path dir) throws IOException {
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      CheckpointWriteTest.uows(node, 8);
    }
    Path file = dir.resolve("events.jsonl");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Files.write(file, lines.subList(0, lines.size() - 5), StandardCharsets.UTF_8);
    Event last = Event.fromJson(new JsonObject(lines.get(lines.size() - 6)));
    // a checkpoint for the cut log, signed with a key of the forger's own
    Checkpoint forged = Checkpoint.sign(CheckpointKey.generate(), last.id(), last.hash(), lines.size() - 5,
      "2026-12-07T20:00:00.000Z", false);
    Files.writeString(dir.resolve("checkpoints.jsonl"), forged.toJson().encode() + "\n", StandardCharsets.UTF_8,
      java.nio.file.StandardOpenOption.APPEND);
    try (TestNode node = TestNode.start(dir, fileLog(10))) {
      assertEquals(503, node.http.get("/health", null).status());
      JsonObject report = node.http.get("/api/events/verify", node.token("v-1", "VIEWER")).data();
      assertFalse(report.getBoolean("ok"), report.encode());
      // the forged one (another key) is left out; the node's own newest checkpoint finds the cut
      assertTrue(report.getString("mismatch").contains("events were removed from its end"), report.encode());
      assertEquals(1, report.getInteger("checkpoints_other_keys"), report.encode());
    }
  }
}
