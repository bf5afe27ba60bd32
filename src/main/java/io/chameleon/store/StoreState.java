package io.chameleon.store;

import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the store knows, rebuilt from events only: UOWs with their history, intervention
 * requests, halted instances and idempotency records, plus the indexes reads use (pending queue in
 * priority order, per-assignee queues, open requests per UOW, expiry order, UOWs by instance and
 * status) and the metrics counters. Only {@link #apply} changes it; the core reads it.
 */
public final class StoreState {

  /** Pending order: priority (critical first), then oldest, then id. */
  record PendingKey(int rank, String createdAt, String requestId) implements Comparable<PendingKey> {
    static final Comparator<PendingKey> ORDER = Comparator.comparingInt(PendingKey::rank)
      .thenComparing(PendingKey::createdAt).thenComparing(PendingKey::requestId);

    static PendingKey of(InterventionRequest request) {
      return new PendingKey(rankOf(request.priority()), request.createdAt(), request.requestId());
    }

    @Override
    public int compareTo(PendingKey other) {
      return ORDER.compare(this, other);
    }
  }

  record ExpiryKey(Instant expiresAt, String requestId) implements Comparable<ExpiryKey> {
    @Override
    public int compareTo(ExpiryKey other) {
      int byTime = expiresAt.compareTo(other.expiresAt);
      return byTime != 0 ? byTime : requestId.compareTo(other.requestId);
    }
  }

  record UowKey(String createdAt, String uowId) implements Comparable<UowKey> {
    @Override
    public int compareTo(UowKey other) {
      int byTime = createdAt.compareTo(other.createdAt);
      return byTime != 0 ? byTime : uowId.compareTo(other.uowId);
    }
  }

  /** A page of a sorted index. */
  public record Page<T>(List<T> items, int total) {
  }

  public static final List<String> PRIORITIES = List.of("critical", "high", "normal", "low");

  private final Map<String, Uow> uows = new HashMap<>();
  private final Map<String, List<Map<String, Object>>> histories = new HashMap<>();
  private final TreeSet<UowKey> allUows = new TreeSet<>();
  private final Map<String, TreeSet<UowKey>> uowsByInstance = new HashMap<>();
  private final EnumMap<UowStatus, TreeSet<UowKey>> uowsByStatus = new EnumMap<>(UowStatus.class);

  private final Map<String, InterventionRequest> requests = new HashMap<>();
  private final TreeSet<PendingKey> pending = new TreeSet<>();
  private final Map<String, TreeSet<PendingKey>> pendingByAssignee = new HashMap<>();
  /**
   * Open request ids by the uow_id they name, oldest first: a single id is kept as the String
   * itself (the common case: most UOWs have one open request), several as a set.
   */
  private final Map<String, Object> openByUow = new HashMap<>();
  private final TreeSet<ExpiryKey> expiry = new TreeSet<>();
  private final InterventionMetrics metrics = new InterventionMetrics();

  private final Map<String, HaltedInstance> halted = new LinkedHashMap<>();
  private final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
  private String lastEventId = "0-0";

  static int rankOf(String priority) {
    int rank = PRIORITIES.indexOf(priority);
    return rank < 0 ? PRIORITIES.size() : rank;
  }

  // ---- apply

  /** Applies one logged event. Every state event carries the new full state of what it changed. */
  public void apply(LoggedEvent event) {
    Map<String, Object> p = event.payload();
    String type = event.eventType();
    String uowId = p.get("uow_id") instanceof String id ? id : null;
    Uow before = uowId == null ? null : uows.get(uowId);

    Map<String, Object> parent = map(p.get("parent_uow"));
    Uow parentBefore = null;
    if (parent != null) {
      Uow updated = Uow.fromState(parent);
      parentBefore = uows.get(updated.uowId());
      putUow(updated);
    }
    Map<String, Object> uow = map(p.get("uow"));
    if (uow != null) {
      putUow(Uow.fromState(uow));
    }
    Map<String, Object> request = map(p.get("request"));
    if (request != null) {
      putRequest(InterventionRequest.fromState(request));
    }
    if (StoreEvents.KILL_SWITCH_ACTIVATED.equals(type)) {
      Map<String, Object> h = map(p.get("halted_instance"));
      @SuppressWarnings("unchecked")
      List<String> paused = new ArrayList<>((List<String>) h.get("paused_uow_ids"));
      halted.put((String) h.get("instance_id"), new HaltedInstance((String) h.get("instance_id"),
        (String) h.get("halted_by"), (String) h.get("reason"), (String) h.get("halted_at"), paused));
    } else if (StoreEvents.KILL_SWITCH_RELEASED.equals(type)) {
      halted.remove((String) p.get("instance_id"));
    }
    Map<String, Object> idem = map(p.get("idempotency"));
    if (idem != null) {
      IdempotencyRecord record = IdempotencyRecord.fromState(idem);
      idempotency.put(record.scope(), record);
    }
    if (uowId != null && StoreEvents.HISTORY.contains(type) && uows.containsKey(uowId)) {
      addHistory(event, before, uows.get(uowId));
    }
    if (parentBefore != null) {
      addChildEntry(event, uowId, parentBefore, uows.get(parentBefore.uowId()));
    }
    if (event.id() != null) {
      lastEventId = event.id();
    }
  }

  private void addHistory(LoggedEvent event, Uow before, Uow after) {
    Map<String, Object> p = event.payload();
    Map<String, Object> details = new LinkedHashMap<>(p);
    for (String key : List.of("uow", "parent_uow", "uow_id", "pilot_id", "old_status",
      "new_status", "idempotency", "instance_id", "request")) {
      details.remove(key);
    }
    String entryType = event.eventType();
    if (StoreEvents.PILOT_WAIVER_GRANTED.equals(entryType)) {
      entryType = "CONSTITUTIONAL_WAIVER";
      details = obj("rule", p.get("rule_id"), "pilot", p.get("pilot_id"), "reason", p.get("reason"));
    }
    Object from = p.containsKey("old_status") ? p.get("old_status")
      : before == null ? null : before.status().name();
    Object to = p.containsKey("new_status") ? p.get("new_status") : after.status().name();
    histories.computeIfAbsent(after.uowId(), id -> new ArrayList<>()).add(obj(
      "event_type", entryType, "event_id", event.id(), "timestamp", event.timestamp(),
      "pilot_id", p.get("pilot_id"), "from_status", from, "to_status", to, "details", details,
      "content_hash", before == null ? null : before.contentHash()));
  }

  /**
   * A child registered or finished changes its parent's counts, version and hash: the parent's
   * history says so, so its entries still link up ({@code content_hash} before each change).
   */
  private void addChildEntry(LoggedEvent event, String childId, Uow before, Uow after) {
    String entryType = StoreEvents.UOW_REGISTERED.equals(event.eventType())
      ? "CHILD_REGISTERED" : "CHILD_FINISHED";
    histories.computeIfAbsent(after.uowId(), id -> new ArrayList<>()).add(obj(
      "event_type", entryType, "event_id", event.id(), "timestamp", event.timestamp(),
      "pilot_id", event.payload().get("pilot_id"), "from_status", before.status().name(),
      "to_status", after.status().name(),
      "details", obj("child_uow_id", childId, "child_count", after.childCount(),
        "finished_child_count", after.finishedChildCount()),
      "content_hash", before.contentHash()));
  }

  private void putUow(Uow uow) {
    Uow old = uows.put(uow.uowId(), uow);
    UowKey key = new UowKey(uow.createdAt(), uow.uowId());
    if (old != null) {
      uowsByStatus.get(old.status()).remove(key);
    }
    allUows.add(key);
    uowsByInstance.computeIfAbsent(uow.instanceId(), id -> new TreeSet<>()).add(key);
    uowsByStatus.computeIfAbsent(uow.status(), s -> new TreeSet<>()).add(key);
  }

  private void putRequest(InterventionRequest request) {
    InterventionRequest old = requests.put(request.requestId(), request);
    if (old != null && old.status().open()) {
      PendingKey key = PendingKey.of(old);
      pending.remove(key);
      if (old.assignedTo() != null) {
        removeFrom(pendingByAssignee, old.assignedTo(), key);
      }
      expiry.remove(new ExpiryKey(old.expiresAtInstant(), old.requestId()));
      removeOpen(old.uowId(), old.requestId());
    }
    if (request.status().open()) {
      PendingKey key = PendingKey.of(request);
      pending.add(key);
      if (request.assignedTo() != null) {
        pendingByAssignee.computeIfAbsent(request.assignedTo(), a -> new TreeSet<>()).add(key);
      }
      expiry.add(new ExpiryKey(request.expiresAtInstant(), request.requestId()));
      addOpen(request.uowId(), request.requestId());
    }
    metrics.onChange(old, request);
  }

  @SuppressWarnings("unchecked")
  private void addOpen(String uowId, String requestId) {
    Object ids = openByUow.get(uowId);
    if (ids == null) {
      openByUow.put(uowId, requestId);
    } else if (ids instanceof String one) {
      if (!one.equals(requestId)) {
        Set<String> several = new LinkedHashSet<>();
        several.add(one);
        several.add(requestId);
        openByUow.put(uowId, several);
      }
    } else {
      ((Set<String>) ids).add(requestId);
    }
  }

  @SuppressWarnings("unchecked")
  private void removeOpen(String uowId, String requestId) {
    Object ids = openByUow.get(uowId);
    if (ids instanceof String one) {
      if (one.equals(requestId)) {
        openByUow.remove(uowId);
      }
    } else if (ids instanceof Set<?> several) {
      several.remove(requestId);
      if (several.size() == 1) {
        openByUow.put(uowId, ((Set<String>) several).iterator().next());
      }
    }
  }

  private static <K, V> void removeFrom(Map<K, ? extends Set<V>> index, K key, V value) {
    Set<V> set = index.get(key);
    if (set != null) {
      set.remove(value);
      if (set.isEmpty()) {
        index.remove(key);
      }
    }
  }

  // ---- reads

  public Uow uow(String uowId) {
    return uows.get(uowId);
  }

  public List<Map<String, Object>> history(String uowId) {
    return Collections.unmodifiableList(histories.getOrDefault(uowId, List.of()));
  }

  public InterventionRequest request(String requestId) {
    return requests.get(requestId);
  }

  public HaltedInstance halted(String instanceId) {
    return halted.get(instanceId);
  }

  public List<HaltedInstance> haltedInstances() {
    return new ArrayList<>(halted.values());
  }

  public int uowCount() {
    return uows.size();
  }

  public int requestCount() {
    return requests.size();
  }

  public String lastEventId() {
    return lastEventId;
  }

  public InterventionMetrics metrics() {
    return metrics;
  }

  /**
   * Keeps the record of a success that emitted no event (a dry run, a repeated claim): there is no
   * event to carry it, so it lives in memory only and is not rebuilt after a restart.
   */
  public void rememberWithoutEvent(IdempotencyRecord record) {
    idempotency.put(record.scope(), record);
  }

  /** The idempotency record of a scope, if stored less than 24 h before {@code now}. */
  public IdempotencyRecord idempotency(String scope, Instant now) {
    IdempotencyRecord record = idempotency.get(scope);
    return record != null && record.liveAt(now) ? record : null;
  }

  /** Forgets idempotency records older than their TTL (they are already ignored). */
  public void forgetExpiredIdempotency(Instant now) {
    idempotency.values().removeIf(record -> !record.liveAt(now));
  }

  public int idempotencyCount() {
    return idempotency.size();
  }

  /** Ids of the PENDING/IN_PROGRESS requests naming this UOW, oldest first. */
  @SuppressWarnings("unchecked")
  public List<String> openRequestIds(String uowId) {
    Object ids = openByUow.get(uowId);
    if (ids == null) {
      return new ArrayList<>();
    }
    return ids instanceof String one ? new ArrayList<>(List.of(one)) : new ArrayList<>((Set<String>) ids);
  }

  /** UOW ids of an instance, in creation order. */
  public List<String> uowIdsOf(String instanceId) {
    List<String> ids = new ArrayList<>();
    uowsByInstance.getOrDefault(instanceId, new TreeSet<>()).forEach(k -> ids.add(k.uowId()));
    return ids;
  }

  /** Open requests past {@code expires_at} at {@code now}, earliest first, at most {@code max}. */
  public List<String> expiredAt(Instant now, int max) {
    List<String> ids = new ArrayList<>();
    for (ExpiryKey key : expiry) {
      if (key.expiresAt().isAfter(now) || ids.size() == max) {
        break;
      }
      ids.add(key.requestId());
    }
    return ids;
  }

  /** The pending queue (or one assignee's part of it), a page of it and its size. */
  public Page<InterventionRequest> pending(String assignee, int limit, int offset) {
    NavigableSet<PendingKey> set = assignee == null ? pending
      : pendingByAssignee.getOrDefault(assignee, new TreeSet<>());
    List<InterventionRequest> items = new ArrayList<>();
    Iterator<PendingKey> it = set.iterator();
    for (int skipped = 0; skipped < offset && it.hasNext(); skipped++) {
      it.next();
    }
    while (it.hasNext() && items.size() < limit) {
      items.add(requests.get(it.next().requestId()));
    }
    return new Page<>(items, set.size());
  }

  /** UOWs in creation order, filtered by instance and/or status through their indexes. */
  public Page<Uow> uows(String instanceId, UowStatus status, int limit, int offset) {
    TreeSet<UowKey> base;
    boolean filterStatus = false;
    if (instanceId != null) {
      base = uowsByInstance.getOrDefault(instanceId, new TreeSet<>());
      filterStatus = status != null;
    } else if (status != null) {
      base = uowsByStatus.getOrDefault(status, new TreeSet<>());
    } else {
      base = allUows;
    }
    List<Uow> items = new ArrayList<>();
    int total = 0;
    for (UowKey key : base) {
      Uow uow = uows.get(key.uowId());
      if (filterStatus && uow.status() != status) {
        continue;
      }
      if (total >= offset && items.size() < limit) {
        items.add(uow);
      }
      total++;
    }
    return new Page<>(items, total);
  }
}
