package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.EventId;
import io.chameleon.support.Http.Response;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit stream as a pilot sees it over HTTP: guardian registry changes become events and
 * survive restarts with ids that keep increasing, on either backend. (What only a file can have —
 * an edited line, a full disk — is in {@link FileLogEndToEndTest}.)
 */
class EventLogEndToEndTest {

  @TempDir
  Path dataDir;

  static final String GATE = "{\"type\":\"CRITERIA_GATE\",\"attributes\":{\"rules\":"
    + "[{\"field\":\"amount\",\"condition\":\"gte\",\"value\":100}]}}";

  private static JsonArray events(TestNode node, String after) {
    Response r = node.http.get("/api/events?count=1000&after=" + after, node.token("auditor", "VIEWER"));
    assertEquals(200, r.status(), r.body());
    return r.data().getJsonArray("events");
  }

  /** Verifies that the registry and the event ids survive two restarts over the same data dir. */
  @Test
  void registryAndIdsSurviveRestarts() {
    String lastId;
    try (TestNode node = TestNode.start(dataDir)) {
      String admin = node.token("admin-1", "ADMIN");
      assertEquals(201, node.http.send("PUT", "/api/guardians/big-amount", admin, GATE).status());
      assertEquals(201, node.http.send("PUT", "/api/guardians/gone", admin, GATE).status());
      assertEquals(200, node.http.send("DELETE", "/api/guardians/gone", admin, null).status());
      JsonArray events = events(node, "0-0");
      assertEquals(List.of("guardian_registered", "guardian_registered", "guardian_removed"),
        events.stream().map(e -> ((JsonObject) e).getString("event_type")).toList());
      assertEquals("admin-1", events.getJsonObject(0).getJsonObject("payload").getString("actor"));
      lastId = events.getJsonObject(2).getString("id");
    }
    for (int restart = 0; restart < 2; restart++) {
      try (TestNode node = TestNode.start(dataDir)) {
        String admin = node.token("admin-1", "ADMIN");
        Response kept = node.http.get("/api/guardians/big-amount", admin);
        assertEquals(200, kept.status(), "the registry lost a guardian across a restart");
        assertEquals(404, node.http.get("/api/guardians/gone", admin).status());
        Response evaluated = node.http.post("/api/guardians/evaluate", admin,
          "{\"guardians\":[\"big-amount\"],\"uow\":{\"uow_id\":\"u\",\"amount\":150}}");
        assertTrue(evaluated.data().getBoolean("allowed"), evaluated.body());

        assertEquals(201, node.http.send("PUT", "/api/guardians/after-" + restart, admin, GATE).status());
        JsonArray newer = events(node, lastId);
        assertFalse(newer.isEmpty());
        for (Object e : newer) {
          String id = ((JsonObject) e).getString("id");
          assertTrue(EventId.parse(id).isAfter(EventId.parse(lastId)), id + " is not after " + lastId);
          lastId = id;
        }
        Response verify = node.http.get("/api/events/verify", admin);
        assertTrue(verify.data().getBoolean("ok"), verify.body());
      }
    }
  }
}
