package io.chameleon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-key queue, driven with hand-completed promises (no event loop needed). */
class KeyedLocksTest {

  /** Verifies that tasks on a shared key run one after another and disjoint keys run at once. */
  @Test
  void sharedKeysSerializeDisjointKeysDoNot() {
    KeyedLocks locks = new KeyedLocks();
    List<String> started = new ArrayList<>();
    Promise<String> first = Promise.promise();
    locks.run(() -> Set.of("a"), () -> {
      started.add("first");
      return first.future();
    });
    locks.run(() -> Set.of("a", "b"), () -> {
      started.add("second");
      return Future.succeededFuture("2");
    });
    locks.run(() -> Set.of("c"), () -> {
      started.add("third");
      return Future.succeededFuture("3");
    });
    assertEquals(List.of("first", "third"), started);
    first.complete("1");
    assertEquals(List.of("first", "third", "second"), started);
    assertEquals(0, locks.busyKeys());
  }

  /** Verifies that a task whose keys grew while it waited queues again for the new keys. */
  @Test
  void requeuesWhenMoreKeysAreNeeded() {
    KeyedLocks locks = new KeyedLocks();
    Set<String> needed = new java.util.HashSet<>(Set.of("req:1"));
    Promise<String> holder = Promise.promise();
    List<String> order = new ArrayList<>();
    locks.run(() -> Set.of("req:1"), () -> {
      needed.add("uow:9");
      return holder.future();
    });
    Promise<String> other = Promise.promise();
    locks.run(() -> Set.of("uow:9"), () -> {
      order.add("uow holder");
      return other.future();
    });
    locks.run(() -> Set.copyOf(needed), () -> {
      order.add("waiter");
      return Future.succeededFuture("done");
    });
    holder.complete("1");
    assertEquals(List.of("uow holder"), order);
    other.complete("2");
    assertEquals(List.of("uow holder", "waiter"), order);
    assertEquals(0, locks.busyKeys());
  }

  /**
   * Verifies that sharers of a key run together, an exclusive holder waits for them and runs alone,
   * and a sharer queued after it waits for it (first come, first served).
   */
  @Test
  void sharersRunTogetherAndAnExclusiveHolderRunsAlone() {
    KeyedLocks locks = new KeyedLocks();
    List<String> started = new ArrayList<>();
    Promise<String> uowA = Promise.promise();
    Promise<String> uowB = Promise.promise();
    Promise<String> killSwitch = Promise.promise();
    locks.runHolding(() -> new KeyedLocks.Keys(Set.of("uow:a"), Set.of("instance:1")), () -> {
      started.add("a");
      return uowA.future();
    });
    locks.runHolding(() -> new KeyedLocks.Keys(Set.of("uow:b"), Set.of("instance:1")), () -> {
      started.add("b");
      return uowB.future();
    });
    locks.runHolding(() -> KeyedLocks.Keys.exclusive(Set.of("instance:1")), () -> {
      started.add("kill switch");
      return killSwitch.future();
    });
    locks.runHolding(() -> new KeyedLocks.Keys(Set.of("uow:c"), Set.of("instance:1")), () -> {
      started.add("c");
      return Future.succeededFuture("c");
    });
    assertEquals(List.of("a", "b"), started, "sharers run side by side");
    uowA.complete("a");
    assertEquals(List.of("a", "b"), started, "the exclusive holder waits for every earlier sharer");
    uowB.complete("b");
    assertEquals(List.of("a", "b", "kill switch"), started);
    killSwitch.complete("k");
    assertEquals(List.of("a", "b", "kill switch", "c"), started, "a later sharer waited for it");
    assertEquals(0, locks.busyKeys());
  }

  /** Verifies that a key asked for both ways is held exclusively. */
  @Test
  void exclusiveWinsOverShared() {
    KeyedLocks.Keys keys = new KeyedLocks.Keys(Set.of("k"), Set.of("k", "s"));
    assertEquals(Set.of("k"), keys.exclusive());
    assertEquals(Set.of("s"), keys.shared());
    assertEquals(true, keys.cover(new KeyedLocks.Keys(Set.of(), Set.of("k"))));
    assertEquals(false, keys.cover(KeyedLocks.Keys.exclusive(Set.of("s"))));
  }
}
