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
 * One writer per key: a task waits for the previous holders of each of its keys (a tail future per
 * key) and runs while holding them all; tasks on disjoint keys run concurrently. All keys are
 * taken in one synchronous step on the event loop, so waiting never forms a cycle. Event-loop
 * confined.
 */
final class KeyedLocks {

  private final Map<String, Future<Void>> tails = new HashMap<>();

  /**
   * Runs {@code work} holding {@code keys}. The keys are computed again once held: if the state
   * changed meanwhile so that more are needed, the task lets go and queues again for all of them.
   */
  <T> Future<T> run(Supplier<Set<String>> keys, Supplier<Future<T>> work) {
    return run(keys, work, Set.of());
  }

  private <T> Future<T> run(Supplier<Set<String>> keys, Supplier<Future<T>> work,
                            Set<String> extra) {
    Set<String> wanted = new HashSet<>(keys.get());
    wanted.addAll(extra);
    List<Future<Void>> previous = new ArrayList<>();
    for (String key : wanted) {
      Future<Void> tail = tails.get(key);
      if (tail != null) {
        previous.add(tail);
      }
    }
    Promise<Void> mine = Promise.promise();
    Future<Void> held = mine.future();
    wanted.forEach(key -> tails.put(key, held));
    Future<?> ready = previous.isEmpty() ? Future.succeededFuture() : Future.join(previous);
    return ready.transform(ignored -> {
      Set<String> needed = keys.get();
      if (!wanted.containsAll(needed)) {
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

  private void release(Set<String> keys, Promise<Void> mine) {
    Future<Void> held = mine.future();
    keys.forEach(key -> tails.remove(key, held));
    mine.complete();
  }

  /** Keys with a holder or a waiter, for tests: empty once everything is done. */
  int busyKeys() {
    return tails.size();
  }
}
