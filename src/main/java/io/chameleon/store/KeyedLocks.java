package io.chameleon.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One writer per key: a task waits for the earlier holders of each of its keys and runs while
 * holding them all; tasks on disjoint keys run concurrently. A key is taken either exclusively or
 * shared: sharers run together, an exclusive holder runs alone, and each waits for what was
 * queued before it (first come, first served, so neither side starves). All keys are taken in one
 * synchronous step on the event loop, so waiting never forms a cycle. Event-loop confined.
 */
final class KeyedLocks {

  /** What a task needs: keys it must hold alone, and keys it may hold alongside other sharers. */
  record Keys(Set<String> exclusive, Set<String> shared) {

    Keys {
      exclusive = Set.copyOf(exclusive);
      if (shared.isEmpty()) {
        shared = Set.of();
      } else {
        Set<String> onlyShared = new HashSet<>(shared);
        onlyShared.removeAll(exclusive);
        shared = Set.copyOf(onlyShared);
      }
    }

    static Keys exclusive(Set<String> keys) {
      return new Keys(keys, Set.of());
    }

    /** Whether holding these keys covers what {@code needed} asks for. */
    boolean cover(Keys needed) {
      if (!exclusive.containsAll(needed.exclusive)) {
        return false;
      }
      for (String key : needed.shared) {
        if (!exclusive.contains(key) && !shared.contains(key)) {
          return false;
        }
      }
      return true;
    }

    Keys with(Keys more) {
      if (more.exclusive.isEmpty() && more.shared.isEmpty()) {
        return this;
      }
      Set<String> ex = new HashSet<>(exclusive);
      ex.addAll(more.exclusive);
      Set<String> sh = new HashSet<>(shared);
      sh.addAll(more.shared);
      return new Keys(ex, sh);
    }
  }

  /** The holders and waiters of one key. */
  private static final class Queue {
    /** The latest exclusive holder or waiter, until it is done. */
    Future<Void> exclusive;
    /** Sharers queued after {@link #exclusive}, until each is done. */
    final Set<Future<Void>> shared = new HashSet<>();

    boolean idle() {
      return exclusive == null && shared.isEmpty();
    }
  }

  private static final Keys NONE = new Keys(Set.of(), Set.of());

  private final Map<String, Queue> queues = new HashMap<>();

  /** Runs {@code work} holding {@code keys} exclusively. */
  <T> Future<T> run(Supplier<Set<String>> keys, Supplier<Future<T>> work) {
    return runHolding(() -> Keys.exclusive(keys.get()), work);
  }

  /**
   * Runs {@code work} holding {@code keys}. The keys are computed again once held: if the state
   * changed meanwhile so that more are needed, the task lets go and queues again for all of them.
   */
  <T> Future<T> runHolding(Supplier<Keys> keys, Supplier<Future<T>> work) {
    return run(keys, work, NONE);
  }

  private <T> Future<T> run(Supplier<Keys> keys, Supplier<Future<T>> work, Keys extra) {
    Keys wanted = keys.get().with(extra);
    Promise<Void> mine = Promise.promise();
    Future<Void> held = mine.future();
    List<Future<Void>> previous = new ArrayList<>();
    for (String key : wanted.exclusive()) {
      Queue queue = queues.computeIfAbsent(key, k -> new Queue());
      if (queue.exclusive != null) {
        previous.add(queue.exclusive);
      }
      if (!queue.shared.isEmpty()) {
        previous.addAll(queue.shared);
        queue.shared.clear();
      }
      queue.exclusive = held;
    }
    for (String key : wanted.shared()) {
      Queue queue = queues.computeIfAbsent(key, k -> new Queue());
      if (queue.exclusive != null) {
        previous.add(queue.exclusive);
      }
      queue.shared.add(held);
    }
    Future<?> ready = previous.isEmpty() ? Future.succeededFuture() : Future.join(previous);
    return ready.transform(ignored -> {
      if (!wanted.cover(keys.get())) {
        release(wanted, mine);
        return run(keys, work, wanted);
      }
      Future<T> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.andThen(done -> release(wanted, mine));
    });
  }

  private void release(Keys keys, Promise<Void> mine) {
    Future<Void> held = mine.future();
    for (String key : keys.exclusive()) {
      Queue queue = queues.get(key);
      if (queue != null && queue.exclusive == held) {
        queue.exclusive = null;
      }
      dropIfIdle(key, queue);
    }
    for (String key : keys.shared()) {
      Queue queue = queues.get(key);
      if (queue != null) {
        queue.shared.remove(held);
      }
      dropIfIdle(key, queue);
    }
    mine.complete();
  }

  private void dropIfIdle(String key, Queue queue) {
    if (queue != null && queue.idle()) {
      queues.remove(key, queue);
    }
  }

  /** Keys with a holder or a waiter, for tests: empty once everything is done. */
  int busyKeys() {
    return queues.size();
  }
}
