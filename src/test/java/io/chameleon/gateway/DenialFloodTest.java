package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A VIEWER that is refused again and again, with long paths, cannot grow the audit log without
 * bound: each 403 is answered, the log gets the first denial (per gateway instance) and one
 * summary per second standing for the rest ({@code repeated}: how many), and no recorded path is longer than {@link DenialWindow#MAX_PATH}.
 */
class DenialFloodTest extends OneNodePerClass {

  /** Verifies 300 denials with a 4 KB path become a few small events whose counts add up to 300. */
  @Test
  void floodIsCoalesced() {
    String viewer = node.token("viewer-flood", "VIEWER");
    String admin = node.token("admin-flood", "ADMIN");
    String after = p.lastEventId();
    String path = "/api/guardians/" + "x".repeat(4000);
    for (int i = 0; i < 300; i++) {
      assertEquals(403, node.http.send("DELETE", path, viewer, null).status());
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<JsonObject> denials = recorded(after, admin);
      assertEquals(300, denials.stream().mapToLong(e -> e.getLong("repeated", 1L)).sum(),
        denials.toString());
    });
    List<JsonObject> denials = recorded(after, admin);
    assertTrue(denials.size() <= 25, denials.size() + " events for 300 denials in a few seconds");
    for (JsonObject denial : denials) {
      assertEquals(DenialWindow.MAX_PATH, denial.getString("path").length());
      assertEquals(true, denial.getBoolean("path_truncated"));
      assertEquals("VIEWER", denial.getString("role"));
      assertEquals("ADMIN", denial.getString("required_role"));
    }
    assertTrue(denials.stream().anyMatch(d -> d.getLong("repeated", 0L) > 0), "a summary");
  }

  private List<JsonObject> recorded(String after, String token) {
    return node.http.get("/api/events?count=1000&after=" + after, token).data().getJsonArray("events")
      .stream().map(JsonObject.class::cast)
      .filter(e -> "pilot_auth_denied".equals(e.getString("event_type")))
      .map(e -> e.getJsonObject("payload"))
      .filter(d -> "viewer-flood".equals(d.getString("pilot_id")))
      .toList();
  }
}
