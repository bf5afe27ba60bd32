package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The guardian gate of an advance, as the rules see it: whether the UOW may advance at all,
 * which guardians to evaluate ({@link Gate.Plan}: the blocking ones, less a waived rule, then
 * the approval ones, unless an approval was granted), and the events of their verdicts.
 */
final class AdvanceGate {

  private AdvanceGate() {
  }

  static void checkAdvance(StoreState state, Uow uow, UowStatus target) {
    if (state.halted(uow.instanceId()) != null) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + " and its instance "
        + uow.instanceId() + " is halted");
    }
    if (UowMove.advance(uow.status(), target) == null) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status()
        + "; cannot advance to " + target);
    }
  }

  static Gate.Plan gatePlan(Uow uow, Command.Advance advance) {
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

  static Map<String, Object> firstFailure(List<Map<String, Object>> decisions) {
    for (Map<String, Object> decision : decisions) {
      if (!Boolean.TRUE.equals(decision.get("allowed"))) {
        return decision;
      }
    }
    return null;
  }

  static void emitDecisions(Step step, Uow uow, String pilot, String prefix,
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
}
