package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.EventId;
import io.chameleon.support.Http.Response;
import io.chameleon.support.Pilots;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart without loss (SPEC §6, issue "the store" item 6): every kind of action, a full stop, a
 * start over the same data dir — and every UOW, request, metric, guardian, halted instance and
 * idempotency record is as it was; new event ids continue after the old ones; the chain verifies.
 */
class RestartTest {

  @TempDir
  Path dataDir;

  /** Everything a pilot can read, as one JSON value. */
  private static JsonObject snapshot(Pilots p, List<String> uowIds, List<String> requestIds) {
    JsonObject all = new JsonObject();
    JsonObject uows = new JsonObject();
    uowIds.forEach(id -> uows.put(id, p.uow(id)));
    JsonObject requests = new JsonObject();
    requestIds.forEach(id -> requests.put(id, p.request(id)));
    all.put("uows", uows).put("requests", requests);
    all.put("pending", p.http().get("/api/interventions/pending?limit=500", p.viewer).data());
    all.put("metrics", p.http().get("/api/interventions/metrics", p.viewer).data());
    all.put("guardians", p.http().get("/api/guardians", p.viewer).data());
    all.put("halted", p.http().get("/api/instances/halted", p.viewer).data());
    all.put("list", p.http().get("/api/uows?limit=500", p.viewer).data());
    return all;
  }

  private static Response approveWithKey(TestNode node, Pilots p, String requestId) {
    return node.http.send(node.http.request("/api/interventions/" + requestId + "/approve", p.operator)
      .header("Content-Type", "application/json")
      .header("Idempotency-Key", "restart-key")
      .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"before restart\"}")));
  }

  /** Verifies that a restart over the same data dir restores everything and continues the log. */
  @Test
  void everythingSurvivesARestart() {
    List<String> uowIds = new ArrayList<>();
    List<String> requestIds = new ArrayList<>();
    JsonObject before;
    String lastId;
    Response keyed;
    String keyedRequest;
    try (TestNode node = TestNode.start(dataDir)) {
      Pilots p = new Pilots(node);
      assertEquals(201, node.http.send("PUT", "/api/guardians/min-100", p.admin, Pilots.minAmount(null, 100).encode()).status());
      String instance = Pilots.newId();
      // guard violation → waived; approval → resumed; ambiguity → clarified; another → cancelled
      String guarded = p.active(instance, new JsonObject().put("guardians", new JsonArray().add("min-100"))).getString("uow_id");
      p.advance(guarded, "COMPLETED", Pilots.smallAmount(), 200);
      requestIds.add(p.openRequests(guarded).get(0).getString("request_id"));
      assertEquals(200, node.http.post("/pilot/waive/" + guarded + "/min-100", p.admin, "{\"reason\":\"ok\"}").status());
      String approval = p.active(instance, new JsonObject().put("approval_guardians",
        new JsonArray().add(Pilots.minAmount(null, 100)))).getString("uow_id");
      p.advance(approval, "COMPLETED", Pilots.smallAmount(), 200);
      requestIds.add(p.openRequests(approval).get(0).getString("request_id"));
      assertEquals(200, node.http.post("/pilot/resume/" + approval, p.operator, "{}").status());
      String zombie = p.active(instance, new JsonObject().put("max_interactions", 0)).getString("uow_id");
      node.http.post("/api/uows/" + zombie + "/interactions", p.operator, null);
      requestIds.add(p.openRequests(zombie).get(0).getString("request_id"));
      assertEquals(200, node.http.post("/pilot/clarification/" + zombie, p.operator, "{\"text\":\"it is X\"}").status());
      String cancelled = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
      node.http.post("/api/uows/" + cancelled + "/interactions", p.operator, null);
      requestIds.add(p.openRequests(cancelled).get(0).getString("request_id"));
      assertEquals(200, node.http.post("/pilot/cancel/" + cancelled, p.operator, "{\"reason\":\"no\"}").status());
      // a halted instance with a paused UOW, an open claimed request, a decided one, a keyed decision
      String halted = Pilots.newId();
      String paused = p.active(halted, null).getString("uow_id");
      assertEquals(200, node.http.post("/pilot/kill-switch", p.admin,
        new JsonObject().put("instance_id", halted).put("reason", "stop").encode()).status());
      Response open = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "ext-open")
        .put("intervention_type", "resume").put("title", "open").put("priority", "high").encode());
      requestIds.add(open.data().getString("request_id"));
      node.http.post("/api/interventions/" + open.data().getString("request_id") + "/claim", p.operator, "{}");
      keyedRequest = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "ext-keyed")
        .put("intervention_type", "resume").put("title", "keyed").encode()).data().getString("request_id");
      requestIds.add(keyedRequest);
      keyed = approveWithKey(node, p, keyedRequest);
      assertEquals(200, keyed.status(), keyed.body());
      uowIds.addAll(List.of(guarded, approval, zombie, cancelled, paused));
      before = snapshot(p, uowIds, requestIds);
      lastId = p.lastEventId();
    }

    try (TestNode node = TestNode.start(dataDir)) {
      Pilots p = new Pilots(node);
      assertEquals(before, snapshot(p, uowIds, requestIds));
      Response repeat = approveWithKey(node, p, keyedRequest);
      assertEquals(200, repeat.status(), "the idempotency record was lost: " + repeat.body());
      assertEquals(new JsonObject(keyed.body()), new JsonObject(repeat.body()));
      assertEquals(lastId, p.lastEventId(), "a repeat with a known key appended an event");
      String fresh = p.register(Pilots.newId(), null).getString("uow_id");
      JsonArray newer = p.events(lastId);
      assertTrue(EventId.parse(newer.getJsonObject(0).getString("id")).isAfter(EventId.parse(lastId)));
      assertTrue(node.http.get("/api/events/verify", p.viewer).data().getBoolean("ok"));
      assertEquals("PENDING", p.uow(fresh).getString("status"));
    }
  }
}
