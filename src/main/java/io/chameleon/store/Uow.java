package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import java.time.Instant;
import java.util.Map;

/**
 * One unit of work, immutable. {@link #toState()} is what events carry (everything apply needs,
 * including the registration fingerprint); {@link #toView()} is what callers see. The history is
 * kept beside it by {@link StoreState}, derived from the events.
 *
 * @param pause {@code {reason: KILL_SWITCH|GUARD_VIOLATION, rule_id}} while PAUSED, else null
 * @param waivedRule a waiver granted and not yet consumed by an advance
 * @param approvalGranted an approval granted and not yet consumed by an advance
 */
public record Uow(String uowId, String instanceId, String parentUowId, UowStatus status,
                  Map<String, Object> attributes, Map<String, Object> interactionPolicy,
                  int interactionCount, int maxInteractions, int childCount, int finishedChildCount,
                  String createdAt, String updatedAt, long version, String contentHash,
                  Map<String, Object> pause, Map<String, Object> parkedDecision,
                  String clarification, String waivedRule, boolean approvalGranted,
                  String registerFingerprint) {

  public static final int DEFAULT_MAX_INTERACTIONS = 10;

  /** A new PENDING UOW, version 1. */
  public static Uow registered(String uowId, String instanceId, String parentUowId,
                               Map<String, Object> attributes, Map<String, Object> policy,
                               String fingerprint, Instant now) {
    String at = Canonical.timestamp(now);
    Object max = policy.get("max_interactions");
    int maxInteractions = max instanceof Number n ? n.intValue() : DEFAULT_MAX_INTERACTIONS;
    Map<String, Object> attrs = copy(attributes);
    return new Uow(uowId, instanceId, parentUowId, UowStatus.PENDING, attrs, copy(policy), 0,
      maxInteractions, 0, 0, at, at, 1,
      Canonical.contentHash(uowId, UowStatus.PENDING.name(), attrs, 1), null, null, null, null,
      false, fingerprint);
  }

  public Change change() {
    return new Change(this);
  }

  public Map<String, Object> toState() {
    Map<String, Object> state = toView();
    state.put("waived_rule", waivedRule);
    state.put("approval_granted", approvalGranted);
    state.put("register_fingerprint", registerFingerprint);
    return state;
  }

  /** The public shape, without history. */
  public Map<String, Object> toView() {
    Map<String, Object> view = obj(
      "uow_id", uowId, "instance_id", instanceId, "parent_uow_id", parentUowId,
      "status", status.name(), "attributes", copy(attributes),
      "interaction_policy", copy(interactionPolicy), "interaction_count", interactionCount,
      "max_interactions", maxInteractions, "child_count", childCount,
      "finished_child_count", finishedChildCount, "created_at", createdAt,
      "updated_at", updatedAt, "version", version, "content_hash", contentHash,
      "pause", copy(pause), "parked_decision", copy(parkedDecision));
    if (clarification != null) {
      view.put("clarification", clarification);
    }
    return view;
  }

  /** The flat view guardians see: attributes overlaid with the UOW's own figures (SPEC §4). */
  public Map<String, Object> flatView() {
    Map<String, Object> flat = copy(attributes);
    flat.put("uow_id", uowId);
    flat.put("status", status.name());
    flat.put("child_count", childCount);
    flat.put("finished_child_count", finishedChildCount);
    flat.put("created_at", createdAt);
    return flat;
  }

  public static Uow fromState(Map<String, Object> s) {
    return new Uow((String) s.get("uow_id"), (String) s.get("instance_id"),
      (String) s.get("parent_uow_id"), UowStatus.parse(s.get("status")),
      copy(map(s.get("attributes"))), copy(map(s.get("interaction_policy"))),
      ((Number) s.get("interaction_count")).intValue(),
      ((Number) s.get("max_interactions")).intValue(),
      ((Number) s.get("child_count")).intValue(),
      ((Number) s.get("finished_child_count")).intValue(),
      (String) s.get("created_at"), (String) s.get("updated_at"),
      ((Number) s.get("version")).longValue(), (String) s.get("content_hash"),
      copy(map(s.get("pause"))), copy(map(s.get("parked_decision"))),
      (String) s.get("clarification"), (String) s.get("waived_rule"),
      Boolean.TRUE.equals(s.get("approval_granted")), (String) s.get("register_fingerprint"));
  }

  /** A mutable copy; {@link #done} bumps the version, stamps the time and rehashes. */
  public static final class Change {
    private final Uow from;
    public UowStatus status;
    public Map<String, Object> attributes;
    public int interactionCount;
    public int childCount;
    public int finishedChildCount;
    public Map<String, Object> pause;
    public Map<String, Object> parkedDecision;
    public String clarification;
    public String waivedRule;
    public boolean approvalGranted;

    private Change(Uow from) {
      this.from = from;
      status = from.status;
      attributes = copy(from.attributes);
      interactionCount = from.interactionCount;
      childCount = from.childCount;
      finishedChildCount = from.finishedChildCount;
      pause = from.pause;
      parkedDecision = from.parkedDecision;
      clarification = from.clarification;
      waivedRule = from.waivedRule;
      approvalGranted = from.approvalGranted;
    }

    public Uow done(Instant now) {
      long version = from.version + 1;
      return new Uow(from.uowId, from.instanceId, from.parentUowId, status, attributes,
        from.interactionPolicy, interactionCount, from.maxInteractions, childCount,
        finishedChildCount, from.createdAt, Canonical.timestamp(now), version,
        Canonical.contentHash(from.uowId, status.name(), attributes, version),
        status == UowStatus.PAUSED ? pause : null, parkedDecision, clarification, waivedRule,
        approvalGranted, from.registerFingerprint);
    }
  }
}
