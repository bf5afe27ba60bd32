package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import io.chameleon.bus.Role;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An intervention request (SPEC §5), immutable. {@code createFingerprint} (internal, not in the
 * view) is the hash of the canonical create body, for idempotent repeats by {@code request_id}.
 *
 * <p>A request restored from a binary snapshot keeps the fields no index or counter needs (title,
 * description, context, action reason, create fingerprint) as the snapshot's bytes, and decodes
 * them the first time one is read ({@link SnapshotBinary#readDetail}): a restart builds five
 * objects fewer per request, and the next snapshot copies those bytes as they are. The bytes are
 * never changed and the decoded fields are an object of final fields, so any thread may read a
 * request (a snapshot's worker does).
 */
public final class InterventionRequest {

  /** The fields read lazily; {@code context} is never changed once built. */
  record Detail(String title, String description, Map<String, Object> context,
                String actionReason, String createFingerprint) {
  }

  private final String requestId;
  private final String uowId;
  private final String interventionType;
  private final RequestStatus status;
  private final String priority;
  private final String createdAt;
  private final String updatedAt;
  private final String expiresAt;
  private final Role requiredRole;
  private final String assignedTo;
  private final String actionTimestamp;
  private final String actionBy;
  private final long version;
  /** Null until decoded when the request came from a snapshot's bytes. */
  private Detail detail;
  /** The encoded detail ({@code source[at, at + length)}), or null. */
  private final byte[] source;
  private final int at;
  private final int length;

  public InterventionRequest(String requestId, String uowId, String interventionType,
                             RequestStatus status, String priority, String title,
                             String description, Map<String, Object> context,
                             String createdAt, String updatedAt, String expiresAt,
                             Role requiredRole, String assignedTo, String actionReason,
                             String actionTimestamp, String actionBy, long version,
                             String createFingerprint) {
    this(requestId, uowId, interventionType, status, priority, createdAt, updatedAt, expiresAt,
      requiredRole, assignedTo, actionTimestamp, actionBy, version,
      new Detail(title, description, context, actionReason, createFingerprint), null, 0, 0);
  }

  /** A request whose detail is {@code source[at, at + length)}, decoded when first read. */
  static InterventionRequest encoded(String requestId, String uowId, String interventionType,
                                     RequestStatus status, String priority, String createdAt,
                                     String updatedAt, String expiresAt, Role requiredRole,
                                     String assignedTo, String actionTimestamp, String actionBy,
                                     long version, byte[] source, int at, int length) {
    return new InterventionRequest(requestId, uowId, interventionType, status, priority,
      createdAt, updatedAt, expiresAt, requiredRole, assignedTo, actionTimestamp, actionBy,
      version, null, source, at, length);
  }

  private InterventionRequest(String requestId, String uowId, String interventionType,
                              RequestStatus status, String priority, String createdAt,
                              String updatedAt, String expiresAt, Role requiredRole,
                              String assignedTo, String actionTimestamp, String actionBy,
                              long version, Detail detail, byte[] source, int at, int length) {
    this.requestId = requestId;
    this.uowId = uowId;
    this.interventionType = interventionType;
    this.status = status;
    this.priority = priority;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.expiresAt = expiresAt;
    this.requiredRole = requiredRole;
    this.assignedTo = assignedTo;
    this.actionTimestamp = actionTimestamp;
    this.actionBy = actionBy;
    this.version = version;
    this.detail = detail;
    this.source = source;
    this.at = at;
    this.length = length;
  }

  private Detail detail() {
    Detail d = detail;
    if (d == null) {
      d = SnapshotBinary.readDetail(source, at, length);
      detail = d;
    }
    return d;
  }

  /**
   * The bytes holding the encoded detail (at {@link #encodedAt}, {@link #encodedLength} long) when
   * it was never decoded, for a snapshot to copy as they are; else null.
   */
  byte[] encodedDetail() {
    return detail == null ? source : null;
  }

  int encodedAt() {
    return at;
  }

  int encodedLength() {
    return length;
  }

  public String requestId() {
    return requestId;
  }

  public String uowId() {
    return uowId;
  }

  public String interventionType() {
    return interventionType;
  }

  public RequestStatus status() {
    return status;
  }

  public String priority() {
    return priority;
  }

  public String title() {
    return detail().title();
  }

  public String description() {
    return detail().description();
  }

  public Map<String, Object> context() {
    return detail().context();
  }

  public String createdAt() {
    return createdAt;
  }

  public String updatedAt() {
    return updatedAt;
  }

  public String expiresAt() {
    return expiresAt;
  }

  public Role requiredRole() {
    return requiredRole;
  }

  public String assignedTo() {
    return assignedTo;
  }

  public String actionReason() {
    return detail().actionReason();
  }

  public String actionTimestamp() {
    return actionTimestamp;
  }

  public String actionBy() {
    return actionBy;
  }

  public long version() {
    return version;
  }

  public String createFingerprint() {
    return detail().createFingerprint();
  }

  /** Equal when every field is (as the record it was), however each one's detail is held. */
  @Override
  public boolean equals(Object other) {
    return other instanceof InterventionRequest r && version == r.version
      && Objects.equals(requestId, r.requestId) && Objects.equals(uowId, r.uowId)
      && Objects.equals(interventionType, r.interventionType) && status == r.status
      && Objects.equals(priority, r.priority) && Objects.equals(createdAt, r.createdAt)
      && Objects.equals(updatedAt, r.updatedAt) && Objects.equals(expiresAt, r.expiresAt)
      && requiredRole == r.requiredRole && Objects.equals(assignedTo, r.assignedTo)
      && Objects.equals(actionTimestamp, r.actionTimestamp) && Objects.equals(actionBy, r.actionBy)
      && detail().equals(r.detail());
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestId, uowId, interventionType, status, priority, createdAt, updatedAt,
      expiresAt, requiredRole, assignedTo, actionTimestamp, actionBy, version, detail());
  }

  @Override
  public String toString() {
    Detail d = detail();
    return "InterventionRequest[requestId=" + requestId + ", uowId=" + uowId
      + ", interventionType=" + interventionType + ", status=" + status + ", priority=" + priority
      + ", title=" + d.title() + ", description=" + d.description() + ", context=" + d.context()
      + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + ", expiresAt=" + expiresAt
      + ", requiredRole=" + requiredRole + ", assignedTo=" + assignedTo + ", actionReason="
      + d.actionReason() + ", actionTimestamp=" + actionTimestamp + ", actionBy=" + actionBy
      + ", version=" + version + ", createFingerprint=" + d.createFingerprint() + "]";
  }

  public Instant expiresAtInstant() {
    return Instant.parse(expiresAt);
  }

  public Change change() {
    return new Change(this);
  }

  public Map<String, Object> toView() {
    return obj("request_id", requestId, "uow_id", uowId, "intervention_type", interventionType,
      "status", status.name(), "priority", priority, "title", title(), "description", description(),
      "context", copy(context()), "created_at", createdAt, "updated_at", updatedAt,
      "expires_at", expiresAt, "required_role", requiredRole.name(), "assigned_to", assignedTo,
      "action_reason", actionReason(), "action_timestamp", actionTimestamp, "action_by", actionBy,
      "version", version);
  }

  public Map<String, Object> toState() {
    Map<String, Object> state = toView();
    state.put("create_fingerprint", createFingerprint());
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
      actionReason = from.actionReason();
      actionTimestamp = from.actionTimestamp;
      actionBy = from.actionBy;
    }

    public InterventionRequest done(Instant now) {
      return new InterventionRequest(from.requestId, from.uowId, from.interventionType, status,
        from.priority, from.title(), from.description(), from.context(), from.createdAt,
        Canonical.timestamp(now), from.expiresAt, from.requiredRole, assignedTo, actionReason,
        actionTimestamp, actionBy, from.version + 1, from.createFingerprint());
    }
  }
}
