package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.Pilots;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The five pilot actions and the three parking paths end to end (SPEC §3): each with its role,
 * allowed states, status codes and exactly its events.
 */
class PilotActionsTest extends OneNodePerClass {


  private static Response pilot(String path, String token, JsonObject body) {
    return node.http.post(path, token, body == null ? null : body.encode());
  }

  private static JsonObject reason(String text) {
    return new JsonObject().put("reason", text);
  }

  /** Verifies that the kill switch pauses exactly the ACTIVE UOWs of its instance, and release resumes them. */
  @Test
  void killSwitchHaltsOnlyItsInstance() {
    String instance = Pilots.newId();
    String a = p.active(instance, null).getString("uow_id");
    String b = p.active(instance, null).getString("uow_id");
    String pending = p.register(instance, null).getString("uow_id");
    String elsewhere = p.active(Pilots.newId(), null).getString("uow_id");

    Response dry = pilot("/pilot/kill-switch", p.admin, reason("looks wrong").put("instance_id", instance).put("dry_run", true));
    assertEquals(200, dry.status(), dry.body());
    assertEquals(2, dry.data().getInteger("paused_uow_count"));
    assertEquals("ACTIVE", p.uow(a).getString("status"), "a dry run changed something");
    assertTrue(node.http.get("/api/instances/halted", p.viewer).data().getJsonArray("instances").isEmpty());

    String before = p.lastEventId();
    Response kill = pilot("/pilot/kill-switch", p.admin, reason("looks wrong").put("instance_id", instance));
    assertEquals(200, kill.status(), kill.body());
    assertEquals(2, kill.data().getInteger("paused_uow_count"));
    assertEquals(Set.of(a, b), Set.copyOf(kill.data().getJsonArray("paused_uow_ids").getList()));
    assertEquals(List.of("kill_switch_activated", "uow_status_changed", "uow_status_changed"), p.eventTypesAfter(before));
    JsonObject paused = p.uow(a);
    assertEquals("PAUSED", paused.getString("status"));
    assertEquals("KILL_SWITCH", paused.getJsonObject("pause").getString("reason"));
    assertEquals("PENDING", p.uow(pending).getString("status"));
    assertEquals("ACTIVE", p.uow(elsewhere).getString("status"));

    JsonArray halted = node.http.get("/api/instances/halted", p.viewer).data().getJsonArray("instances");
    assertEquals(1, halted.size());
    assertEquals(instance, halted.getJsonObject(0).getString("instance_id"));
    assertEquals("admin-1", halted.getJsonObject(0).getString("halted_by"));

    JsonObject refused = p.advance(pending, "ACTIVE", null, 409);
    assertTrue(refused.getJsonObject("error").getString("message").contains("PENDING"), refused.encode());
    assertEquals(409, node.http.post("/api/uows/" + a + "/interactions", p.operator, null).status());
    assertEquals(200, pilot("/pilot/cancel/" + b, p.operator, reason("not needed")).status(), "cancel still works while halted");

    assertEquals(403, pilot("/pilot/kill-switch/release", p.operator, reason("ok").put("instance_id", instance)).status());
    Response release = pilot("/pilot/kill-switch/release", p.admin, reason("fixed").put("instance_id", instance));
    assertEquals(200, release.status(), release.body());
    assertEquals("ACTIVE", p.uow(a).getString("status"));
    assertEquals("FAILED", p.uow(b).getString("status"));
    assertNull(p.uow(a).getValue("pause"));
    assertEquals(409, pilot("/pilot/kill-switch/release", p.admin, reason("again").put("instance_id", instance)).status());
  }

  /** Verifies that kill switch and release are ADMIN only, and validate their bodies. */
  @Test
  void killSwitchRolesAndValidation() {
    String instance = Pilots.newId();
    assertEquals(403, pilot("/pilot/kill-switch", p.operator, reason("x").put("instance_id", instance)).status());
    assertEquals(403, pilot("/pilot/kill-switch", p.viewer, reason("x").put("instance_id", instance)).status());
    assertEquals(401, pilot("/pilot/kill-switch", null, reason("x").put("instance_id", instance)).status());
    assertEquals(400, pilot("/pilot/kill-switch", p.admin, reason("x").put("instance_id", "nope")).status());
    assertEquals(400, pilot("/pilot/kill-switch", p.admin, reason("  ").put("instance_id", instance)).status());
    assertEquals(400, pilot("/pilot/kill-switch", p.admin, reason("x").put("instance_id", instance).put("pilot_id", "someone")).status());
  }

  /** Verifies the blocking-guardian parking path, the ADMIN-only waiver, and the waiver consumed by the next advance. */
  @Test
  void guardViolationParksAndWaiverReleases() {
    String id = p.active(Pilots.newId(), Pilots.blocking(Pilots.minAmount("min-amount", 100))).getString("uow_id");
    String before = p.lastEventId();
    JsonObject parked = p.advance(id, "COMPLETED", Pilots.smallAmount().put("note", "kept"), 200);
    assertEquals("PAUSED", parked.getString("outcome"));
    JsonObject uow = parked.getJsonObject("uow");
    assertEquals("PAUSED", uow.getString("status"));
    assertEquals("GUARD_VIOLATION", uow.getJsonObject("pause").getString("reason"));
    assertEquals("min-amount", uow.getJsonObject("pause").getString("rule_id"));
    assertEquals("kept", uow.getJsonObject("attributes").getString("note"), "attributes are kept whatever the outcome");
    assertNotNull(uow.getJsonObject("parked_decision"));
    assertEquals(List.of("guard_fail", "uow_status_changed", "intervention_request"), p.eventTypesAfter(before));
    List<JsonObject> open = p.openRequests(id);
    assertEquals(1, open.size());
    assertEquals("waive_violation", open.get(0).getString("intervention_type"));
    assertEquals("ADMIN", open.get(0).getString("required_role"));
    assertFalse(open.get(0).getJsonObject("context").isEmpty(), "the request's context carries the decision");

    assertEquals(403, pilot("/pilot/waive/" + id + "/min-amount", p.operator, reason("fine")).status());
    assertEquals(409, pilot("/pilot/waive/" + id + "/other-rule", p.admin, reason("fine")).status());
    assertEquals(400, pilot("/pilot/waive/" + id + "/min-amount", p.admin, reason("")).status());
    String beforeWaive = p.lastEventId();
    Response waived = pilot("/pilot/waive/" + id + "/min-amount", p.admin, reason("approved by finance"));
    assertEquals(200, waived.status(), waived.body());
    assertEquals(List.of("pilot_waiver_granted", "uow_status_changed", "intervention_completed"), p.eventTypesAfter(beforeWaive));
    assertEquals("ACTIVE", p.uow(id).getString("status"));
    assertEquals("COMPLETED", p.request(open.get(0).getString("request_id")).getString("status"));
    JsonArray history = p.uow(id).getJsonArray("history");
    assertTrue(history.encode().contains("CONSTITUTIONAL_WAIVER"), history.encode());

    JsonObject done = p.advance(id, "COMPLETED", null, 200);
    assertEquals("ADVANCED", done.getString("outcome"), "the waiver is consumed by the next advance");
    assertEquals("COMPLETED", done.getJsonObject("uow").getString("status"));
  }

  /** Verifies the approval path: PENDING_PILOT_APPROVAL with a resume request, resume by an OPERATOR, approval consumed once. */
  @Test
  void approvalGuardianParksAndResumeReleases() {
    JsonObject policy = new JsonObject().put("approval_guardians", new JsonArray().add(Pilots.minAmount(null, 100)));
    String id = p.active(Pilots.newId(), policy).getString("uow_id");
    JsonObject parked = p.advance(id, "COMPLETED", Pilots.smallAmount(), 200);
    assertEquals("PENDING_PILOT_APPROVAL", parked.getString("outcome"));
    List<JsonObject> open = p.openRequests(id);
    assertEquals("resume", open.get(0).getString("intervention_type"));
    assertEquals(403, pilot("/pilot/resume/" + id, p.viewer, new JsonObject()).status());
    String before = p.lastEventId();
    Response resumed = pilot("/pilot/resume/" + id, p.operator, new JsonObject());
    assertEquals(200, resumed.status(), resumed.body());
    assertEquals(List.of("pilot_approval_granted", "uow_status_changed", "intervention_completed"), p.eventTypesAfter(before));
    assertEquals(409, pilot("/pilot/resume/" + id, p.operator, new JsonObject()).status(), "resume from ACTIVE");
    assertEquals("COMPLETED", p.advance(id, "COMPLETED", null, 200).getJsonObject("uow").getString("status"));
  }

  /** Verifies clarification: only from ZOMBIED_SOFT, resets the count, stores the text, needs text. */
  @Test
  void clarificationUnlocksAnAmbiguityLock() {
    String id = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
    assertEquals(409, pilot("/pilot/clarification/" + id, p.operator, new JsonObject().put("text", "early")).status());
    assertEquals("ZOMBIED_SOFT", node.http.post("/api/uows/" + id + "/interactions", p.operator, null).data().getString("status"));
    assertEquals(400, pilot("/pilot/clarification/" + id, p.operator, new JsonObject().put("text", " \t")).status());
    assertEquals(400, pilot("/pilot/clarification/" + id, p.operator, new JsonObject()).status());
    assertEquals(403, pilot("/pilot/clarification/" + id, p.viewer, new JsonObject().put("text", "x")).status());
    String before = p.lastEventId();
    Response r = pilot("/pilot/clarification/" + id, p.operator, new JsonObject().put("text", "vendor is ABC Corp"));
    assertEquals(200, r.status(), r.body());
    assertEquals(List.of("pilot_clarification_submitted", "uow_status_changed", "intervention_completed"), p.eventTypesAfter(before));
    JsonObject uow = p.uow(id);
    assertEquals("ACTIVE", uow.getString("status"));
    assertEquals(0, uow.getInteger("interaction_count"));
    assertTrue(uow.encode().contains("vendor is ABC Corp"));
    assertTrue(p.openRequests(id).isEmpty());
  }

  /** Verifies cancel from every parked status and 409 from the others; 404 and 400 for ids. */
  @Test
  void cancelFromParkedStatuses() {
    String zombie = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 0)).getString("uow_id");
    node.http.post("/api/uows/" + zombie + "/interactions", p.operator, null);
    String before = p.lastEventId();
    Response cancelled = pilot("/pilot/cancel/" + zombie, p.operator, reason("giving up"));
    assertEquals(200, cancelled.status(), cancelled.body());
    assertEquals(List.of("pilot_cancellation_issued", "uow_status_changed", "intervention_completed"), p.eventTypesAfter(before));
    assertEquals("FAILED", p.uow(zombie).getString("status"));

    String active = p.active(Pilots.newId(), null).getString("uow_id");
    Response refused = pilot("/pilot/cancel/" + active, p.operator, reason("x"));
    assertEquals(409, refused.status());
    assertTrue(refused.json().getJsonObject("error").getString("message").contains("ACTIVE"));
    assertEquals(404, pilot("/pilot/cancel/" + Pilots.newId(), p.operator, reason("x")).status());
    assertEquals(400, pilot("/pilot/cancel/xyz", p.operator, reason("x")).status());
    assertEquals(400, pilot("/pilot/cancel/" + active, p.operator, reason("")).status());
    assertEquals(400, pilot("/pilot/cancel/" + active, p.operator, reason("x").put("status", "FAILED")).status());
  }

  /** Verifies that a policy naming a guardian that does not exist parks the UOW instead of refusing every advance. */
  @Test
  void unresolvableGuardianParksTheUow() {
    String id = p.register(Pilots.newId(), new JsonObject().put("guardians", new JsonArray().add("never-registered")))
      .getString("uow_id");
    JsonObject parked = p.advance(id, "ACTIVE", null, 200);
    assertEquals("PAUSED", parked.getString("outcome"));
    JsonObject uow = parked.getJsonObject("uow");
    assertEquals("never-registered", uow.getJsonObject("pause").getString("rule_id"));
    assertTrue(uow.getJsonObject("parked_decision").getString("reason").contains("unknown guardian"),
      uow.getJsonObject("parked_decision").encode());
    assertEquals(200, pilot("/pilot/cancel/" + id, p.operator, reason("bad policy")).status());
  }

  /** Verifies that an approval survives an advance blocked before the approval guardians, so waive and resume converge. */
  @Test
  void waiverAndApprovalConverge() {
    JsonObject policy = Pilots.blocking(Pilots.minAmount("floor", 100))
      .put("approval_guardians", new JsonArray().add(Pilots.minAmount("big", 1000)));
    String id = node.http.post("/api/uows", p.operator, new JsonObject().put("instance_id", Pilots.newId())
      .put("attributes", new JsonObject().put("amount", 5000)).put("interaction_policy", policy).encode())
      .data().getString("uow_id");
    assertEquals("ADVANCED", p.advance(id, "ACTIVE", null, 200).getString("outcome"));
    assertEquals("PAUSED", p.advance(id, "COMPLETED", Pilots.smallAmount(), 200).getString("outcome"));
    assertEquals(200, pilot("/pilot/waive/" + id + "/floor", p.admin, reason("small is fine")).status());
    assertEquals("PENDING_PILOT_APPROVAL", p.advance(id, "COMPLETED", null, 200).getString("outcome"));
    assertEquals(200, pilot("/pilot/resume/" + id, p.operator, new JsonObject()).status());
    assertEquals("PAUSED", p.advance(id, "COMPLETED", null, 200).getString("outcome"), "the waiver was used up");
    assertEquals(200, pilot("/pilot/waive/" + id + "/floor", p.admin, reason("still fine")).status());
    JsonObject done = p.advance(id, "COMPLETED", null, 200);
    assertEquals("ADVANCED", done.getString("outcome"), "the approval was kept for this advance: " + done.encode());
    assertEquals("COMPLETED", done.getJsonObject("uow").getString("status"));
  }
}
