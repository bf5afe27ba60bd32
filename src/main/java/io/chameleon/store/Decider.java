package io.chameleon.store;

import static io.chameleon.store.Canonical.copy;
import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import io.chameleon.bus.Role;
import io.chameleon.store.Command.Actor;
import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import io.chameleon.store.Decision.Rejected;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The store's rules (SPEC §3, §5): {@code decide(command, state, now) → events | rejection}. It
 * never changes the state; the events it returns carry every new full state, so
 * {@link StoreState#apply} of them, once logged, is the whole change. Checks run in the SPEC
 * order: existence 404, the item's role 403, {@code If-Match} and state 409 (shape was checked
 * when the command was parsed).
 */
public final class Decider {

  public static final long DEFAULT_EXPIRES_IN = 3600;

  private final Supplier<String> ids;

  public Decider() {
    this(() -> UUID.randomUUID().toString());
  }

  /** With the source of the ids of the requests the store creates itself. */
  public Decider(Supplier<String> ids) {
    this.ids = ids;
  }

  /** A refusal thrown inside the rules; becomes {@link Rejected}. */
  static final class Refusal extends RuntimeException {
    final int status;
    final List<Draft> events;

    Refusal(int status, String message, List<Draft> events) {
      super(message, null, false, false);
      this.status = status;
      this.events = events;
    }

    static Refusal conflict(String message) {
      return new Refusal(409, message, List.of());
    }

    static Refusal notFound(String message) {
      return new Refusal(404, message, List.of());
    }
  }

  // ---- entry points

  public Decision decide(Submission submission, StoreState state, Instant now) {
    return decide(submission, state, now, Gate.Result.NONE);
  }

  /** Decides a command; for an advance, {@code gate} holds the verdicts of {@link #plan}. */
  public Decision decide(Submission submission, StoreState state, Instant now, Gate.Result gate) {
    try {
      Command.Idempotency idem = submission.idempotency();
      if (idem != null) {
        IdempotencyRecord record = state.idempotency(idem.scope(), now);
        if (record != null) {
          if (!record.fingerprint().equals(idem.fingerprint())) {
            throw Refusal.conflict("idempotency key already used with another body");
          }
          // a repeated create answers 200 (SPEC §1); any other stored status as it was
          int status = record.status() == 201 ? 200 : record.status();
          return new Accepted(List.of(), status, copy(record.data()));
        }
      }
      Accepted accepted = dispatch(submission, new Step(state, now), gate);
      if (idem != null && !accepted.events().isEmpty()) {
        Map<String, Object> first = accepted.events().get(0).payload();
        first.put("idempotency", new IdempotencyRecord(idem.scope(), idem.fingerprint(),
          accepted.status(), copy(accepted.data()), now).toState());
      }
      return accepted;
    } catch (Refusal refusal) {
      return new Rejected(refusal.status, refusal.getMessage(), refusal.events);
    }
  }

  /**
   * The first half of an advance: checks existence, version and state, and says which guardians
   * to evaluate. A rejection comes back as {@link Rejected}, a plan as null-free {@link Gate.Plan}.
   */
  public Object plan(Submission submission, StoreState state) {
    try {
      Command.Advance advance = (Command.Advance) submission.command();
      Uow uow = existingUow(state, advance.uowId());
      checkVersion(submission, uow.version(), "uow " + uow.uowId());
      checkAdvance(state, uow, advance.target());
      return gatePlan(uow, advance);
    } catch (Refusal refusal) {
      return new Rejected(refusal.status, refusal.getMessage(), refusal.events);
    }
  }

  private Accepted dispatch(Submission s, Step step, Gate.Result gate) {
    Command c = s.command();
    if (c instanceof Command.Register r) {
      return register(r, step);
    } else if (c instanceof Command.Interaction i) {
      return interaction(s, i, step);
    } else if (c instanceof Command.Advance a) {
      return advance(s, a, step, gate);
    } else if (c instanceof Command.KillSwitch k) {
      return killSwitch(k, step);
    } else if (c instanceof Command.Release r) {
      return release(r, step);
    } else if (c instanceof Command.Clarify cl) {
      Uow uow = pilotTarget(s, step, cl.uowId());
      Uow after = clarify(step, uow, cl.actor().pilotId(), cl.text(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Waive w) {
      Uow uow = pilotTarget(s, step, w.uowId());
      Uow after = waive(step, uow, w.actor().pilotId(), w.ruleId(), w.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Resume r) {
      Uow uow = pilotTarget(s, step, r.uowId());
      Uow after = resume(step, uow, r.actor().pilotId(), r.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Cancel cn) {
      Uow uow = pilotTarget(s, step, cn.uowId());
      Uow after = cancel(step, uow, cn.actor().pilotId(), cn.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.CreateRequest cr) {
      return createRequest(cr, step);
    } else if (c instanceof Command.Claim cl) {
      return claim(s, cl, step);
    } else if (c instanceof Command.DecideRequest d) {
      return decideRequest(s, d, step);
    } else if (c instanceof Command.Expire e) {
      return expire(e, step);
    }
    throw new IllegalArgumentException("unknown command " + c);
  }

  // ---- engine commands

  private Accepted register(Command.Register r, Step step) {
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
      Uow.Change change = parent.change();
      change.childCount++;
      Uow updated = change.done(step.now);
      step.put(updated);
      payload.put("parent_uow", updated.toState());
    }
    step.put(uow);
    step.emit(StoreEvents.UOW_REGISTERED, payload);
    return new Accepted(step.drafts(), 201, uow.toView());
  }

  private Accepted interaction(Submission s, Command.Interaction i, Step step) {
    Uow uow = existingUow(step.state, i.uowId());
    checkVersion(s, uow.version(), "uow " + uow.uowId());
    checkNotHalted(step, uow);
    if (uow.status() != UowStatus.ACTIVE) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status()
        + "; an interaction needs ACTIVE");
    }
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
    lock.status = UowStatus.ZOMBIED_SOFT;
    Uow locked = lock.done(step.now);
    step.put(locked);
    step.emit(StoreEvents.AMBIGUITY_LOCK_DETECTED, obj("uow_id", uow.uowId(),
      "instance_id", uow.instanceId(), "pilot_id", pilot(i.actor()),
      "old_status", UowStatus.ACTIVE.name(), "new_status", UowStatus.ZOMBIED_SOFT.name(),
      "interaction_count", locked.interactionCount(), "max_interactions", locked.maxInteractions(),
      "uow", locked.toState()));
    newRequest(step, i.actor(), uow.uowId(), "clarification",
      "Ambiguity lock: clarification needed",
      "UOW " + uow.uowId() + " exceeded " + locked.maxInteractions() + " interactions",
      "high", obj("instance_id", uow.instanceId(), "interaction_count", locked.interactionCount(),
        "max_interactions", locked.maxInteractions()), Role.OPERATOR);
    return new Accepted(step.drafts(), 200, locked.toView());
  }

  private static void checkAdvance(StoreState state, Uow uow, UowStatus target) {
    if (state.halted(uow.instanceId()) != null) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + " and its instance "
        + uow.instanceId() + " is halted");
    }
    boolean allowed = uow.status() == UowStatus.PENDING && target == UowStatus.ACTIVE
      || uow.status() == UowStatus.ACTIVE
      && (target == UowStatus.COMPLETED || target == UowStatus.FAILED);
    if (!allowed) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status()
        + "; cannot advance to " + target);
    }
  }

  private static Gate.Plan gatePlan(Uow uow, Command.Advance advance) {
    Map<String, Object> merged = copy(uow.attributes());
    merged.putAll(copy(advance.attributes()));
    Map<String, Object> flat = new Uow(uow.uowId(), uow.instanceId(), uow.parentUowId(),
      uow.status(), merged, uow.interactionPolicy(), uow.interactionCount(),
      uow.maxInteractions(), uow.childCount(), uow.finishedChildCount(), uow.createdAt(),
      uow.updatedAt(), uow.version(), uow.contentHash(), uow.pause(), uow.parkedDecision(),
      uow.clarification(), uow.waivedRule(), uow.approvalGranted(), uow.registerFingerprint())
      .flatView();
    if (advance.target() == UowStatus.FAILED) {
      return new Gate.Plan(null, null, flat);
    }
    Map<String, Object> policy = uow.interactionPolicy();
    Gate.Stage blocking = stage(policy, "guardians", "guardian_operator", uow.waivedRule(), false);
    Gate.Stage approval = stage(policy, "approval_guardians", "approval_operator", null,
      uow.approvalGranted());
    return new Gate.Plan(blocking, approval, flat);
  }

  private static Gate.Stage stage(Map<String, Object> policy, String key, String operatorKey,
                                  String waived, boolean skipAll) {
    List<Object> guardians = new ArrayList<>();
    List<String> ruleIds = new ArrayList<>();
    Object listed = policy.get(key);
    if (!skipAll && listed instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object spec = list.get(i);
        String ruleId = ruleId(spec, key, i);
        if (!ruleId.equals(waived)) {
          guardians.add(copy(spec));
          ruleIds.add(ruleId);
        }
      }
    }
    Object operator = policy.get(operatorKey);
    return new Gate.Stage(key, guardians, ruleIds, operator instanceof String op ? op : "AND");
  }

  /** A guardian's rule id: its name (registered or inline), else {@code <key>[i]}. */
  static String ruleId(Object spec, String key, int index) {
    if (spec instanceof String name) {
      return name;
    }
    Map<String, Object> config = map(spec);
    if (config != null && config.get("name") instanceof String name) {
      return name;
    }
    return key + "[" + index + "]";
  }

  private Accepted advance(Submission s, Command.Advance a, Step step, Gate.Result gate) {
    Uow uow = existingUow(step.state, a.uowId());
    checkVersion(s, uow.version(), "uow " + uow.uowId());
    checkAdvance(step.state, uow, a.target());
    Gate.Plan plan = gatePlan(uow, a);
    String pilot = pilot(a.actor());
    List<Map<String, Object>> decisions = new ArrayList<>();
    UowStatus outcome = a.target();
    Map<String, Object> parkedDecision = null;
    String violatedRule = null;
    if (plan.runs()) {
      Gate.Verdict blocking = gate.blocking() == null ? Gate.Verdict.pass() : gate.blocking();
      emitDecisions(step, uow, pilot, "guardians", blocking.decisions(), decisions);
      if (!blocking.allowed()) {
        outcome = UowStatus.PAUSED;
        parkedDecision = firstFailure(blocking.decisions());
        violatedRule = parkedDecision == null ? "guardians" : (String) parkedDecision.get("name");
      } else {
        Gate.Verdict approval = gate.approval() == null ? Gate.Verdict.pass() : gate.approval();
        emitDecisions(step, uow, pilot, "approval_guardians", approval.decisions(), decisions);
        if (!approval.allowed()) {
          outcome = UowStatus.PENDING_PILOT_APPROVAL;
          parkedDecision = firstFailure(approval.decisions());
        }
      }
    }
    Map<String, Object> pause = outcome == UowStatus.PAUSED
      ? obj("reason", "GUARD_VIOLATION", "rule_id", violatedRule) : null;
    Map<String, Object> extra = obj("outcome", outcomeName(outcome), "target_status",
      a.target().name());
    if (plan.runs() && uow.waivedRule() != null) {
      extra.put("waiver_consumed", uow.waivedRule());
    }
    if (plan.runs() && uow.approvalGranted()) {
      extra.put("approval_consumed", true);
    }
    Map<String, Object> parked = parkedDecision;
    Uow after = moveUow(step, uow, outcome, pilot, null, null, change -> {
      change.attributes.putAll(copy(a.attributes()));
      change.waivedRule = null;
      change.approvalGranted = false;
      change.pause = pause;
      if (parked != null) {
        change.parkedDecision = parked;
      }
    }, extra);
    Map<String, Object> data = obj("uow", after.toView(), "outcome", outcomeName(outcome),
      "decisions", decisions);
    if (outcome == UowStatus.PAUSED) {
      InterventionRequest request = newRequest(step, a.actor(), uow.uowId(), "waive_violation",
        "Guardian violation: " + violatedRule, parkedReason(parked), "high",
        obj("rule_id", violatedRule, "decision", copy(parked), "target_status", a.target().name(),
          "instance_id", uow.instanceId()), Role.ADMIN);
      data.put("request_id", request.requestId());
    } else if (outcome == UowStatus.PENDING_PILOT_APPROVAL) {
      InterventionRequest request = newRequest(step, a.actor(), uow.uowId(), "resume",
        "Approval needed to advance to " + a.target(), parkedReason(parked), "normal",
        obj("rule_id", parked == null ? null : parked.get("name"), "decision", copy(parked),
          "target_status", a.target().name(), "instance_id", uow.instanceId()), Role.OPERATOR);
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

  private static Map<String, Object> firstFailure(List<Map<String, Object>> decisions) {
    for (Map<String, Object> decision : decisions) {
      if (!Boolean.TRUE.equals(decision.get("allowed"))) {
        return decision;
      }
    }
    return null;
  }

  private static void emitDecisions(Step step, Uow uow, String pilot, String prefix,
                                    List<Map<String, Object>> evaluated,
                                    List<Map<String, Object>> all) {
    for (Map<String, Object> decision : evaluated) {
      boolean allowed = Boolean.TRUE.equals(decision.get("allowed"));
      step.emit(allowed ? StoreEvents.GUARD_PASS : StoreEvents.GUARD_FAIL, obj(
        "uow_id", uow.uowId(), "pilot_id", pilot, "rule_id", decision.get("name"),
        "rule_prefix", prefix, "decision", copy(decision)));
      all.add(copy(decision));
    }
  }

  // ---- pilot actions

  private Accepted killSwitch(Command.KillSwitch k, Step step) {
    return killSwitchIn(step, k.instanceId(), pilot(k.actor()), k.reason(), k.dryRun());
  }

  private Accepted killSwitchIn(Step step, String instanceId, String pilot, String reason,
                                boolean dryRun) {
    List<String> paused = new ArrayList<>();
    for (String id : step.state.uowIdsOf(instanceId)) {
      if (step.uow(id).status() == UowStatus.ACTIVE) {
        paused.add(id);
      }
    }
    Map<String, Object> data = obj("instance_id", instanceId, "paused_uow_count", paused.size(),
      "paused_uow_ids", paused, "dry_run", dryRun);
    if (dryRun) {
      return new Accepted(List.of(), 200, data);
    }
    HaltedInstance before = step.state.halted(instanceId);
    List<String> all = new ArrayList<>(before == null ? List.of() : before.pausedUowIds());
    paused.stream().filter(id -> !all.contains(id)).forEach(all::add);
    HaltedInstance halted = before == null
      ? new HaltedInstance(instanceId, pilot, reason, step.at, all)
      : new HaltedInstance(instanceId, before.haltedBy(), before.reason(), before.haltedAt(), all);
    step.emit(StoreEvents.KILL_SWITCH_ACTIVATED, obj("instance_id", instanceId, "pilot_id", pilot,
      "reason", reason, "paused_uow_ids", new ArrayList<>(paused),
      "already_halted", before != null, "halted_instance", halted.toView()));
    for (String id : paused) {
      moveUow(step, step.uow(id), UowStatus.PAUSED, pilot, reason, null,
        change -> change.pause = obj("reason", "KILL_SWITCH", "rule_id", null), obj());
    }
    data.put("request_ids_closed", new ArrayList<>(step.closed));
    return new Accepted(step.drafts(), 200, data);
  }

  private Accepted release(Command.Release r, Step step) {
    HaltedInstance halted = step.state.halted(r.instanceId());
    if (halted == null) {
      throw Refusal.conflict("instance " + r.instanceId() + " is not halted");
    }
    String pilot = pilot(r.actor());
    List<String> resumed = new ArrayList<>();
    for (String id : halted.pausedUowIds()) {
      Uow uow = step.uow(id);
      if (uow != null && uow.status() == UowStatus.PAUSED && uow.pause() != null
        && "KILL_SWITCH".equals(uow.pause().get("reason"))) {
        resumed.add(id);
      }
    }
    step.emit(StoreEvents.KILL_SWITCH_RELEASED, obj("instance_id", r.instanceId(),
      "pilot_id", pilot, "reason", r.reason(), "resumed_uow_ids", new ArrayList<>(resumed)));
    for (String id : resumed) {
      moveUow(step, step.uow(id), UowStatus.ACTIVE, pilot, r.reason(), null, change -> {
      }, obj());
    }
    return new Accepted(step.drafts(), 200, obj("instance_id", r.instanceId(),
      "resumed_uow_count", resumed.size(), "resumed_uow_ids", resumed,
      "request_ids_closed", new ArrayList<>(step.closed)));
  }

  private Uow pilotTarget(Submission s, Step step, String uowId) {
    Uow uow = existingUow(step.state, uowId);
    checkVersion(s, uow.version(), "uow " + uowId);
    return uow;
  }

  private static Accepted pilotReply(Step step, Uow after) {
    return new Accepted(step.drafts(), 200, obj("uow", after.toView(),
      "request_ids_closed", new ArrayList<>(step.closed)));
  }

  private Uow clarify(Step step, Uow uow, String pilot, String text, String actedOn) {
    requireStatus(uow, UowStatus.ZOMBIED_SOFT, "clarification");
    checkNotHalted(step, uow);
    step.emit(StoreEvents.PILOT_CLARIFICATION_SUBMITTED, obj("uow_id", uow.uowId(),
      "pilot_id", pilot, "text", text, "request_id", actedOn));
    return moveUow(step, uow, UowStatus.ACTIVE, pilot, text, actedOn, change -> {
      change.interactionCount = 0;
      change.clarification = text;
    }, obj());
  }

  private Uow waive(Step step, Uow uow, String pilot, String ruleId, String reason,
                    String actedOn) {
    Map<String, Object> pause = uow.pause();
    if (uow.status() != UowStatus.PAUSED || pause == null
      || !"GUARD_VIOLATION".equals(pause.get("reason")) || !ruleId.equals(pause.get("rule_id"))) {
      String why = uow.status() == UowStatus.PAUSED && pause != null
        ? " (" + pause.get("reason") + (pause.get("rule_id") == null ? "" : " of rule "
        + pause.get("rule_id")) + ")" : "";
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + why
        + "; a waiver needs PAUSED by a violation of rule " + ruleId);
    }
    checkNotHalted(step, uow);
    step.emit(StoreEvents.PILOT_WAIVER_GRANTED, obj("uow_id", uow.uowId(), "pilot_id", pilot,
      "rule_id", ruleId, "reason", reason, "request_id", actedOn));
    return moveUow(step, uow, UowStatus.ACTIVE, pilot, reason, actedOn,
      change -> change.waivedRule = ruleId, obj("waiver_granted", ruleId));
  }

  private Uow resume(Step step, Uow uow, String pilot, String reason, String actedOn) {
    requireStatus(uow, UowStatus.PENDING_PILOT_APPROVAL, "resume");
    checkNotHalted(step, uow);
    step.emit(StoreEvents.PILOT_APPROVAL_GRANTED, obj("uow_id", uow.uowId(), "pilot_id", pilot,
      "reason", reason, "request_id", actedOn));
    return moveUow(step, uow, UowStatus.ACTIVE, pilot, reason, actedOn,
      change -> change.approvalGranted = true, obj("approval_granted", true));
  }

  private Uow cancel(Step step, Uow uow, String pilot, String reason, String actedOn) {
    if (!UowStatus.CANCELLABLE.contains(uow.status())) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status()
        + "; cancel needs PENDING_PILOT_APPROVAL, PAUSED, ZOMBIED_SOFT or ZOMBIED_DEAD");
    }
    step.emit(StoreEvents.PILOT_CANCELLATION_ISSUED, obj("uow_id", uow.uowId(),
      "pilot_id", pilot, "reason", reason, "request_id", actedOn));
    return moveUow(step, uow, UowStatus.FAILED, pilot, reason, actedOn, change -> {
    }, obj());
  }

  private static void requireStatus(Uow uow, UowStatus needed, String action) {
    if (uow.status() != needed) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + "; " + action
        + " needs " + needed);
    }
  }

  private static void checkNotHalted(Step step, Uow uow) {
    if (step.state.halted(uow.instanceId()) != null) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + " and its instance "
        + uow.instanceId() + " is halted");
    }
  }

  /**
   * Moves a UOW: one {@code uow_status_changed} with its new state (and its parent's, when it
   * finishes); leaving a parked status closes its other open requests (COMPLETED).
   */
  private Uow moveUow(Step step, Uow uow, UowStatus to, String pilot, String reason,
                      String actedOn, Consumer<Uow.Change> edit, Map<String, Object> extra) {
    Uow.Change change = uow.change();
    change.status = to;
    if (to == UowStatus.ACTIVE || to == UowStatus.COMPLETED) {
      change.parkedDecision = null;
    }
    edit.accept(change);
    Uow after = change.done(step.now);
    Map<String, Object> payload = obj("uow_id", uow.uowId(), "instance_id", uow.instanceId(),
      "old_status", uow.status().name(), "new_status", to.name(), "pilot_id", pilot,
      "reason", reason);
    payload.putAll(extra);
    payload.put("uow", after.toState());
    if (to.finished() && !uow.status().finished() && uow.parentUowId() != null) {
      Uow parent = step.uow(uow.parentUowId());
      if (parent != null) {
        Uow.Change parentChange = parent.change();
        parentChange.finishedChildCount++;
        Uow updated = parentChange.done(step.now);
        step.put(updated);
        payload.put("parent_uow", updated.toState());
      }
    }
    step.put(after);
    step.emit(StoreEvents.UOW_STATUS_CHANGED, payload);
    if (uow.status().parked() && !to.parked()) {
      for (String requestId : step.state.openRequestIds(uow.uowId())) {
        InterventionRequest request = step.request(requestId);
        if (requestId.equals(actedOn) || !request.status().open()) {
          continue;
        }
        InterventionRequest.Change close = request.change();
        close.status = RequestStatus.COMPLETED;
        close.actionBy = pilot;
        close.actionReason = reason;
        close.actionTimestamp = step.at;
        InterventionRequest closed = close.done(step.now);
        step.put(closed);
        step.closed.add(requestId);
        step.closing.add(new Draft(StoreEvents.INTERVENTION_COMPLETED, obj(
          "request_id", requestId, "uow_id", uow.uowId(), "old_status", request.status().name(),
          "new_status", RequestStatus.COMPLETED.name(), "pilot_id", pilot, "reason", reason,
          "request", closed.toState())));
      }
    }
    return after;
  }

  // ---- intervention requests

  private InterventionRequest newRequest(Step step, Actor actor, String uowId, String type,
                                         String title, String description, String priority,
                                         Map<String, Object> context, Role requiredRole) {
    return newRequest(step, actor, ids.get(), uowId, type, title, description, priority, context,
      requiredRole, DEFAULT_EXPIRES_IN, null);
  }

  private InterventionRequest newRequest(Step step, Actor actor, String requestId, String uowId,
                                         String type, String title, String description,
                                         String priority, Map<String, Object> context,
                                         Role requiredRole, long expiresIn, String fingerprint) {
    InterventionRequest request = new InterventionRequest(requestId, uowId, type,
      RequestStatus.PENDING, priority, title, description, copy(context), step.at, step.at,
      Canonical.timestamp(step.now.plusSeconds(expiresIn)), requiredRole, null, null, null, null,
      1, fingerprint);
    step.put(request);
    step.emit(StoreEvents.INTERVENTION_REQUEST, obj("request_id", requestId, "uow_id", uowId,
      "intervention_type", type, "priority", priority, "required_role", requiredRole.name(),
      "pilot_id", pilot(actor), "request", request.toState()));
    return request;
  }

  private Accepted createRequest(Command.CreateRequest c, Step step) {
    InterventionRequest existing = step.state.request(c.requestId());
    if (existing != null) {
      if (c.fingerprint().equals(existing.createFingerprint())) {
        return new Accepted(List.of(), 200, existing.toView());
      }
      throw Refusal.conflict("request " + c.requestId() + " already exists with another body");
    }
    InterventionRequest request = newRequest(step, c.actor(), c.requestId(), c.uowId(),
      c.interventionType(), c.title(), c.description(), c.priority(), c.context(),
      c.requiredRole(), c.expiresInSeconds(), c.fingerprint());
    return new Accepted(step.drafts(), 201, request.toView());
  }

  /** Existence 404, the request's own role 403 (recorded), version 409, final status 409. */
  private InterventionRequest actionable(Submission s, Step step, String requestId,
                                         String action) {
    InterventionRequest request = step.state.request(requestId);
    if (request == null) {
      throw Refusal.notFound("intervention request " + requestId + " not found");
    }
    Actor actor = s.command().actor();
    Role required = request.effectiveRole();
    if (!actor.role().atLeast(required)) {
      throw new Refusal(403, "request " + requestId + " needs role " + required + "; actor has "
        + actor.role(), List.of(new Draft(StoreEvents.PILOT_AUTH_DENIED, obj(
          "pilot_id", actor.pilotId(), "role", actor.role().name(), "required_role",
          required.name(), "action", action, "request_id", requestId))));
    }
    checkVersion(s, request.version(), "request " + requestId);
    if (!request.status().open()) {
      throw Refusal.conflict("request " + requestId + " is " + request.status());
    }
    return request;
  }

  private Accepted claim(Submission s, Command.Claim c, Step step) {
    InterventionRequest request = actionable(s, step, c.requestId(), "claim");
    String pilot = c.actor().pilotId();
    if (request.status() == RequestStatus.IN_PROGRESS) {
      if (pilot.equals(request.assignedTo())) {
        return new Accepted(List.of(), 200, request.toView());
      }
      throw Refusal.conflict("request " + c.requestId() + " is IN_PROGRESS, claimed by "
        + request.assignedTo());
    }
    InterventionRequest.Change change = request.change();
    change.status = RequestStatus.IN_PROGRESS;
    change.assignedTo = pilot;
    InterventionRequest claimed = change.done(step.now);
    step.put(claimed);
    step.emit(StoreEvents.INTERVENTION_CLAIMED, obj("request_id", c.requestId(),
      "uow_id", request.uowId(), "old_status", request.status().name(),
      "new_status", claimed.status().name(), "pilot_id", pilot, "request", claimed.toState()));
    return new Accepted(step.drafts(), 200, claimed.toView());
  }

  private Accepted decideRequest(Submission s, Command.DecideRequest d, Step step) {
    String action = d.approve() ? "approve" : "reject";
    InterventionRequest request = actionable(s, step, d.requestId(), action);
    String pilot = d.actor().pilotId();
    if (request.status() == RequestStatus.IN_PROGRESS && !pilot.equals(request.assignedTo())
      && d.actor().role() != Role.ADMIN) {
      throw Refusal.conflict("request " + d.requestId() + " is IN_PROGRESS, claimed by "
        + request.assignedTo());
    }
    InterventionRequest.Change change = request.change();
    change.status = d.approve() ? RequestStatus.APPROVED : RequestStatus.REJECTED;
    change.actionReason = d.reason();
    change.actionBy = pilot;
    change.actionTimestamp = step.at;
    InterventionRequest decided = change.done(step.now);
    step.put(decided);
    Uow uow = step.state.uow(request.uowId());
    step.emit(d.approve() ? StoreEvents.INTERVENTION_APPROVED : StoreEvents.INTERVENTION_REJECTED,
      obj("request_id", d.requestId(), "uow_id", request.uowId(),
        "intervention_type", request.interventionType(), "old_status", request.status().name(),
        "new_status", decided.status().name(), "pilot_id", pilot, "reason", d.reason(),
        "linked", uow != null, "request", decided.toState()));
    Map<String, Object> data = decided.toView();
    if (uow != null) {
      String id = d.requestId();
      String type = request.interventionType();
      if (d.approve()) {
        switch (type) {
          case "clarification" -> clarify(step, uow, pilot, d.reason(), id);
          case "waive_violation" -> waive(step, uow, pilot, waivedRuleOf(request, uow),
            d.reason(), id);
          case "resume" -> resume(step, uow, pilot, d.reason(), id);
          case "cancel" -> cancel(step, uow, pilot, d.reason(), id);
          case "kill_switch" -> killSwitchIn(step, uow.instanceId(), pilot, d.reason(), false);
          default -> {
          }
        }
      } else if ("resume".equals(type) || "waive_violation".equals(type)) {
        cancel(step, uow, pilot, d.reason(), id);
      } else if ("clarification".equals(type)) {
        requireStatus(uow, UowStatus.ZOMBIED_SOFT, "rejecting a clarification");
        moveUow(step, uow, UowStatus.ZOMBIED_DEAD, pilot, d.reason(), id, change1 -> {
        }, obj("request_id", id));
      }
      data.put("uow", step.uow(uow.uowId()).toView());
      data.put("request_ids_closed", new ArrayList<>(step.closed));
    }
    return new Accepted(step.drafts(), 200, data);
  }

  private static String waivedRuleOf(InterventionRequest request, Uow uow) {
    if (request.context().get("rule_id") instanceof String rule) {
      return rule;
    }
    if (uow.pause() != null && uow.pause().get("rule_id") instanceof String rule) {
      return rule;
    }
    throw Refusal.conflict("request " + request.requestId() + " names no rule to waive; uow "
      + uow.uowId() + " is " + uow.status());
  }

  private Accepted expire(Command.Expire e, Step step) {
    InterventionRequest request = step.state.request(e.requestId());
    if (request == null || !request.status().open()
      || request.expiresAtInstant().isAfter(step.now)) {
      throw Refusal.conflict("request " + e.requestId() + " is not due to expire");
    }
    InterventionRequest.Change change = request.change();
    change.status = RequestStatus.EXPIRED;
    InterventionRequest expired = change.done(step.now);
    step.put(expired);
    step.emit(StoreEvents.INTERVENTION_EXPIRED, obj("request_id", e.requestId(),
      "uow_id", request.uowId(), "old_status", request.status().name(),
      "new_status", RequestStatus.EXPIRED.name(), "request", expired.toState()));
    Uow uow = step.state.uow(request.uowId());
    if (uow != null && uow.status().parked() && uow.status() != UowStatus.ZOMBIED_DEAD) {
      moveUow(step, uow, UowStatus.ZOMBIED_DEAD, null,
        "intervention request " + e.requestId() + " expired", e.requestId(), change1 -> {
        }, obj("request_id", e.requestId()));
    }
    return new Accepted(step.drafts(), 200, expired.toView());
  }

  // ---- shared checks

  private static Uow existingUow(StoreState state, String uowId) {
    Uow uow = state.uow(uowId);
    if (uow == null) {
      throw Refusal.notFound("uow " + uowId + " not found");
    }
    return uow;
  }

  private static void checkVersion(Submission s, long version, String what) {
    if (s.ifMatch() != null && s.ifMatch() != version) {
      throw Refusal.conflict(what + " is at version " + version + ", not " + s.ifMatch());
    }
  }

  private static String pilot(Actor actor) {
    return actor == null ? null : actor.pilotId();
  }

  /** The changes of one command so far, on top of the state it read. */
  private static final class Step {
    final StoreState state;
    final Instant now;
    final String at;
    final Map<String, Uow> uows = new LinkedHashMap<>();
    final Map<String, InterventionRequest> requests = new LinkedHashMap<>();
    final List<Draft> events = new ArrayList<>();
    final List<Draft> closing = new ArrayList<>();
    final List<String> closed = new ArrayList<>();

    Step(StoreState state, Instant now) {
      this.state = state;
      this.now = now;
      this.at = Canonical.timestamp(now);
    }

    Uow uow(String id) {
      Uow changed = uows.get(id);
      return changed != null ? changed : state.uow(id);
    }

    InterventionRequest request(String id) {
      InterventionRequest changed = requests.get(id);
      return changed != null ? changed : state.request(id);
    }

    void put(Uow uow) {
      uows.put(uow.uowId(), uow);
    }

    void put(InterventionRequest request) {
      requests.put(request.requestId(), request);
    }

    void emit(String type, Map<String, Object> payload) {
      events.add(new Draft(type, payload));
    }

    List<Draft> drafts() {
      List<Draft> all = new ArrayList<>(events);
      all.addAll(closing);
      return all;
    }
  }
}
