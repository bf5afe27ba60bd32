package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.AdvanceGate.checkAdvance;
import static io.chameleon.store.AdvanceGate.emitDecisions;
import static io.chameleon.store.AdvanceGate.firstFailure;
import static io.chameleon.store.AdvanceGate.gatePlan;
import static io.chameleon.store.Canonical.obj;
import static io.chameleon.store.Preconditions.checkNotHalted;
import static io.chameleon.store.Preconditions.checkVersion;
import static io.chameleon.store.Preconditions.existingUow;
import static io.chameleon.store.Preconditions.pilot;
import static io.chameleon.store.UowStatusChange.moveUow;

import io.chameleon.bus.Operation;
import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine's commands on a UOW: register it, record an interaction (past its budget an
 * ambiguity lock parks it ZOMBIED_SOFT and asks for a clarification), and advance it through
 * the guardian gate (a violation parks it PAUSED, a missing approval PENDING_PILOT_APPROVAL,
 * each with an intervention request).
 */
final class UowCommands {

  private final RequestCommands requests;

  UowCommands(RequestCommands requests) {
    this.requests = requests;
  }

  Accepted register(Command.Register r, Step step) {
    Uow existing = step.state.uow(r.uowId());
    if (existing != null) {
      if (existing.registerFingerprint().equals(r.fingerprint())) {
        return new Accepted(List.of(), 200, step.state.uow(r.uowId()).toView());
      }
      throw Refusal.conflict("uow " + r.uowId() + " is already registered with another body");
    }
    Uow parent = null;
    if (r.parentUowId() != null) {
      parent = step.uow(r.parentUowId());
      if (parent == null) {
        throw Refusal.notFound("parent uow " + r.parentUowId() + " not found");
      }
      if (!parent.instanceId().equals(r.instanceId())) {
        throw new Refusal(400, "parent_uow_id: parent uow " + r.parentUowId()
          + " belongs to another instance", List.of());
      }
    }
    if (step.state.halted(r.instanceId()) != null) {
      throw Refusal.conflict("instance " + r.instanceId() + " is halted");
    }
    Uow uow = Uow.registered(r.uowId(), r.instanceId(), r.parentUowId(), r.attributes(),
      r.policy(), r.fingerprint(), step.now);
    Map<String, Object> payload = obj("uow_id", uow.uowId(), "instance_id", uow.instanceId(),
      "parent_uow_id", uow.parentUowId(), "pilot_id", pilot(r.actor()), "uow", uow.toState());
    if (parent != null) {
      step.countOnParent(parent, change -> change.childCount++, payload);
    }
    step.put(uow);
    step.emit(StoreEvents.UOW_REGISTERED, payload);
    return new Accepted(step.drafts(), 201, uow.toView());
  }

  Accepted interaction(Submission s, Command.Interaction i, Step step) {
    Uow uow = existingUow(step.state, i.uowId());
    checkVersion(s, uow.version(), "uow " + uow.uowId());
    checkNotHalted(step, uow);
    // an interaction counts only on an ACTIVE UOW: where an ambiguity lock may start
    UowMove.AMBIGUITY_LOCK.require(uow);
    Uow.Change change = uow.change();
    change.interactionCount++;
    Uow counted = change.done(step.now);
    step.put(counted);
    step.emit(StoreEvents.UOW_INTERACTION_RECORDED, obj("uow_id", uow.uowId(),
      "pilot_id", pilot(i.actor()), "interaction_count", counted.interactionCount(),
      "max_interactions", counted.maxInteractions(), "uow", counted.toState()));
    if (counted.interactionCount() <= counted.maxInteractions()) {
      return new Accepted(step.drafts(), 200, counted.toView());
    }
    Uow.Change lock = counted.change();
    // its own event (ambiguity_lock_detected), not uow_status_changed
    lock.status = UowMove.AMBIGUITY_LOCK.target(counted);
    Uow locked = lock.done(step.now);
    step.put(locked);
    step.emit(StoreEvents.AMBIGUITY_LOCK_DETECTED, obj("uow_id", uow.uowId(),
      "instance_id", uow.instanceId(), "pilot_id", pilot(i.actor()),
      "old_status", counted.status().name(), "new_status", locked.status().name(),
      "interaction_count", locked.interactionCount(), "max_interactions", locked.maxInteractions(),
      "uow", locked.toState()));
    requests.newRequest(step, i.actor(), uow.uowId(), "clarification",
      "Ambiguity lock: clarification needed",
      "UOW " + uow.uowId() + " exceeded " + locked.maxInteractions() + " interactions",
      "high", obj("instance_id", uow.instanceId(), "interaction_count", locked.interactionCount(),
        "max_interactions", locked.maxInteractions()), Operation.actionRole("clarification"));
    return new Accepted(step.drafts(), 200, locked.toView());
  }

  Accepted advance(Submission s, Command.Advance a, Step step, Gate.Result gate) {
    Uow uow = existingUow(step.state, a.uowId());
    checkVersion(s, uow.version(), "uow " + uow.uowId());
    checkAdvance(step.state, uow, a.target());
    Gate.Plan plan = gatePlan(uow, a);
    String pilot = pilot(a.actor());
    List<Map<String, Object>> decisions = new ArrayList<>();
    UowMove move = UowMove.advance(uow.status(), a.target());
    Map<String, Object> parkedDecision = null;
    String violatedRule = null;
    // an approval is consumed only by an advance that got as far as the approval guardians:
    // one blocked again by a guardian keeps it, so waive → advance cannot loop with resume
    boolean approvalReached = false;
    if (plan.runs()) {
      Gate.Verdict blocking = gate.blocking() == null ? Gate.Verdict.pass() : gate.blocking();
      emitDecisions(step, uow, pilot, "guardians", blocking.decisions(), decisions);
      if (!blocking.allowed()) {
        move = UowMove.GUARD_VIOLATION;
        parkedDecision = firstFailure(blocking.decisions());
        violatedRule = parkedDecision == null ? "guardians" : (String) parkedDecision.get("name");
      } else {
        approvalReached = true;
        Gate.Verdict approval = gate.approval() == null ? Gate.Verdict.pass() : gate.approval();
        emitDecisions(step, uow, pilot, "approval_guardians", approval.decisions(), decisions);
        if (!approval.allowed()) {
          move = UowMove.APPROVAL_NEEDED;
          parkedDecision = firstFailure(approval.decisions());
        }
      }
    }
    UowStatus outcome = move.to;
    Map<String, Object> pause = outcome == UowStatus.PAUSED
      ? obj("reason", "GUARD_VIOLATION", "rule_id", violatedRule) : null;
    Map<String, Object> extra = obj("outcome", outcomeName(outcome), "target_status",
      a.target().name());
    if (plan.runs() && uow.waivedRule() != null) {
      extra.put("waiver_consumed", uow.waivedRule());
    }
    boolean approvalConsumed = approvalReached && uow.approvalGranted();
    if (approvalConsumed) {
      extra.put("approval_consumed", true);
    }
    boolean approvalKept = uow.approvalGranted() && !approvalConsumed && a.target() != UowStatus.FAILED;
    Map<String, Object> parked = parkedDecision;
    Uow after = moveUow(step, uow, move, pilot, null, null, change -> {
      change.attributes.putAll(copy(a.attributes()));
      change.waivedRule = null;
      change.approvalGranted = approvalKept;
      change.pause = pause;
      if (parked != null) {
        change.parkedDecision = parked;
      }
    }, extra);
    Map<String, Object> data = obj("uow", after.toView(), "outcome", outcomeName(outcome),
      "decisions", decisions);
    if (outcome == UowStatus.PAUSED) {
      InterventionRequest request = requests.newRequest(step, a.actor(), uow.uowId(), "waive_violation",
        "Guardian violation: " + violatedRule, parkedReason(parked), "high",
        obj("rule_id", violatedRule, "decision", copy(parked), "target_status", a.target().name(),
          "instance_id", uow.instanceId()), Operation.actionRole("waive_violation"));
      data.put("request_id", request.requestId());
    } else if (outcome == UowStatus.PENDING_PILOT_APPROVAL) {
      InterventionRequest request = requests.newRequest(step, a.actor(), uow.uowId(), "resume",
        "Approval needed to advance to " + a.target(), parkedReason(parked), "normal",
        obj("rule_id", parked == null ? null : parked.get("name"), "decision", copy(parked),
          "target_status", a.target().name(), "instance_id", uow.instanceId()), Operation.actionRole("resume"));
      data.put("request_id", request.requestId());
    }
    return new Accepted(step.drafts(), 200, data);
  }

  private static String outcomeName(UowStatus outcome) {
    return outcome == UowStatus.PAUSED || outcome == UowStatus.PENDING_PILOT_APPROVAL
      ? outcome.name() : "ADVANCED";
  }

  private static String parkedReason(Map<String, Object> decision) {
    return decision != null && decision.get("reason") instanceof String reason ? reason : "";
  }
}
