package io.chameleon.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Pilots;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry (SPEC §5): a request past expires_at is EXPIRED within 5 s; a linked parked UOW becomes ZOMBIED_DEAD. */
class ExpiryTest {

  @TempDir
  Path dataDir;

  /** Verifies that a linked clarification expiring turns its ZOMBIED_SOFT UOW into a dead letter, with events. */
  @Test
  void expiredRequestsKillTheirParkedUow() {
    try (TestNode node = TestNode.start(dataDir)) {
      Pilots p = new Pilots(node);
      String zombie = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
      node.http.post("/api/uows/" + zombie + "/interactions", p.operator, null);
      String system = p.openRequests(zombie).get(0).getString("request_id");
      // a second, short-lived request on the same UOW, created by an engine
      String shortLived = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", zombie)
        .put("intervention_type", "clarification").put("title", "quick").put("expires_in_seconds", 1).encode())
        .data().getString("request_id");
      String external = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "ext")
        .put("intervention_type", "resume").put("title", "quick").put("expires_in_seconds", 1).encode())
        .data().getString("request_id");

      await().atMost(Duration.ofSeconds(7)).pollInterval(Duration.ofMillis(100))
        .until(() -> "EXPIRED".equals(p.request(shortLived).getString("status")));
      await().atMost(Duration.ofSeconds(7)).pollInterval(Duration.ofMillis(100))
        .until(() -> "EXPIRED".equals(p.request(external).getString("status")));
      assertEquals("ZOMBIED_DEAD", p.uow(zombie).getString("status"));
      assertTrue(p.eventTypesAfter("0-0").contains("intervention_expired"));
      // ZOMBIED_DEAD is still parked: the other request stays open until the UOW leaves it
      assertEquals("PENDING", p.request(system).getString("status"));
      assertEquals(409, node.http.post("/pilot/clarification/" + zombie, p.operator, "{\"text\":\"late\"}").status());
      assertEquals(200, node.http.post("/pilot/cancel/" + zombie, p.operator, "{\"reason\":\"dead\"}").status());
      assertEquals("COMPLETED", p.request(system).getString("status"), "leaving the parked status closes it");
      JsonObject metrics = node.http.get("/api/interventions/metrics", p.viewer).data();
      assertEquals(2, metrics.getInteger("expired_interventions"));
    }
  }

  /**
   * Verifies that a backlog expires within SPEC's 5 s too: 1,500 requests due in the same second
   * are all EXPIRED within 6 s of the last one's creation (its expires_at + 5 s).
   */
  @Test
  void aBacklogOfDueRequestsExpiresInTime() {
    try (TestNode node = TestNode.start(dataDir)) {
      Pilots p = new Pilots(node);
      int count = 1500;
      for (int from = 0; from < count; from += 50) {
        List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
        for (int i = from; i < from + 50; i++) {
          batch.add(node.http.sendAsync("POST", "/api/interventions", p.operator, new JsonObject()
            .put("uow_id", "due-" + i).put("intervention_type", "resume").put("title", "due")
            .put("expires_in_seconds", 1).encode(), null, Duration.ofSeconds(10)));
        }
        batch.forEach(f -> assertEquals(201, f.join().statusCode()));
      }
      await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100)).until(() ->
        node.http.get("/api/interventions/metrics", p.viewer).data().getInteger("expired_interventions") == count);
      assertEquals(0, node.http.get("/api/interventions/pending", p.viewer).data().getInteger("total"));
    }
  }
}
