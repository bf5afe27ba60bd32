package io.chameleon.store;

import static io.chameleon.store.Canonical.map;

import io.chameleon.bus.Failure;
import io.chameleon.bus.Role;
import io.chameleon.store.Command.Submission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns store request messages into commands, checking their shape (SPEC §1 400s): ids, field
 * types, unknown fields, empty reasons, value ranges. The operation's role was checked by
 * {@link StoreRequest#read}.
 */
public final class Commands {

  static final List<String> TYPES = List.of("kill_switch", "clarification", "waive_violation",
    "resume", "cancel");
  static final Set<String> POLICY_KEYS = Set.of("max_interactions", "guardians",
    "approval_guardians", "guardian_operator", "approval_operator");
  static final int MAX_TEXT = 10_000;

  private Commands() {
  }

  private static Submission of(StoreRequest e, Command command) {
    return new Submission(command, e.ifMatch(), e.idempotency());
  }

  public static Submission register(StoreRequest e) {
    e.onlyFields(Set.of("uow_id", "instance_id", "parent_uow_id", "attributes",
      "interaction_policy"));
    String uowId = e.uuidField("uow_id", false);
    String instanceId = e.uuidField("instance_id", true);
    String parent = e.uuidField("parent_uow_id", false);
    Map<String, Object> attributes = e.object("attributes");
    Map<String, Object> policy = policy(e.object("interaction_policy"));
    String id = uowId == null ? UUID.randomUUID().toString() : uowId;
    Map<String, Object> fingerprinted = new LinkedHashMap<>(e.body());
    fingerprinted.put("uow_id", id);
    return new Submission(new Command.Register(e.actor(), id, instanceId, parent, attributes,
      policy, Canonical.fingerprint(fingerprinted)), null, e.idempotency());
  }

  static Map<String, Object> policy(Map<String, Object> policy) {
    for (String key : policy.keySet()) {
      if (!POLICY_KEYS.contains(key)) {
        throw Failure.badRequest("interaction_policy." + key + ": unknown field");
      }
    }
    Object max = policy.get("max_interactions");
    if (max != null && !((max instanceof Integer || max instanceof Long)
      && ((Number) max).longValue() >= 0 && ((Number) max).longValue() <= 1_000_000)) {
      throw Failure.badRequest("interaction_policy.max_interactions: must be an integer 0..1000000");
    }
    for (String key : List.of("guardians", "approval_guardians")) {
      Object list = policy.get(key);
      if (list == null) {
        continue;
      }
      if (!(list instanceof List<?> entries)) {
        throw Failure.badRequest("interaction_policy." + key + ": must be a list");
      }
      for (int i = 0; i < entries.size(); i++) {
        Object entry = entries.get(i);
        boolean name = entry instanceof String s && StoreRequest.NAME_FORMAT.matcher(s).matches();
        Map<String, Object> config = map(entry);
        if (!name && (config == null || !(config.get("type") instanceof String))) {
          throw Failure.badRequest("interaction_policy." + key + "[" + i
            + "]: must be a guardian name or a configuration object with a type");
        }
      }
    }
    for (String key : List.of("guardian_operator", "approval_operator")) {
      Object op = policy.get(key);
      if (op != null && !"AND".equals(op) && !"OR".equals(op)) {
        throw Failure.badRequest("interaction_policy." + key + ": must be AND or OR");
      }
    }
    return policy;
  }

  public static Submission interaction(StoreRequest e) {
    return of(e, new Command.Interaction(e.actor(), e.uuidParam("uow_id", true)));
  }

  public static Submission advance(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    e.onlyFields(Set.of("status", "attributes"));
    UowStatus target = UowStatus.parse(e.string("status", true));
    if (target == null) {
      throw Failure.badRequest("status: must be a UOW status");
    }
    return of(e, new Command.Advance(e.actor(), uowId, target, e.object("attributes")));
  }

  public static Submission killSwitch(StoreRequest e) {
    e.onlyFields(Set.of("instance_id", "reason", "dry_run"));
    return of(e, new Command.KillSwitch(e.actor(), e.uuidField("instance_id", true),
      e.text("reason", true, MAX_TEXT), e.bool("dry_run", false)));
  }

  public static Submission release(StoreRequest e) {
    e.onlyFields(Set.of("instance_id", "reason"));
    return of(e, new Command.Release(e.actor(), e.uuidField("instance_id", true),
      e.text("reason", true, MAX_TEXT)));
  }

  public static Submission clarification(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    e.onlyFields(Set.of("text"));
    return of(e, new Command.Clarify(e.actor(), uowId, e.text("text", true, MAX_TEXT)));
  }

  public static Submission waive(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    String rule = ruleParam(e);
    e.onlyFields(Set.of("reason"));
    return of(e, new Command.Waive(e.actor(), uowId, rule, e.text("reason", true, MAX_TEXT)));
  }

  /** A rule id is a guardian name or {@code guardians[i]} / {@code approval_guardians[i]}. */
  private static String ruleParam(StoreRequest e) {
    String rule = e.param("guard_rule_id");
    if (rule != null && rule.matches("(guardians|approval_guardians)\\[[0-9]{1,4}]")) {
      return rule;
    }
    return e.nameParam("guard_rule_id");
  }

  public static Submission resume(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    e.onlyFields(Set.of("reason"));
    return of(e, new Command.Resume(e.actor(), uowId, e.text("reason", false, MAX_TEXT)));
  }

  public static Submission cancel(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    e.onlyFields(Set.of("reason"));
    return of(e, new Command.Cancel(e.actor(), uowId, e.text("reason", true, MAX_TEXT)));
  }

  public static Submission createRequest(StoreRequest e) {
    e.onlyFields(Set.of("request_id", "uow_id", "intervention_type", "title", "description",
      "priority", "context", "required_role", "expires_in_seconds"));
    String requestId = e.string("request_id", false);
    if (requestId != null && !StoreRequest.NAME_FORMAT.matcher(requestId).matches()) {
      throw Failure.badRequest("request_id: must match [A-Za-z0-9._:-]{1,200}");
    }
    if ("pending".equals(requestId) || "metrics".equals(requestId)) {
      // GET /api/interventions/pending and /metrics are routes: such a request could never be read
      throw Failure.badRequest("request_id: '" + requestId + "' is reserved");
    }
    String uowId = e.text("uow_id", true, 200);
    String type = e.oneOf("intervention_type", TYPES, null);
    String title = e.text("title", true, 500);
    String description = e.string("description", false);
    if (description != null && description.length() > MAX_TEXT) {
      throw Failure.badRequest("description: must be at most " + MAX_TEXT + " characters");
    }
    String priority = e.oneOf("priority", StoreState.PRIORITIES, "normal");
    Map<String, Object> context = e.object("context");
    Role role = Role.valueOf(e.oneOf("required_role", List.of("OPERATOR", "ADMIN"), "OPERATOR"));
    long expiresIn = e.integer("expires_in_seconds", Decider.DEFAULT_EXPIRES_IN, 1, 604_800);
    return of(e, new Command.CreateRequest(e.actor(),
      requestId == null ? UUID.randomUUID().toString() : requestId, uowId, type, title,
      description == null ? "" : description, priority, context, role, expiresIn,
      Canonical.fingerprint(e.body())));
  }

  public static Submission claim(StoreRequest e) {
    String requestId = e.nameParam("request_id");
    e.onlyFields(Set.of());
    return of(e, new Command.Claim(e.actor(), requestId));
  }

  public static Submission approve(StoreRequest e) {
    return decide(e, true);
  }

  public static Submission reject(StoreRequest e) {
    return decide(e, false);
  }

  private static Submission decide(StoreRequest e, boolean approve) {
    String requestId = e.nameParam("request_id");
    e.onlyFields(Set.of("reason"));
    return of(e, new Command.DecideRequest(e.actor(), requestId, approve,
      e.text("reason", true, MAX_TEXT)));
  }
}
