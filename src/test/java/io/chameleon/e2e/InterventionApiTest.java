package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.Pilots;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Intervention requests over HTTP (SPEC §5): create, claim, decide, links, If-Match, Idempotency-Key, pending, metrics. */
class InterventionApiTest extends OneNodePerClass {


  private static JsonObject create(JsonObject body, int expected) {
    Response r = node.http.post("/api/interventions", p.operator, body.encode());
    assertEquals(expected, r.status(), r.body());
    return r.status() < 300 ? r.data() : r.json();
  }

  private static JsonObject external(String priority) {
    return new JsonObject().put("uow_id", "engine-42:" + Pilots.newId()).put("intervention_type", "clarification")
      .put("title", "Vendor?").put("priority", priority);
  }

  private static Response act(String requestId, String action, String token, JsonObject body) {
    return node.http.post("/api/interventions/" + requestId + "/" + action, token, body.encode());
  }

  /** Verifies creation with its defaults, and idempotent creation by request_id. */
  @Test
  void createWithDefaultsAndIdempotentRepeat() {
    JsonObject request = create(new JsonObject().put("uow_id", "ext-1").put("intervention_type", "resume").put("title", "Go?"), 201);
    assertEquals("PENDING", request.getString("status"));
    assertEquals("normal", request.getString("priority"));
    assertEquals("", request.getString("description"));
    assertEquals(new JsonObject(), request.getJsonObject("context"));
    assertEquals("OPERATOR", request.getString("required_role"));
    assertTrue(request.getString("expires_at").compareTo(request.getString("created_at")) > 0);

    JsonObject body = external("high").put("request_id", "req-fixed-1");
    create(body, 201);
    assertEquals("req-fixed-1", create(body, 200).getString("request_id"));
    create(body.copy().put("title", "changed"), 409);

    create(new JsonObject().put("intervention_type", "resume").put("title", "t"), 400);
    create(new JsonObject().put("uow_id", "u").put("intervention_type", "approve_everything").put("title", "t"), 400);
    create(external("urgent"), 400);
    create(external("high").put("expires_in_seconds", 0), 400);
    create(external("high").put("expires_in_seconds", 604801), 400);
    create(external("high").put("request_id", "bad id!"), 400);
    create(external("high").put("request_id", "pending"), 400);
    create(external("high").put("request_id", "metrics"), 400);
    create(external("high").put("title", "  "), 400);
  }

  /** Verifies claim (same pilot again 200, another 409), decisions needing a reason, and final statuses. */
  @Test
  void claimAndDecide() {
    String id = create(external("normal"), 201).getString("request_id");
    String otherOperator = node.token("operator-2", "OPERATOR");
    Response claimed = act(id, "claim", p.operator, new JsonObject());
    assertEquals(200, claimed.status(), claimed.body());
    assertEquals("IN_PROGRESS", claimed.data().getString("status"));
    assertEquals("operator-1", claimed.data().getString("assigned_to"));
    assertEquals(200, act(id, "claim", p.operator, new JsonObject()).status());
    assertEquals(409, act(id, "claim", otherOperator, new JsonObject()).status());
    assertEquals(409, act(id, "approve", otherOperator, new JsonObject().put("reason", "mine")).status(),
      "only the assignee or an ADMIN decides a claimed request");
    assertEquals(400, act(id, "approve", p.operator, new JsonObject().put("reason", " ")).status());
    assertEquals(400, act(id, "approve", p.operator, new JsonObject()).status());
    assertEquals(400, act(id, "approve", p.operator, new JsonObject().put("reason", "ok").put("assigned_to", "x")).status());
    Response approved = act(id, "approve", p.operator, new JsonObject().put("reason", "identified as ABC Corp"));
    assertEquals(200, approved.status(), approved.body());
    assertEquals("APPROVED", approved.data().getString("status"));
    assertEquals("identified as ABC Corp", approved.data().getString("action_reason"));
    assertEquals(409, act(id, "claim", p.admin, new JsonObject()).status());
    for (String action : List.of("approve", "reject")) {
      assertEquals(409, act(id, action, p.admin, new JsonObject().put("reason", "again")).status(), action);
    }
    String claimedByOther = create(external("low"), 201).getString("request_id");
    act(claimedByOther, "claim", otherOperator, new JsonObject());
    assertEquals(200, act(claimedByOther, "reject", p.admin, new JsonObject().put("reason", "admin overrides")).status());
    assertEquals(404, act("no-such-request", "claim", p.operator, new JsonObject()).status());
    assertEquals(400, act("bad%20id", "claim", p.operator, new JsonObject()).status());
    assertEquals(403, act(id, "claim", p.viewer, new JsonObject()).status());
  }

  /** Verifies that a request needing ADMIN refuses an OPERATOR with 403 after the existence check. */
  @Test
  void itemRoleIsEnforced() {
    String id = create(external("normal").put("required_role", "ADMIN"), 201).getString("request_id");
    Response denied = act(id, "approve", p.operator, new JsonObject().put("reason", "ok"));
    assertEquals(403, denied.status(), denied.body());
    String waive = create(new JsonObject().put("uow_id", "ext-9").put("intervention_type", "waive_violation").put("title", "t"), 201)
      .getString("request_id");
    assertEquals(403, act(waive, "approve", p.operator, new JsonObject().put("reason", "ok")).status(),
      "waive_violation needs ADMIN whatever required_role says");
    assertEquals(200, act(waive, "approve", p.admin, new JsonObject().put("reason", "ok")).status());
  }

  /** Verifies that approving a linked request runs its action on the UOW in the same step. */
  @Test
  void linkedApproveAndRejectActOnTheUow() {
    String zombie = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
    node.http.post("/api/uows/" + zombie + "/interactions", p.operator, null);
    String clarification = p.openRequests(zombie).get(0).getString("request_id");
    String before = p.lastEventId();
    Response approved = act(clarification, "approve", p.operator, new JsonObject().put("reason", "vendor is ACME"));
    assertEquals(200, approved.status(), approved.body());
    assertEquals("ACTIVE", p.uow(zombie).getString("status"));
    List<String> types = p.eventTypesAfter(before);
    assertTrue(types.containsAll(List.of("intervention_approved", "pilot_clarification_submitted", "uow_status_changed")), types.toString());

    String parked = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
    node.http.post("/api/uows/" + parked + "/interactions", p.operator, null);
    String toReject = p.openRequests(parked).get(0).getString("request_id");
    assertEquals(200, act(toReject, "reject", p.operator, new JsonObject().put("reason", "cannot tell")).status());
    assertEquals("ZOMBIED_DEAD", p.uow(parked).getString("status"), "a rejected clarification is a dead letter");
    assertEquals(409, node.http.post("/pilot/clarification/" + parked, p.operator, "{\"text\":\"late\"}").status());
    assertEquals(200, node.http.post("/pilot/cancel/" + parked, p.operator, "{\"reason\":\"dead\"}").status());

    String waiting = p.active(Pilots.newId(), new JsonObject().put("approval_guardians",
      new JsonArray().add(Pilots.minAmount(null, 100)))).getString("uow_id");
    p.advance(waiting, "COMPLETED", Pilots.smallAmount(), 200);
    String resume = p.openRequests(waiting).get(0).getString("request_id");
    assertEquals(200, act(resume, "reject", p.operator, new JsonObject().put("reason", "no")).status());
    assertEquals("FAILED", p.uow(waiting).getString("status"), "a rejected resume cancels the UOW");
  }

  /** Verifies that a linked approval the UOW's state refuses is the same 409 and leaves the request unchanged. */
  @Test
  void refusedLinkedActionLeavesTheRequest() {
    String id = p.active(Pilots.newId(), null).getString("uow_id");
    String resume = create(new JsonObject().put("uow_id", id).put("intervention_type", "resume").put("title", "t"), 201)
      .getString("request_id");
    Response refused = act(resume, "approve", p.operator, new JsonObject().put("reason", "go"));
    assertEquals(409, refused.status(), refused.body());
    assertTrue(refused.json().getJsonObject("error").getString("message").contains("ACTIVE"));
    assertEquals("PENDING", p.request(resume).getString("status"));
  }

  /** Verifies If-Match: a stale version is 409, the current one succeeds. */
  @Test
  void ifMatchGuardsAgainstStaleWrites() {
    JsonObject request = create(external("normal"), 201);
    String id = request.getString("request_id");
    int version = request.getInteger("version");
    assertEquals(409, send("POST", "/api/interventions/" + id + "/claim", "{}", "If-Match", String.valueOf(version + 5)).status());
    assertEquals(200, send("POST", "/api/interventions/" + id + "/claim", "{}", "If-Match", String.valueOf(version)).status());
    assertEquals(409, send("POST", "/api/interventions/" + id + "/approve", "{\"reason\":\"x\"}", "If-Match", String.valueOf(version)).status());
  }

  /** Verifies Idempotency-Key: repeats give the same answer and one event; another body is 409. */
  @Test
  void idempotencyKeyGivesOneEffect() {
    String id = create(external("normal"), 201).getString("request_id");
    String before = p.lastEventId();
    String path = "/api/interventions/" + id + "/approve";
    Response first = send("POST", path, "{\"reason\":\"once\"}", "Idempotency-Key", "key-1");
    assertEquals(200, first.status(), first.body());
    for (int i = 0; i < 9; i++) {
      Response again = send("POST", path, "{\"reason\":\"once\"}", "Idempotency-Key", "key-1");
      assertEquals(200, again.status());
      assertEquals(new JsonObject(first.body()), new JsonObject(again.body()));
    }
    assertEquals(1, p.eventTypesAfter(before).stream().filter("intervention_approved"::equals).count());
    assertEquals(409, send("POST", path, "{\"reason\":\"twice\"}", "Idempotency-Key", "key-1").status());
    assertEquals(409, send("POST", path, "{\"reason\":\"once\"}", "Idempotency-Key", "key-2").status(),
      "a new key on a decided request is an ordinary 409");
  }

  /** Verifies the pending order (priority, then oldest), the assignee filter, and paging limits. */
  @Test
  void pendingListOrderAndFilters() {
    String tag = Pilots.newId();
    List<String> priorities = List.of("low", "critical", "normal", "high", "critical");
    for (String priority : priorities) {
      create(external(priority).put("context", new JsonObject().put("tag", tag)), 201);
    }
    JsonArray all = node.http.get("/api/interventions/pending?limit=500", p.viewer).data().getJsonArray("requests");
    List<JsonObject> mine = all.stream().map(JsonObject.class::cast)
      .filter(r -> tag.equals(r.getJsonObject("context").getString("tag"))).toList();
    assertEquals(List.of("critical", "critical", "high", "normal", "low"), mine.stream().map(r -> r.getString("priority")).toList());
    assertTrue(mine.get(0).getString("created_at").compareTo(mine.get(1).getString("created_at")) <= 0);
    List<String> order = List.of("critical", "high", "normal", "low");
    for (int i = 1; i < all.size(); i++) {
      JsonObject a = all.getJsonObject(i - 1);
      JsonObject b = all.getJsonObject(i);
      int pa = order.indexOf(a.getString("priority"));
      int pb = order.indexOf(b.getString("priority"));
      assertTrue(pa < pb || pa == pb && a.getString("created_at").compareTo(b.getString("created_at")) <= 0,
        "out of order at " + i);
    }

    String claimed = create(external("low"), 201).getString("request_id");
    act(claimed, "claim", node.token("pilot-filter", "OPERATOR"), new JsonObject());
    JsonObject filtered = node.http.get("/api/interventions/pending?pilot_id=pilot-filter", p.viewer).data();
    assertEquals(1, filtered.getInteger("total"));
    assertEquals(claimed, filtered.getJsonArray("requests").getJsonObject(0).getString("request_id"));

    JsonObject page = node.http.get("/api/interventions/pending?limit=2&offset=1", p.viewer).data();
    assertEquals(2, page.getInteger("count"));
    assertEquals(2, page.getInteger("limit"));
    assertEquals(1, page.getInteger("offset"));
    for (String bad : List.of("limit=0", "limit=501", "offset=-1", "limit=x", "limit=2&limit=3")) {
      assertEquals(400, node.http.get("/api/interventions/pending?" + bad, p.viewer).status(), bad);
    }
  }

  /** Verifies that the metrics carry exactly the SPEC keys and move with decisions. */
  @Test
  void metricsHaveTheSpecKeys() {
    JsonObject before = node.http.get("/api/interventions/metrics", p.viewer).data();
    assertEquals(Set.of("total_interventions", "pending_interventions", "in_progress_interventions", "approved_interventions",
      "rejected_interventions", "expired_interventions", "completed_interventions", "avg_resolution_time_seconds",
      "by_type", "by_priority", "top_pilots"), before.fieldNames());
    String id = create(external("critical"), 201).getString("request_id");
    JsonObject created = node.http.get("/api/interventions/metrics", p.viewer).data();
    assertEquals(before.getInteger("total_interventions") + 1, created.getInteger("total_interventions"));
    assertEquals(before.getInteger("pending_interventions") + 1, created.getInteger("pending_interventions"));
    String decider = node.token("metrics-pilot", "OPERATOR");
    act(id, "approve", decider, new JsonObject().put("reason", "ok"));
    JsonObject after = node.http.get("/api/interventions/metrics", p.viewer).data();
    assertEquals(before.getInteger("approved_interventions") + 1, after.getInteger("approved_interventions"));
    assertEquals(before.getInteger("pending_interventions"), after.getInteger("pending_interventions"));
    assertTrue(after.getJsonArray("top_pilots").stream().map(JsonObject.class::cast)
      .anyMatch(t -> t.getString("pilot_id").equals("metrics-pilot") && t.getInteger("interventions") == 1));
  }

  private static Response send(String method, String path, String body, String header, String value) {
    return node.http.send(node.http.request(path, p.operator)
      .header("Content-Type", "application/json")
      .header(header, value)
      .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }
}
