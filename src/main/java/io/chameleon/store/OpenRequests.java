package io.chameleon.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The open (PENDING or IN_PROGRESS) request ids of each UOW, oldest first: by created_at, then id,
 * an order the request states alone give, so a state restored from a snapshot closes a UOW's
 * requests in the same order as the state it was taken from. A single id is kept as the String
 * itself (the common case: most UOWs have one open request), several as a sorted set.
 */
final class OpenRequests {

  /** An open request of a UOW that has several. */
  private record Key(String createdAt, String requestId) implements Comparable<Key> {
    static Key of(InterventionRequest request) {
      return new Key(request.createdAt(), request.requestId());
    }

    @Override
    public int compareTo(Key other) {
      int byTime = createdAt.compareTo(other.createdAt);
      return byTime != 0 ? byTime : requestId.compareTo(other.requestId);
    }
  }

  private Map<String, Object> byUow = new HashMap<>();

  /** Makes room for {@code uows} UOWs at once (a restore), while still empty. */
  void expect(int uows) {
    if (byUow.isEmpty()) {
      byUow = new HashMap<>((int) (uows / 0.75f) + 1);
    }
  }

  /** Adds an open request; {@code requests} finds the one a UOW already has. */
  @SuppressWarnings("unchecked")
  void add(InterventionRequest request, Function<String, InterventionRequest> requests) {
    Object ids = byUow.get(request.uowId());
    if (ids == null) {
      byUow.put(request.uowId(), request.requestId());
    } else if (ids instanceof String one) {
      if (!one.equals(request.requestId())) {
        TreeSet<Key> several = new TreeSet<>();
        several.add(Key.of(requests.apply(one)));
        several.add(Key.of(request));
        byUow.put(request.uowId(), several);
      }
    } else {
      ((TreeSet<Key>) ids).add(Key.of(request));
    }
  }

  @SuppressWarnings("unchecked")
  void remove(InterventionRequest request) {
    Object ids = byUow.get(request.uowId());
    if (ids instanceof String one) {
      if (one.equals(request.requestId())) {
        byUow.remove(request.uowId());
      }
    } else if (ids != null) {
      TreeSet<Key> several = (TreeSet<Key>) ids;
      several.remove(Key.of(request));
      if (several.size() == 1) {
        byUow.put(request.uowId(), several.first().requestId());
      }
    }
  }

  /** The open request ids of a UOW, oldest first (a new list). */
  @SuppressWarnings("unchecked")
  List<String> of(String uowId) {
    Object ids = byUow.get(uowId);
    List<String> open = new ArrayList<>();
    if (ids instanceof String one) {
      open.add(one);
    } else if (ids != null) {
      ((TreeSet<Key>) ids).forEach(key -> open.add(key.requestId()));
    }
    return open;
  }

  /** The UOWs that have open requests. */
  Iterable<String> uowIds() {
    return byUow.keySet();
  }
}
