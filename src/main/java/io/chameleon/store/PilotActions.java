package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;
import static io.chameleon.store.Preconditions.checkNotHalted;
import static io.chameleon.store.Preconditions.checkVersion;
import static io.chameleon.store.Preconditions.existingUow;
import static io.chameleon.store.Preconditions.pilot;
import static io.chameleon.store.UowStatusChange.moveUow;

import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a pilot does, directly or by approving an intervention request: halt an instance (kill
 * switch) and release it, and to one UOW clarify, waive a violated rule, resume (approve) or
 * cancel. {@code actedOn} is the request an action answers, null when the pilot acted directly.
 */
final class PilotActions {

  private PilotActions() {
  }

  static Accepted killSwitch(Command.KillSwitch k, Step step) {
    return killSwitchIn(step, k.instanceId(), pilot(k.actor()), k.reason(), k.dryRun());
  }

  static Accepted killSwitchIn(Step step, String instanceId, String pilot, String reason,
                               boolean dryRun) {
    List<String> paused = new ArrayList<>();
    for (String id : step.state.uowIdsOf(instanceId)) {
      if (UowMove.KILL_SWITCH.allows(step.uow(id).status())) {
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
      moveUow(step, step.uow(id), UowMove.KILL_SWITCH, pilot, reason, null,
        change -> change.pause = obj("reason", "KILL_SWITCH", "rule_id", null), obj());
    }
    data.put("request_ids_closed", new ArrayList<>(step.closed));
    return new Accepted(step.drafts(), 200, data);
  }

  static Accepted release(Command.Release r, Step step) {
    HaltedInstance halted = step.state.halted(r.instanceId());
    if (halted == null) {
      throw Refusal.conflict("instance " + r.instanceId() + " is not halted");
    }
    String pilot = pilot(r.actor());
    List<String> resumed = new ArrayList<>();
    for (String id : halted.pausedUowIds()) {
      Uow uow = step.uow(id);
      if (uow != null && UowMove.RELEASE.allows(uow.status()) && uow.pause() != null
        && "KILL_SWITCH".equals(uow.pause().get("reason"))) {
        resumed.add(id);
      }
    }
    step.emit(StoreEvents.KILL_SWITCH_RELEASED, obj("instance_id", r.instanceId(),
      "pilot_id", pilot, "reason", r.reason(), "resumed_uow_ids", new ArrayList<>(resumed)));
    for (String id : resumed) {
      moveUow(step, step.uow(id), UowMove.RELEASE, pilot, r.reason(), null, change -> {
      }, obj());
    }
    return new Accepted(step.drafts(), 200, obj("instance_id", r.instanceId(),
      "resumed_uow_count", resumed.size(), "resumed_uow_ids", resumed,
      "request_ids_closed", new ArrayList<>(step.closed)));
  }

  static Uow pilotTarget(Submission s, Step step, String uowId) {
    Uow uow = existingUow(step.state, uowId);
    checkVersion(s, uow.version(), "uow " + uowId);
    return uow;
  }

  static Accepted pilotReply(Step step, Uow after) {
    return new Accepted(step.drafts(), 200, obj("uow", after.toView(),
      "request_ids_closed", new ArrayList<>(step.closed)));
  }

  static Uow clarify(Step step, Uow uow, String pilot, String text, String actedOn) {
    UowMove.CLARIFY.require(uow);
    checkNotHalted(step, uow);
    step.emit(StoreEvents.PILOT_CLARIFICATION_SUBMITTED, obj("uow_id", uow.uowId(),
      "pilot_id", pilot, "text", text, "request_id", actedOn));
    return moveUow(step, uow, UowMove.CLARIFY, pilot, text, actedOn, change -> {
      change.interactionCount = 0;
      change.clarification = text;
    }, obj());
  }

  static Uow waive(Step step, Uow uow, String pilot, String ruleId, String reason,
                   String actedOn) {
    Map<String, Object> pause = uow.pause();
    if (!UowMove.WAIVE.allows(uow.status()) || pause == null
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
    return moveUow(step, uow, UowMove.WAIVE, pilot, reason, actedOn,
      change -> change.waivedRule = ruleId, obj("waiver_granted", ruleId));
  }

  static Uow resume(Step step, Uow uow, String pilot, String reason, String actedOn) {
    UowMove.RESUME.require(uow);
    checkNotHalted(step, uow);
    step.emit(StoreEvents.PILOT_APPROVAL_GRANTED, obj("uow_id", uow.uowId(), "pilot_id", pilot,
      "reason", reason, "request_id", actedOn));
    return moveUow(step, uow, UowMove.RESUME, pilot, reason, actedOn,
      change -> change.approvalGranted = true, obj("approval_granted", true));
  }

  static Uow cancel(Step step, Uow uow, String pilot, String reason, String actedOn) {
    UowMove.CANCEL.require(uow);
    step.emit(StoreEvents.PILOT_CANCELLATION_ISSUED, obj("uow_id", uow.uowId(),
      "pilot_id", pilot, "reason", reason, "request_id", actedOn));
    return moveUow(step, uow, UowMove.CANCEL, pilot, reason, actedOn, change -> {
    }, obj());
  }
}
