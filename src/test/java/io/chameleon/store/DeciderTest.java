package io.chameleon.store;

import static io.chameleon.store.Harness.ADMIN;
import static io.chameleon.store.Harness.INSTANCE;
import static io.chameleon.store.Harness.OPERATOR;
import static io.chameleon.store.Harness.OPERATOR_2;
import static io.chameleon.store.Harness.accepted;
import static io.chameleon.store.Harness.rejected;
import static io.chameleon.store.Harness.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Role;
import io.chameleon.store.Command.Submission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store's state machine as plain unit tests: no Vert.x, no log, no clock but a field. */
class DeciderTest {

  private final Harness h = new Harness();

  private static final Map<String, Object> GUARDED = Map.of("guardians", List.of("limit"),
    "approval_guardians", List.of("big"));

  /** Verifies that register creates a PENDING UOW at version 1 and bumps its parent's child count. */
  @Test
  void registerWithParent() {
    String parent = h.register(Map.of());
    String child = h.register(Map.of(), parent);
    Uow uow = h.uow(child);
    assertEquals(UowStatus.PENDING, uow.status());
    assertEquals(1, uow.version());
    assertEquals(10, uow.maxInteractions());
    assertEquals(1, h.uow(parent).childCount());
    assertEquals(2, h.uow(parent).version());
    assertEquals(Canonical.contentHash(child, "PENDING", Map.of("amount", 10), 1),
      uow.contentHash());
    assertEquals(List.of("uow_registered"), h.log.stream().skip(1).map(LoggedEvent::eventType)
      .toList());
  }

  /** Verifies that a missing parent is a 404 naming it and another instance's parent a 400. */
  @Test
  void registerParentChecks() {
    String missing = h.newUowId();
    Decision.Rejected notFound = rejected(h.run(new Command.Register(OPERATOR, h.newUowId(),
      INSTANCE, missing, Map.of(), Map.of(), "x")), 404);
    assertTrue(notFound.message().contains(missing));
    String parent = h.register(Map.of());
    rejected(h.run(new Command.Register(OPERATOR, h.newUowId(),
      "22222222-2222-4222-8222-222222222222", parent, Map.of(), Map.of(), "y")), 400);
  }

  /** Verifies that a repeated register is 200 with the same body and 409 with another. */
  @Test
  void registerRepeat() {
    String id = h.register(Map.of());
    Decision.Accepted same = h.ok(new Command.Register(OPERATOR, id, INSTANCE, null, Map.of(),
      Map.of(), "fp-" + id));
    assertEquals(200, same.status());
    assertTrue(same.events().isEmpty());
    rejected(h.run(new Command.Register(OPERATOR, id, INSTANCE, null, Map.of(), Map.of(),
      "other")), 409);
  }

  /** Verifies every allowed advance, and that others are 409 naming the current status. */
  @Test
  void advanceTransitions() {
    String id = h.register(Map.of());
    Decision.Rejected early = rejected(h.run(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of())), 409);
    assertTrue(early.message().contains("PENDING"), early.message());
    assertEquals(List.of("uow_status_changed"), types(h.run(new Command.Advance(OPERATOR, id,
      UowStatus.ACTIVE, Map.of("k", "v")))));
    assertEquals("v", h.uow(id).attributes().get("k"));
    assertEquals(10, h.uow(id).attributes().get("amount"));
    rejected(h.run(new Command.Advance(OPERATOR, id, UowStatus.PENDING, Map.of())), 409);
    rejected(h.run(new Command.Advance(OPERATOR, id, UowStatus.PAUSED, Map.of())), 409);
    h.ok(new Command.Advance(OPERATOR, id, UowStatus.COMPLETED, Map.of()));
    Decision.Rejected done = rejected(h.run(new Command.Advance(OPERATOR, id, UowStatus.FAILED,
      Map.of())), 409);
    assertTrue(done.message().contains("COMPLETED"), done.message());
    String other = h.active(Map.of());
    h.ok(new Command.Advance(OPERATOR, other, UowStatus.FAILED, Map.of()));
    assertEquals(UowStatus.FAILED, h.uow(other).status());
  }

  /** Verifies that a finished child bumps its parent's finished_child_count. */
  @Test
  void finishedChildCounts() {
    String parent = h.register(Map.of());
    String child = h.register(Map.of(), parent);
    h.ok(new Command.Advance(OPERATOR, child, UowStatus.ACTIVE, Map.of()));
    h.ok(new Command.Advance(OPERATOR, child, UowStatus.COMPLETED, Map.of()));
    assertEquals(1, h.uow(parent).finishedChildCount());
  }

  /** Verifies the plan: the gate runs except to FAILED; a waived rule is left out once. */
  @Test
  void gatePlan() {
    String id = h.active(Map.of("guardians", List.of("limit",
      Map.of("type", "PASS_THRU")), "approval_guardians", List.of("big")));
    Gate.Plan plan = (Gate.Plan) h.decider.plan(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of("x", 1))), h.state);
    assertEquals(List.of("limit", "guardians[1]"), plan.blocking().ruleIds());
    assertEquals(List.of("big"), plan.approval().ruleIds());
    assertEquals(1, plan.flatView().get("x"));
    assertEquals("ACTIVE", plan.flatView().get("status"));
    Gate.Plan failed = (Gate.Plan) h.decider.plan(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.FAILED, Map.of())), h.state);
    assertFalse(failed.runs());
  }

  /** Verifies a blocking failure: PAUSED with the rule, a waive_violation request, the events. */
  @Test
  void blockingGuardianPauses() {
    String id = h.active(GUARDED);
    Decision decision = h.run(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of("amount", 99))), Harness.blockingFails("limit"));
    assertEquals(List.of("guard_fail", "uow_status_changed", "intervention_request"),
      types(decision));
    Map<String, Object> data = accepted(decision).data();
    assertEquals("PAUSED", data.get("outcome"));
    Uow uow = h.uow(id);
    assertEquals(UowStatus.PAUSED, uow.status());
    assertEquals(Map.of("reason", "GUARD_VIOLATION", "rule_id", "limit"), uow.pause());
    assertEquals("limit", uow.parkedDecision().get("name"));
    assertEquals(99, uow.attributes().get("amount"));
    InterventionRequest request = h.request((String) data.get("request_id"));
    assertEquals("waive_violation", request.interventionType());
    assertEquals(Role.ADMIN, request.requiredRole());
    assertEquals("limit", request.context().get("rule_id"));
  }

  /** Verifies waive: ACTIVE, CONSTITUTIONAL_WAIVER history, request closed, rule skipped once. */
  @Test
  void waiveThenAdvanceSkipsTheRuleOnce() {
    String id = h.active(GUARDED);
    String requestId = (String) accepted(h.run(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of())), Harness.blockingFails("limit"))).data().get("request_id");
    rejected(h.run(new Command.Waive(ADMIN, id, "other", "no")), 409);
    Decision waived = h.run(new Command.Waive(ADMIN, id, "limit", "accepted risk"));
    assertEquals(List.of("pilot_waiver_granted", "uow_status_changed", "intervention_completed"),
      types(waived));
    assertEquals(List.of(requestId), accepted(waived).data().get("request_ids_closed"));
    assertEquals(RequestStatus.COMPLETED, h.request(requestId).status());
    assertEquals(UowStatus.ACTIVE, h.uow(id).status());
    Map<String, Object> entry = h.state.history(id).stream()
      .filter(e -> "CONSTITUTIONAL_WAIVER".equals(e.get("event_type"))).findFirst().orElseThrow();
    assertEquals(Map.of("rule", "limit", "pilot", "admin-1", "reason", "accepted risk"),
      entry.get("details"));
    Gate.Plan plan = (Gate.Plan) h.decider.plan(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of())), h.state);
    assertTrue(plan.blocking().empty());
    h.ok(new Command.Advance(OPERATOR, id, UowStatus.COMPLETED, Map.of()));
    assertNull(h.uow(id).waivedRule());
    Map<String, Object> last = h.state.history(id).get(h.state.history(id).size() - 1);
    assertEquals("limit", ((Map<?, ?>) last.get("details")).get("waiver_consumed"));
  }

  /** Verifies approval guardians park in PENDING_PILOT_APPROVAL; resume skips them once. */
  @Test
  void approvalThenResume() {
    String id = h.active(GUARDED);
    Decision parked = h.run(Submission.of(new Command.Advance(OPERATOR, id, UowStatus.COMPLETED,
      Map.of())), Harness.approvalFails("big"));
    assertEquals(List.of("guard_pass", "guard_fail", "uow_status_changed",
      "intervention_request"), types(parked));
    assertEquals(UowStatus.PENDING_PILOT_APPROVAL, h.uow(id).status());
    String requestId = (String) accepted(parked).data().get("request_id");
    assertEquals("resume", h.request(requestId).interventionType());
    assertEquals(List.of("pilot_approval_granted", "uow_status_changed",
      "intervention_completed"), types(h.run(new Command.Resume(OPERATOR, id, null))));
    assertTrue(h.uow(id).approvalGranted());
    Gate.Plan plan = (Gate.Plan) h.decider.plan(Submission.of(new Command.Advance(OPERATOR, id,
      UowStatus.COMPLETED, Map.of())), h.state);
    assertTrue(plan.approval().empty());
    assertFalse(plan.blocking().empty());
  }

  /** Verifies interactions count, and above the maximum lock the UOW with a clarification request. */
  @Test
  void ambiguityLock() {
    String id = h.active(Map.of("max_interactions", 1));
    assertEquals(List.of("uow_interaction_recorded"),
      types(h.run(new Command.Interaction(OPERATOR, id))));
    assertEquals(List.of("uow_interaction_recorded", "ambiguity_lock_detected",
      "intervention_request"), types(h.run(new Command.Interaction(OPERATOR, id))));
    assertEquals(UowStatus.ZOMBIED_SOFT, h.uow(id).status());
    Decision.Rejected again = rejected(h.run(new Command.Interaction(OPERATOR, id)), 409);
    assertTrue(again.message().contains("ZOMBIED_SOFT"));
    Decision clarified = h.run(new Command.Clarify(OPERATOR, id, "use the EU table"));
    assertEquals(List.of("pilot_clarification_submitted", "uow_status_changed",
      "intervention_completed"), types(clarified));
    Uow uow = h.uow(id);
    assertEquals(UowStatus.ACTIVE, uow.status());
    assertEquals(0, uow.interactionCount());
    assertEquals("use the EU table", uow.clarification());
  }

  /** Verifies the wrong-state pilot actions are 409 naming the status, unknown UOWs 404. */
  @Test
  void pilotActionsWrongState() {
    String id = h.active(Map.of());
    for (Command command : List.of(new Command.Clarify(OPERATOR, id, "t"),
      new Command.Waive(ADMIN, id, "r", "x"), new Command.Resume(OPERATOR, id, null),
      new Command.Cancel(OPERATOR, id, "x"))) {
      Decision.Rejected r = rejected(h.run(command), 409);
      assertTrue(r.message().contains("ACTIVE"), r.message());
    }
    rejected(h.run(new Command.Cancel(OPERATOR, h.newUowId(), "x")), 404);
  }

  /** Verifies cancel from each parked status moves to FAILED. */
  @Test
  void cancelFromParked() {
    String paused = h.active(GUARDED);
    h.run(Submission.of(new Command.Advance(OPERATOR, paused, UowStatus.COMPLETED, Map.of())),
      Harness.blockingFails("limit"));
    assertEquals(List.of("pilot_cancellation_issued", "uow_status_changed",
      "intervention_completed"), types(h.run(new Command.Cancel(OPERATOR, paused, "stop"))));
    assertEquals(UowStatus.FAILED, h.uow(paused).status());
  }

  /** Verifies the kill switch: dry run changes nothing; halt pauses ACTIVE UOWs; release resumes. */
  @Test
  void killSwitchAndRelease() {
    String a = h.active(Map.of());
    String b = h.active(Map.of());
    String pending = h.register(Map.of());
    int logged = h.log.size();
    Decision.Accepted dry = h.ok(new Command.KillSwitch(ADMIN, INSTANCE, "look", true));
    assertTrue(dry.events().isEmpty());
    assertEquals(2, dry.data().get("paused_uow_count"));
    assertEquals(logged, h.log.size());
    Decision halt = h.run(new Command.KillSwitch(ADMIN, INSTANCE, "runaway", false));
    assertEquals(List.of("kill_switch_activated", "uow_status_changed", "uow_status_changed"),
      types(halt));
    assertEquals(List.of(a, b), accepted(halt).data().get("paused_uow_ids"));
    assertEquals("KILL_SWITCH", h.uow(a).pause().get("reason"));
    assertEquals("admin-1", h.state.halted(INSTANCE).haltedBy());
    rejected(h.run(new Command.Advance(OPERATOR, pending, UowStatus.ACTIVE, Map.of())), 409);
    rejected(h.run(new Command.Register(OPERATOR, h.newUowId(), INSTANCE, null, Map.of(),
      Map.of(), "z")), 409);
    Decision release = h.run(new Command.Release(ADMIN, INSTANCE, "fixed"));
    assertEquals(List.of("kill_switch_released", "uow_status_changed", "uow_status_changed"),
      types(release));
    assertEquals(UowStatus.ACTIVE, h.uow(a).status());
    assertNull(h.state.halted(INSTANCE));
    rejected(h.run(new Command.Release(ADMIN, INSTANCE, "again")), 409);
  }

  /** Verifies that while halted cancel still works and waive (which would activate) is 409. */
  @Test
  void haltedInstanceAllowsOnlyCancel() {
    String id = h.active(GUARDED);
    h.run(Submission.of(new Command.Advance(OPERATOR, id, UowStatus.COMPLETED, Map.of())),
      Harness.blockingFails("limit"));
    h.ok(new Command.KillSwitch(ADMIN, INSTANCE, "stop", false));
    Decision.Rejected refused = rejected(h.run(new Command.Waive(ADMIN, id, "limit", "x")), 409);
    assertTrue(refused.message().contains("halted"), refused.message());
    h.ok(new Command.Cancel(OPERATOR, id, "stop"));
    assertEquals(UowStatus.FAILED, h.uow(id).status());
  }

  private String create(String uowId, String type, String priority, Role role) {
    return (String) h.ok(new Command.CreateRequest(OPERATOR, "r-" + h.log.size(), uowId, type, "t", "", priority, Map.of(), role, 3600, "fp-" + h.log.size()))
      .data().get("request_id");
  }

  /** Verifies claim, repeat by the same pilot, 409 for another, decision by the assignee only. */
  @Test
  void claimAndDecide() {
    String id = create("external-1", "cancel", "normal", Role.OPERATOR);
    assertEquals(List.of("intervention_claimed"), types(h.run(new Command.Claim(OPERATOR, id))));
    assertEquals(RequestStatus.IN_PROGRESS, h.request(id).status());
    assertTrue(h.ok(new Command.Claim(OPERATOR, id)).events().isEmpty());
    rejected(h.run(new Command.Claim(OPERATOR_2, id)), 409);
    rejected(h.run(new Command.DecideRequest(OPERATOR_2, id, true, "x")), 409);
    assertEquals(List.of("intervention_approved"),
      types(h.run(new Command.DecideRequest(ADMIN, id, true, "admin overrides"))));
    Decision.Rejected again = rejected(h.run(new Command.DecideRequest(ADMIN, id, false, "x")),
      409);
    assertTrue(again.message().contains("APPROVED"));
  }

  /** Verifies the effective role: an OPERATOR on a waive_violation request is 403 and recorded. */
  @Test
  void itemRoleIsEnforcedAndRecorded() {
    String id = create("external-2", "waive_violation", "normal", Role.OPERATOR);
    Decision.Rejected denied = rejected(h.run(new Command.Claim(OPERATOR, id)), 403);
    assertEquals("pilot_auth_denied", denied.events().get(0).eventType());
    assertEquals("ADMIN", denied.events().get(0).payload().get("required_role"));
    rejected(h.run(new Command.DecideRequest(OPERATOR, "nope", true, "x")), 404);
  }

  /** Verifies If-Match: a stale version is 409 and a current one passes. */
  @Test
  void ifMatch() {
    String id = create("external-3", "resume", "normal", Role.OPERATOR);
    Command claim = new Command.Claim(OPERATOR, id);
    rejected(h.run(new Submission(claim, 7L, null), Gate.Result.NONE), 409);
    accepted(h.run(new Submission(claim, 1L, null), Gate.Result.NONE));
    assertEquals(2, h.request(id).version());
  }

  /** Verifies approving a linked waive_violation runs the waiver; the request becomes APPROVED. */
  @Test
  void linkedApproveRunsTheAction() {
    String uow = h.active(GUARDED);
    String requestId = (String) accepted(h.run(Submission.of(new Command.Advance(OPERATOR, uow,
      UowStatus.COMPLETED, Map.of())), Harness.blockingFails("limit"))).data().get("request_id");
    String other = create(uow, "cancel", "low", Role.OPERATOR);
    Decision approved = h.run(new Command.DecideRequest(ADMIN, requestId, true, "fine"));
    assertEquals(List.of("intervention_approved", "pilot_waiver_granted", "uow_status_changed",
      "intervention_completed"), types(approved));
    assertEquals(RequestStatus.APPROVED, h.request(requestId).status());
    assertEquals(RequestStatus.COMPLETED, h.request(other).status());
    assertEquals(UowStatus.ACTIVE, h.uow(uow).status());
    assertEquals("limit", h.uow(uow).waivedRule());
    assertEquals("ACTIVE", ((Map<?, ?>) accepted(approved).data().get("uow")).get("status"));
  }

  /** Verifies that when the linked UOW refuses the action, the approve is 409 and nothing changes. */
  @Test
  void linkedApproveRefusedByTheUow() {
    String uow = h.active(Map.of());
    String id = create(uow, "resume", "normal", Role.OPERATOR);
    Decision.Rejected r = rejected(h.run(new Command.DecideRequest(OPERATOR, id, true, "go")), 409);
    assertTrue(r.message().contains("ACTIVE"));
    assertEquals(RequestStatus.PENDING, h.request(id).status());
  }

  /** Verifies linked rejects: resume cancels the UOW; clarification kills it (ZOMBIED_DEAD). */
  @Test
  void linkedRejects() {
    String approval = h.active(GUARDED);
    String resume = (String) accepted(h.run(Submission.of(new Command.Advance(OPERATOR, approval,
      UowStatus.COMPLETED, Map.of())), Harness.approvalFails("big"))).data().get("request_id");
    assertEquals(List.of("intervention_rejected", "pilot_cancellation_issued",
      "uow_status_changed"), types(h.run(new Command.DecideRequest(OPERATOR, resume, false,
      "no"))));
    assertEquals(UowStatus.FAILED, h.uow(approval).status());
    assertEquals(RequestStatus.REJECTED, h.request(resume).status());

    String locked = h.active(Map.of("max_interactions", 0));
    h.ok(new Command.Interaction(OPERATOR, locked));
    String clarification = h.state.openRequestIds(locked).get(0);
    assertEquals(List.of("intervention_rejected", "uow_status_changed"),
      types(h.run(new Command.DecideRequest(OPERATOR, clarification, false, "give up"))));
    assertEquals(UowStatus.ZOMBIED_DEAD, h.uow(locked).status());
    rejected(h.run(new Command.Clarify(OPERATOR, locked, "late")), 409);
    h.ok(new Command.Cancel(OPERATOR, locked, "clean up"));
    assertEquals(UowStatus.FAILED, h.uow(locked).status());
  }

  /** Verifies expiry: EXPIRED, and a linked parked UOW becomes ZOMBIED_DEAD. */
  @Test
  void expiry() {
    String locked = h.active(Map.of("max_interactions", 0));
    h.ok(new Command.Interaction(OPERATOR, locked));
    String id = h.state.openRequestIds(locked).get(0);
    assertTrue(h.state.expiredAt(h.now, 10).isEmpty());
    rejected(h.run(new Command.Expire(id)), 409);
    h.now = h.now.plusSeconds(3601);
    assertEquals(List.of(id), h.state.expiredAt(h.now, 10));
    assertEquals(List.of("intervention_expired", "uow_status_changed"),
      types(h.run(new Command.Expire(id))));
    assertEquals(RequestStatus.EXPIRED, h.request(id).status());
    assertEquals(UowStatus.ZOMBIED_DEAD, h.uow(locked).status());
    assertTrue(h.state.expiredAt(h.now, 10).isEmpty());
    assertEquals(1L, h.state.metrics().toView().get("expired_interventions"));
  }

  /** Verifies idempotency: the stored reply for the same body, 409 for another, kept 24 h. */
  @Test
  void idempotency() {
    String uow = h.active(GUARDED);
    h.run(Submission.of(new Command.Advance(OPERATOR, uow, UowStatus.COMPLETED, Map.of())),
      Harness.blockingFails("limit"));
    Command.Idempotency key = new Command.Idempotency("admin-1\nPOST\n/p\nk1", "{\"reason\":1}");
    Command waive = new Command.Waive(ADMIN, uow, "limit", "ok");
    Decision.Accepted first = accepted(h.run(new Submission(waive, null, key), Gate.Result.NONE));
    assertTrue(first.events().get(0).payload().containsKey("idempotency"));
    int logged = h.log.size();
    Decision.Accepted repeat = accepted(h.run(new Submission(waive, 999L, key),
      Gate.Result.NONE));
    assertTrue(repeat.events().isEmpty());
    assertEquals(first.data(), repeat.data());
    assertEquals(logged, h.log.size());
    rejected(h.run(new Submission(waive, null, new Command.Idempotency(key.scope(), "other")),
      Gate.Result.NONE), 409);
    h.now = h.now.plusSeconds(24 * 3600 + 1);
    rejected(h.run(new Submission(waive, null, key), Gate.Result.NONE), 409);
  }

  /** Verifies the pending order (priority, then age), per-assignee and per-pilot (unclaimed or own) filtering with paging. */
  @Test
  void pendingOrder() {
    String low = create("e", "cancel", "low", Role.OPERATOR);
    h.now = h.now.plusSeconds(1);
    String critical = create("e", "cancel", "critical", Role.OPERATOR);
    h.now = h.now.plusSeconds(1);
    String normal1 = create("e", "cancel", "normal", Role.OPERATOR);
    h.now = h.now.plusSeconds(1);
    String normal2 = create("e", "cancel", "normal", Role.OPERATOR);
    StoreState.Page<InterventionRequest> page = h.state.pending(null, 50, 0);
    assertEquals(List.of(critical, normal1, normal2, low),
      page.items().stream().map(InterventionRequest::requestId).toList());
    assertEquals(List.of(normal1), h.state.pending(null, 1, 1).items().stream()
      .map(InterventionRequest::requestId).toList());
    h.ok(new Command.Claim(OPERATOR_2, normal2));
    assertEquals(List.of(normal2), h.state.pending("op-2", 50, 0).items().stream()
      .map(InterventionRequest::requestId).toList());
    h.ok(new Command.Claim(OPERATOR, low));
    // what op-2 can act on: the unclaimed and its own, merged in queue order; not op-1's
    assertEquals(List.of(critical, normal1, normal2), h.state.actionableBy("op-2", 50, 0).items().stream()
      .map(InterventionRequest::requestId).toList());
    assertEquals(3, h.state.actionableBy("op-2", 1, 2).total());
    assertEquals(List.of(normal1, normal2), h.state.actionableBy("op-2", 2, 1).items().stream()
      .map(InterventionRequest::requestId).toList());
    assertEquals(List.of(critical, normal1, low), h.state.actionableBy("op-1", 50, 0).items().stream()
      .map(InterventionRequest::requestId).toList());
    assertEquals(List.of(critical, normal1), h.state.actionableBy("nobody", 50, 0).items().stream()
      .map(InterventionRequest::requestId).toList());
    h.ok(new Command.DecideRequest(OPERATOR_2, normal2, false, "no"));
    assertEquals(0, h.state.pending("op-2", 50, 0).total());
    assertEquals(3, h.state.pending(null, 50, 0).total());
    assertEquals(2, h.state.actionableBy("op-2", 50, 0).total());
  }

  /** Verifies the metrics arithmetic: counts, average resolution time and top pilots. */
  @Test
  void metrics() {
    String a = create("e", "cancel", "high", Role.OPERATOR);
    String b = create("e", "resume", "low", Role.OPERATOR);
    create("e", "resume", "low", Role.OPERATOR);
    h.now = h.now.plusSeconds(10);
    h.ok(new Command.DecideRequest(OPERATOR, a, true, "ok"));
    h.now = h.now.plusSeconds(20);
    h.ok(new Command.Claim(OPERATOR_2, b));
    h.ok(new Command.DecideRequest(OPERATOR_2, b, false, "no"));
    Map<String, Object> m = h.state.metrics().toView();
    assertEquals(3L, m.get("total_interventions"));
    assertEquals(1L, m.get("pending_interventions"));
    assertEquals(1L, m.get("approved_interventions"));
    assertEquals(1L, m.get("rejected_interventions"));
    assertEquals(0L, m.get("in_progress_interventions"));
    assertEquals(20.0, m.get("avg_resolution_time_seconds"));
    assertEquals(Map.of("cancel", 1L, "resume", 2L), m.get("by_type"));
    assertEquals(Map.of("high", 1L, "low", 2L), m.get("by_priority"));
    assertEquals(List.of(Map.of("pilot_id", "op-1", "interventions", 1L),
      Map.of("pilot_id", "op-2", "interventions", 1L)), m.get("top_pilots"));
  }

  /** Verifies that replaying the log into a fresh state rebuilds the same UOWs and requests. */
  @Test
  void replayRebuildsEverything() {
    String uow = h.active(GUARDED);
    h.run(Submission.of(new Command.Advance(OPERATOR, uow, UowStatus.COMPLETED, Map.of())),
      Harness.blockingFails("limit"));
    h.ok(new Command.Waive(ADMIN, uow, "limit", "ok"));
    h.ok(new Command.KillSwitch(ADMIN, INSTANCE, "halt", false));
    StoreState rebuilt = new StoreState();
    h.log.forEach(rebuilt::apply);
    assertEquals(h.uow(uow), rebuilt.uow(uow));
    assertEquals(h.state.history(uow), rebuilt.history(uow));
    assertEquals(h.state.metrics().toView(), rebuilt.metrics().toView());
    assertEquals(h.state.haltedInstances(), rebuilt.haltedInstances());
  }
}
