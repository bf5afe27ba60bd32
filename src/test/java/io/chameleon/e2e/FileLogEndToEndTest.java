package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file backend's own end-to-end cases: an edited line is named by /api/events/verify, and a
 * log that cannot be written answers 503 and changes nothing. (The suite's Redis run leaves this
 * class out; its counterparts on a stream are in the Redis tests.)
 */
class FileLogEndToEndTest {

  @TempDir
  Path dataDir;

  static final String GATE = EventLogEndToEndTest.GATE;

  /** The file backend, whatever the suite runs on (a -Dtest run selects this class in both runs). */
  static final JsonObject FILE = new JsonObject().put("events", new JsonObject().put("backend", "file"));

  private static JsonArray events(TestNode node, String after) {
    Response r = node.http.get("/api/events?count=1000&after=" + after, node.token("auditor", "VIEWER"));
    assertEquals(200, r.status(), r.body());
    return r.data().getJsonArray("events");
  }

  /** Verifies that editing one byte of one line in the file makes /api/events/verify name that event. */
  @Test
  void verifyNamesTheEditedEvent() throws Exception {
    String editedId;
    try (TestNode node = TestNode.start(dataDir, FILE)) {
      String admin = node.token("admin-1", "ADMIN");
      for (int i = 0; i < 5; i++) {
        node.http.send("PUT", "/api/guardians/g" + i, admin, GATE);
      }
      editedId = events(node, "0-0").getJsonObject(2).getString("id");
    }
    Path log = dataDir.resolve("events.jsonl");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String line = lines.get(2);
    assertTrue(line.contains("\"value\":100"));
    lines.set(2, line.replace("\"value\":100", "\"value\":900"));
    Files.write(log, lines, StandardCharsets.UTF_8);
    try (TestNode node = TestNode.start(dataDir, FILE)) {
      JsonObject report = node.http.get("/api/events/verify", node.token("auditor", "VIEWER")).data();
      assertFalse(report.getBoolean("ok"));
      assertEquals(editedId, report.getString("first_bad_id"));
    }
  }

  /** Verifies that when the log cannot be written (/dev/full) a write answers 503 and changes nothing. */
  @Test
  void fullDiskAnswers503AndChangesNothing() {
    JsonObject config = new JsonObject().put("events", new JsonObject().put("backend", "file").put("file", "/dev/full"));
    try (TestNode node = TestNode.start(dataDir, config)) {
      String admin = node.token("admin-1", "ADMIN");
      Response put = node.http.send("PUT", "/api/guardians/never", admin, GATE);
      assertEquals(503, put.status(), put.body());
      assertEquals("UNAVAILABLE", put.errorCode());
      assertNotEquals(true, put.body().contains("Exception"));
      assertEquals(404, node.http.get("/api/guardians/never", admin).status());
      assertEquals(0, node.http.get("/api/guardians", admin).data().getJsonArray("guardians").size());
    }
  }
}
