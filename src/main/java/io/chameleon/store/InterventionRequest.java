package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import io.chameleon.bus.Role;
import java.time.Instant;
import java.util.Map;

/**
 * An intervention request (SPEC §5), immutable. {@code createFingerprint} (internal, not in the
 * view) is the hash of the canonical create body, for idempotent repeats by {@code request_id}.
 */
public record InterventionRequest(String requestId, String uowId, String interventionType,
                                  RequestStatus status, String priority, String title,
                                  String description, Map<String, Object> context,
                                  String createdAt, String updatedAt, String expiresAt,
                                  Role requiredRole, String assignedTo, String actionReason,
                                  String actionTimestamp, String actionBy, long version,
                                  String createFingerprint) {

  public Instant expiresAtInstant() {
    return Instant.parse(expiresAt);
  }

  public Change change() {
    return new Change(this);
  }

  public Map<String, Object> toView() {
    return obj("request_id", requestId, "uow_id", uowId, "intervention_type", interventionType,
      "status", status.name(), "priority", priority, "title", title, "description", description,
      "context", copy(context), "created_at", createdAt, "updated_at", updatedAt,
      "expires_at", expiresAt, "required_role", requiredRole.name(), "assigned_to", assignedTo,
      "action_reason", actionReason, "action_timestamp", actionTimestamp, "action_by", actionBy,
      "version", version);
  }

  public Map<String, Object> toState() {
    Map<String, Object> state = toView();
    state.put("create_fingerprint", createFingerprint);
    return state;
  }

  public static InterventionRequest fromState(Map<String, Object> s) {
    return new InterventionRequest((String) s.get("request_id"), (String) s.get("uow_id"),
      // type and priority come from a closed vocabulary: one shared copy each, not one per request
      ((String) s.get("intervention_type")).intern(), RequestStatus.valueOf((String) s.get("status")),
      ((String) s.get("priority")).intern(), (String) s.get("title"), (String) s.get("description"),
      copy(map(s.get("context"))), (String) s.get("created_at"), (String) s.get("updated_at"),
      (String) s.get("expires_at"), Role.valueOf((String) s.get("required_role")),
      (String) s.get("assigned_to"), (String) s.get("action_reason"),
      (String) s.get("action_timestamp"), (String) s.get("action_by"),
      ((Number) s.get("version")).longValue(), (String) s.get("create_fingerprint"));
  }

  /** A mutable copy; {@link #done} bumps the version and stamps the time. */
  public static final class Change {
    private final InterventionRequest from;
    public RequestStatus status;
    public String assignedTo;
    public String actionReason;
    public String actionTimestamp;
    public String actionBy;

    private Change(InterventionRequest from) {
      this.from = from;
      status = from.status;
      assignedTo = from.assignedTo;
      actionReason = from.actionReason;
      actionTimestamp = from.actionTimestamp;
      actionBy = from.actionBy;
    }

    public InterventionRequest done(Instant now) {
      return new InterventionRequest(from.requestId, from.uowId, from.interventionType, status,
        from.priority, from.title, from.description, from.context, from.createdAt,
        Canonical.timestamp(now), from.expiresAt, from.requiredRole, assignedTo, actionReason,
        actionTimestamp, actionBy, from.version + 1, from.createFingerprint);
    }
  }
}
