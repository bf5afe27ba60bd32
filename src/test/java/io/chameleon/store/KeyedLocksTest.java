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
}
