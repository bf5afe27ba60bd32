package io.chameleon.store;

import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;

import java.time.Instant;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.ToLongFunction;

/**
 * Everything the store knows, rebuilt from events only: UOWs with their history, intervention
 * requests, halted instances and idempotency records, plus the indexes reads use (pending queue in
 * priority order, per-assignee queues, open requests per UOW, expiry order, UOWs by instance and
 * status) and the metrics counters. Only {@link #apply} changes it; the core reads it.
 */
public final class StoreState {

  /** Pending order: priority (critical first), then oldest, then id. */
  record PendingKey(int rank, String createdAt, String requestId) implements Comparable<PendingKey> {
    static PendingKey of(InterventionRequest request) {
      return new PendingKey(rankOf(request.priority()), request.createdAt(), request.requestId());
    }

    // written out rather than a Comparator chain: a restore sorts a million of them
    @Override
    public int compareTo(PendingKey other) {
      if (rank != other.rank) {
        return rank < other.rank ? -1 : 1;
      }
      int byTime = createdAt.compareTo(other.createdAt);
      return byTime != 0 ? byTime : requestId.compareTo(other.requestId);
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

  private final EntityTable<Uow> uows;
  /**
   * Each UOW's history, copy-on-write: an unmodifiable list replaced by a longer one on each
   * entry (histories are short), so a {@link #capture} can share the lists with a worker thread.
   */
  private final EntityTable<List<Map<String, Object>>> histories;
  private final TreeSet<UowKey> allUows = new TreeSet<>();
  private final Map<String, TreeSet<UowKey>> uowsByInstance = new HashMap<>();
  private final EnumMap<UowStatus, TreeSet<UowKey>> uowsByStatus = new EnumMap<>(UowStatus.class);

  private final EntityTable<InterventionRequest> requests;
  private final TreeSet<PendingKey> pending = new TreeSet<>();
  private final Map<String, TreeSet<PendingKey>> pendingByAssignee = new HashMap<>();
  /** The open requests no pilot has claimed: with one pilot's queue, what that pilot can act on. */
  private final TreeSet<PendingKey> pendingUnassigned = new TreeSet<>();
  private final OpenRequests openRequests = new OpenRequests();
  private final TreeSet<ExpiryKey> expiry = new TreeSet<>();
  private final InterventionMetrics metrics = new InterventionMetrics();

  private final Map<String, HaltedInstance> halted = new LinkedHashMap<>();
  /** Records that came with an event: rebuilt from the log, and in a snapshot. */
  private final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
  /**
   * Records of successes without an event: in memory only. Such a record is only made when the
   * scope has no live record, so it is newer than a logged one of the same scope (which stays as a
   * replay would have it, expired).
   */
  private final Map<String, IdempotencyRecord> memoryOnly = new HashMap<>();
  private String lastEventId = "0-0";

  public StoreState() {
    this(0, 0);
  }

  /** A state sized for this many UOWs and requests (a restore), so its tables never grow. */
  StoreState(int uowCount, int requestCount) {
    uows = new EntityTable<>(uowCount);
    histories = new EntityTable<>(uowCount);
    requests = new EntityTable<>(requestCount);
  }

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
      memoryOnly.remove(record.scope());
      idempotency.put(record.scope(), record);
    }
    if (uowId != null && StoreEvents.HISTORY.contains(type) && uows.get(uowId) != null) {
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
    appendHistory(after.uowId(), obj(
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
    appendHistory(after.uowId(), obj(
      "event_type", entryType, "event_id", event.id(), "timestamp", event.timestamp(),
      "pilot_id", event.payload().get("pilot_id"), "from_status", before.status().name(),
      "to_status", after.status().name(),
      "details", obj("child_uow_id", childId, "child_count", after.childCount(),
        "finished_child_count", after.finishedChildCount()),
      "content_hash", before.contentHash()));
  }

  /** Replaces the UOW's history with a copy one entry longer (see {@link #histories}). */
  private void appendHistory(String uowId, Map<String, Object> entry) {
    List<Map<String, Object>> old = history(uowId);
    List<Map<String, Object>> longer = new ArrayList<>(old.size() + 1);
    longer.addAll(old);
    longer.add(entry);
    histories.put(uowId, Collections.unmodifiableList(longer));
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
      } else {
        pendingUnassigned.remove(key);
      }
      expiry.remove(new ExpiryKey(Timestamps.instant(old.expiresAt()), old.requestId()));
      openRequests.remove(old);
    }
    if (request.status().open()) {
      PendingKey key = PendingKey.of(request);
      pending.add(key);
      if (request.assignedTo() != null) {
        pendingByAssignee.computeIfAbsent(request.assignedTo(), a -> new TreeSet<>()).add(key);
      } else {
        pendingUnassigned.add(key);
      }
      expiry.add(new ExpiryKey(Timestamps.instant(request.expiresAt()), request.requestId()));
      openRequests.add(request, requests::get);
    }
    metrics.onChange(old, request);
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

  // ---- snapshots

  /**
   * The part of the state a snapshot holds, taken on the event loop without copying the entities
   * or walking the tables (see {@link EntityTable#copy}): the entities are immutable and the
   * histories copy-on-write, so a worker thread may serialise it
   * ({@link StoreSnapshot#chunks}) while the state moves on. Idempotency records kept in memory
   * only are left out, as a replay of the log leaves them out.
   */
  public static final class Capture {
    final EntityTable.Copy uows;
    final EntityTable.Copy histories;
    final EntityTable.Copy requests;
    final int uowCount;
    final int requestCount;
    final HaltedInstance[] halted;
    final IdempotencyRecord[] idempotency;
    final String lastEventId;

    private Capture(StoreState state) {
      uows = state.uows.copy();
      histories = state.histories.copy();
      requests = state.requests.copy();
      uowCount = state.uows.size();
      requestCount = state.requests.size();
      halted = state.halted.values().toArray(new HaltedInstance[0]);
      idempotency = state.idempotency.values().toArray(new IdempotencyRecord[0]);
      lastEventId = state.lastEventId;
    }

    public int uowCount() {
      return uowCount;
    }

    public int requestCount() {
      return requestCount;
    }
  }

  /**
   * Takes a {@link Capture}: the tables of UOWs, histories and requests shared copy-on-write, and
   * copies of the (fewer) halted instances and idempotency records; no deep copy, no
   * serialisation.
   */
  public Capture capture() {
    return new Capture(this);
  }

  /**
   * What a restore has put in the tables so far and whose sorted indexes are still to build:
   * inserting a million keys one by one into trees costs seconds, sorting them once and building
   * each tree from its sorted keys (linear, no comparisons) a fraction of that. Null outside a
   * restore.
   */
  private Restoring restoring;

  private static final class Restoring {
    final List<UowKey> uowKeys;
    final List<Uow> uows;
    final List<InterventionRequest> open;

    Restoring(int uowCount, int requestCount) {
      uowKeys = new ArrayList<>(uowCount);
      uows = new ArrayList<>(uowCount);
      open = new ArrayList<>(Math.min(requestCount, 1 << 20));
    }
  }

  /** A state to restore a snapshot into: sized for its counts, its sorted indexes built last. */
  static StoreState restoring(int uowCount, int requestCount) {
    StoreState state = new StoreState(uowCount, requestCount);
    state.restoring = new Restoring(uowCount, requestCount);
    return state;
  }

  /** Puts a UOW read from a snapshot, with its history; its indexes come with {@link #restored}. */
  void restoreUow(Uow uow, List<Map<String, Object>> history) {
    if (uows.put(uow.uowId(), uow) != null) {
      throw new IllegalArgumentException("uow " + uow.uowId() + " twice in the snapshot");
    }
    restoring.uows.add(uow);
    restoring.uowKeys.add(new UowKey(uow.createdAt(), uow.uowId()));
    if (!history.isEmpty()) {
      histories.put(uow.uowId(), Collections.unmodifiableList(history));
    }
  }

  /** Puts a request read from a snapshot, counted as apply counts it; indexes with {@link #restored}. */
  void restoreRequest(InterventionRequest request) {
    if (requests.put(request.requestId(), request) != null) {
      throw new IllegalArgumentException("request " + request.requestId() + " twice in the snapshot");
    }
    if (request.status().open()) {
      restoring.open.add(request);
    }
    metrics.onChange(null, request);
  }

  /**
   * Builds the indexes of what was restored, as apply would have them: each sorted index from its
   * keys sorted once, the open requests per UOW; the UOW indexes and the request indexes in two
   * tasks (one on the common pool), as they touch nothing in common.
   */
  void restored() {
    Restoring done = restoring;
    restoring = null;
    CompletableFuture<Void> requestIndexes = CompletableFuture.runAsync(() -> {
      indexPending(done.open);
      indexExpiry(done.open);
    }, ForkJoinPool.commonPool());
    indexUows(done);
    openRequests.expect(done.open.size());
    for (InterventionRequest request : done.open) {
      openRequests.add(request, requests::get);
    }
    try {
      requestIndexes.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  private void indexUows(Restoring done) {
    UowKey[] keys = done.uowKeys.toArray(new UowKey[0]);
    sortByTime(keys, 0, keys.length, key -> millisOf(key.createdAt()));
    bulk(allUows, keys, keys.length);
    Map<String, List<UowKey>> byInstance = new HashMap<>();
    EnumMap<UowStatus, List<UowKey>> byStatus = new EnumMap<>(UowStatus.class);
    for (UowKey key : keys) {
      Uow uow = uows.get(key.uowId());
      byInstance.computeIfAbsent(uow.instanceId(), id -> new ArrayList<>()).add(key);
      byStatus.computeIfAbsent(uow.status(), s -> new ArrayList<>()).add(key);
    }
    byInstance.forEach((instance, sorted) -> bulk(
      uowsByInstance.computeIfAbsent(instance, id -> new TreeSet<>()), sorted));
    byStatus.forEach((status, sorted) -> bulk(
      uowsByStatus.computeIfAbsent(status, s -> new TreeSet<>()), sorted));
  }

  private void indexPending(List<InterventionRequest> open) {
    PendingKey[] keys = new PendingKey[open.size()];
    // by rank first (a counting pass), then each rank's run by age: those runs come nearly sorted
    int[] starts = new int[PRIORITIES.size() + 2];
    for (InterventionRequest request : open) {
      starts[rankOf(request.priority()) + 1]++;
    }
    for (int rank = 1; rank < starts.length; rank++) {
      starts[rank] += starts[rank - 1];
    }
    int[] next = starts.clone();
    for (InterventionRequest request : open) {
      PendingKey key = PendingKey.of(request);
      keys[next[key.rank()]++] = key;
    }
    for (int rank = 0; rank + 1 < starts.length; rank++) {
      sortByTime(keys, starts[rank], starts[rank + 1], key -> millisOf(key.createdAt()));
    }
    bulk(pending, keys, keys.length);
    Map<String, List<PendingKey>> byAssignee = new HashMap<>();
    List<PendingKey> unassigned = new ArrayList<>();
    for (PendingKey key : keys) {
      String assignee = requests.get(key.requestId()).assignedTo();
      if (assignee != null) {
        byAssignee.computeIfAbsent(assignee, a -> new ArrayList<>()).add(key);
      } else {
        unassigned.add(key);
      }
    }
    bulk(pendingUnassigned, unassigned);
    byAssignee.forEach((assignee, sorted) -> bulk(
      pendingByAssignee.computeIfAbsent(assignee, a -> new TreeSet<>()), sorted));
  }

  private void indexExpiry(List<InterventionRequest> open) {
    ExpiryKey[] keys = new ExpiryKey[open.size()];
    for (int i = 0; i < keys.length; i++) {
      InterventionRequest request = open.get(i);
      keys[i] = new ExpiryKey(Timestamps.instant(request.expiresAt()), request.requestId());
    }
    sortByTime(keys, 0, keys.length, key -> key.expiresAt().toEpochMilli());
    bulk(expiry, keys, keys.length);
  }

  /**
   * Sorts {@code keys[from, to)} in their natural order, which begins with a time: first on that
   * time as a number (a sort of primitives: comparing a million keys by their timestamp strings,
   * which share most of their characters, is what made this slow), then each run of one time by
   * the keys themselves. A last merge sort in the keys' own order keeps the result exact whatever
   * {@code millis} says (already sorted, it is one pass).
   */
  private static <T extends Comparable<? super T>> void sortByTime(T[] keys, int from, int to,
                                                                  ToLongFunction<T> millis) {
    int count = to - from;
    if (count < 2) {
      return;
    }
    long[] times = new long[count];
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      long time = millis.applyAsLong(keys[from + i]);
      times[i] = time;
      oldest = Math.min(oldest, time);
      newest = Math.max(newest, time);
    }
    int positionBits = 64 - Long.numberOfLeadingZeros(count);
    if (newest - oldest >= 1L << (62 - positionBits)) {
      Arrays.sort(keys, from, to);
      return;
    }
    long[] packed = new long[count];
    for (int i = 0; i < count; i++) {
      packed[i] = (times[i] - oldest) << positionBits | i;
    }
    Arrays.sort(packed);
    Object[] copy = Arrays.copyOfRange(keys, from, to);
    long position = (1L << positionBits) - 1;
    for (int i = 0; i < count; i++) {
      @SuppressWarnings("unchecked")
      T key = (T) copy[(int) (packed[i] & position)];
      keys[from + i] = key;
    }
    for (int run = 0; run < count; ) {
      int end = run + 1;
      while (end < count && packed[end] >>> positionBits == packed[run] >>> positionBits) {
        end++;
      }
      if (end - run > 1) {
        Arrays.sort(keys, from + run, from + end);
      }
      run = end;
    }
    Arrays.sort(keys, from, to);
  }

  /** A SPEC timestamp in ms (any other form: 0, which {@link #sortByTime} then puts right). */
  private static long millisOf(String timestamp) {
    try {
      return Timestamps.instant(timestamp).toEpochMilli();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static <T> void bulk(TreeSet<T> into, List<T> sorted) {
    @SuppressWarnings("unchecked")
    T[] keys = (T[]) sorted.toArray();
    bulk(into, keys, keys.length);
  }

  /** Fills an empty tree from distinct sorted keys: TreeSet builds it in one linear pass. */
  private static <T> void bulk(TreeSet<T> into, T[] sorted, int size) {
    if (size > 0) {
      into.addAll(new SortedKeys<>(sorted, size));
    }
  }

  /**
   * Distinct keys already in their natural order, as the {@link SortedSet} that
   * {@link TreeSet#addAll} takes whole (TreeMap.buildFromSorted) instead of key by key.
   */
  private static final class SortedKeys<T> extends AbstractSet<T> implements SortedSet<T> {
    private final T[] keys;
    private final int size;

    SortedKeys(T[] keys, int size) {
      this.keys = keys;
      this.size = size;
    }

    @Override
    public Iterator<T> iterator() {
      return Arrays.asList(keys).subList(0, size).iterator();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public Comparator<? super T> comparator() {
      return null; // natural order, as the trees filled from it
    }

    @Override
    public SortedSet<T> subSet(T from, T to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedSet<T> headSet(T to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedSet<T> tailSet(T from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public T first() {
      return keys[0];
    }

    @Override
    public T last() {
      return keys[size - 1];
    }
  }

  void restoreHalted(HaltedInstance instance) {
    halted.put(instance.instanceId(), instance);
  }

  void restoreIdempotency(IdempotencyRecord record) {
    idempotency.put(record.scope(), record);
  }

  void restoreLastEventId(String eventId) {
    lastEventId = eventId;
  }

  int haltedCount() {
    return halted.size();
  }

  int loggedIdempotencyCount() {
    return idempotency.size();
  }

  /**
   * Everything a caller can observe, and every index, as one canonical JSON text, so tests can
   * compare two states whole: the UOWs with their histories, the requests, the pending order and
   * the per-assignee and unassigned queues, the open requests per UOW, the expiry order, the UOW lists by instance
   * and status, halted instances, idempotency records (not those kept in memory only: a replay has
   * none) and the metrics view.
   */
  String dump() {
    Map<String, Object> uowStates = new TreeMap<>();
    uows.forEach((id, uow) -> {
      Map<String, Object> state = uow.toState();
      state.put("history", history(id));
      uowStates.put(id, state);
    });
    Map<String, Object> requestStates = new TreeMap<>();
    requests.forEach((id, request) -> requestStates.put(id, request.toState()));
    Map<String, Object> byAssignee = new TreeMap<>();
    pendingByAssignee.forEach((pilot, keys) -> byAssignee.put(pilot, requestIds(keys)));
    Map<String, Object> open = new TreeMap<>();
    openRequests.uowIds().forEach(uowId -> open.put(uowId, openRequestIds(uowId)));
    List<Object> expiring = new ArrayList<>();
    expiry.forEach(key -> expiring.add(List.of(key.expiresAt().toString(), key.requestId())));
    Map<String, Object> byInstance = new TreeMap<>();
    uowsByInstance.forEach((instance, keys) -> byInstance.put(instance, uowIds(keys)));
    Map<String, Object> byStatus = new TreeMap<>();
    uowsByStatus.forEach((status, keys) -> {
      if (!keys.isEmpty()) {
        byStatus.put(status.name(), uowIds(keys));
      }
    });
    List<Object> haltedViews = new ArrayList<>();
    halted.values().forEach(instance -> haltedViews.add(instance.toView()));
    Map<String, Object> records = new TreeMap<>();
    idempotency.forEach((scope, record) -> records.put(scope, record.toState()));
    return Canonical.json(obj("uows", uowStates, "requests", requestStates,
      "pending", requestIds(pending), "pending_by_assignee", byAssignee,
      "pending_unassigned", requestIds(pendingUnassigned), "open_by_uow", open,
      "expiry", expiring, "all_uows", uowIds(allUows), "uows_by_instance", byInstance,
      "uows_by_status", byStatus, "halted", haltedViews, "idempotency", records,
      "metrics", metrics.toView(), "last_event_id", lastEventId));
  }

  private static List<String> requestIds(Set<PendingKey> keys) {
    List<String> ids = new ArrayList<>();
    keys.forEach(key -> ids.add(key.requestId()));
    return ids;
  }

  private static List<String> uowIds(Set<UowKey> keys) {
    List<String> ids = new ArrayList<>();
    keys.forEach(key -> ids.add(key.uowId()));
    return ids;
  }

  // ---- reads

  public Uow uow(String uowId) {
    return uows.get(uowId);
  }

  /** The UOW's history, oldest first (an unmodifiable list that later entries do not change). */
  public List<Map<String, Object>> history(String uowId) {
    List<Map<String, Object>> history = histories.get(uowId);
    return history == null ? List.of() : history;
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
    memoryOnly.put(record.scope(), record);
  }

  /** The idempotency record of a scope, if stored less than 24 h before {@code now}. */
  public IdempotencyRecord idempotency(String scope, Instant now) {
    IdempotencyRecord record = memoryOnly.get(scope);
    if (record == null) {
      record = idempotency.get(scope);
    }
    return record != null && record.liveAt(now) ? record : null;
  }

  /** Forgets idempotency records older than their TTL (they are already ignored). */
  public void forgetExpiredIdempotency(Instant now) {
    idempotency.values().removeIf(record -> !record.liveAt(now));
    memoryOnly.values().removeIf(record -> !record.liveAt(now));
  }

  public int idempotencyCount() {
    return idempotency.size() + memoryOnly.size();
  }

  /** Ids of the PENDING/IN_PROGRESS requests naming this UOW, oldest first. */
  public List<String> openRequestIds(String uowId) {
    return openRequests.of(uowId);
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
    return page(set.iterator(), set.size(), limit, offset);
  }

  /**
   * What one pilot can act on: the open requests nobody has claimed and those it has claimed, in
   * the queue's order (the two indexes merged), a page of it and its size.
   */
  public Page<InterventionRequest> actionableBy(String pilot, int limit, int offset) {
    NavigableSet<PendingKey> own = pendingByAssignee.getOrDefault(pilot, new TreeSet<>());
    return page(new Merged<>(pendingUnassigned.iterator(), own.iterator()),
      pendingUnassigned.size() + own.size(), limit, offset);
  }

  private Page<InterventionRequest> page(Iterator<PendingKey> it, int total, int limit, int offset) {
    List<InterventionRequest> items = new ArrayList<>();
    for (int skipped = 0; skipped < offset && it.hasNext(); skipped++) {
      it.next();
    }
    while (it.hasNext() && items.size() < limit) {
      items.add(requests.get(it.next().requestId()));
    }
    return new Page<>(items, total);
  }

  /** Two ascending iterators over disjoint keys, as one ascending iterator. */
  private static final class Merged<T extends Comparable<T>> implements Iterator<T> {
    private final Iterator<T> a;
    private final Iterator<T> b;
    private T nextA;
    private T nextB;

    Merged(Iterator<T> a, Iterator<T> b) {
      this.a = a;
      this.b = b;
      nextA = a.hasNext() ? a.next() : null;
      nextB = b.hasNext() ? b.next() : null;
    }

    @Override
    public boolean hasNext() {
      return nextA != null || nextB != null;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T out;
      if (nextB == null || nextA != null && nextA.compareTo(nextB) < 0) {
        out = nextA;
        nextA = a.hasNext() ? a.next() : null;
      } else {
        out = nextB;
        nextB = b.hasNext() ? b.next() : null;
      }
      return out;
    }
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
