package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static io.chameleon.broadcast.redis.RedisLogs.discoveries;
import static io.chameleon.broadcast.redis.RedisLogs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventLogContract;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The writer's pipelined script calls (events.redis.pipeline_depth) against a real redis-server:
 * a second batch goes out while the first is in flight, chained on the tip the first will leave; it
 * lands after the first and is acknowledged after it, and when the first is refused the script
 * refuses the second too, so nothing of either is written. Redis is held with CLIENT PAUSE so both
 * batches are surely in flight at once.
 */
class RedisEventLogPipelineTest extends OneRedisPerClass {

  private static final long PAUSE_MS = 1500;

  /**
   * Appends {@code first}, waits until its script call is out (Redis paused), then appends
   * {@code second}, and waits until that one's script call is out too, before either is answered.
   */
  private static void bothInFlight(RedisEventLog log, long batchesBefore, Future<?> first,
                                   java.util.function.Supplier<Future<List<Event>>> second, List<Future<?>> out) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> log.batches() == batchesBefore + 1);
    out.add(second.get());
    Awaitility.await().atMost(Duration.ofMillis(PAUSE_MS / 2)).until(() -> log.batches() == batchesBefore + 2);
    assertFalse(first.isComplete(), "the first batch was answered before the second went out");
  }

  /**
   * Verifies that a second batch is sent while the first is in flight, lands chained on it, and that
   * the acknowledgements come in the order of the calls.
   */
  @Test
  void aSecondBatchGoesOutWhileTheFirstIsInFlightAndIsAcknowledgedAfterIt() {
    RedisEventLog log = logs.opened(keys, 10_000);
    await(log.append(call(0, 1)));
    long before = log.batches();
    List<Integer> acknowledged = new CopyOnWriteArrayList<>();

    assertEquals("OK", server.command("CLIENT", "PAUSE", String.valueOf(PAUSE_MS), "ALL"));
    Future<List<Event>> first = log.append(call(1, 3)).andThen(done -> acknowledged.add(1));
    List<Future<?>> out = new CopyOnWriteArrayList<>();
    bothInFlight(log, before, first, () -> log.append(call(2, 2)).andThen(done -> acknowledged.add(2)), out);
    @SuppressWarnings("unchecked")
    Future<List<Event>> second = (Future<List<Event>>) out.get(0);

    List<Event> firstEvents = await(first);
    List<Event> secondEvents = await(second);
    assertEquals(List.of(1, 2), acknowledged);
    assertEquals(firstEvents.get(2).hash(), secondEvents.get(0).prevHash());
    assertEquals(before + 2, log.batches());
    List<Event> stored = await(EventLogContract.readAll(log));
    assertEquals(List.of(0, 1, 1, 1, 2, 2), stored.stream().map(e -> e.payload().getInteger("n")).toList());
    assertEquals(stored.subList(1, 4), firstEvents);
    assertEquals(stored.subList(4, 6), secondEvents);
    assertEquals(ChainReport.good(6), await(log.verify()));
  }

  /**
   * Verifies that when the first of two batches in flight is refused (another writer appended),
   * the second, chained on it, is refused too: both 503, nothing of either written, the chain intact,
   * and the log reloads its tip and appends after the other writer's event.
   */
  @Test
  void aBatchChainedOnARefusedOneIsRefusedAndNothingOfEitherIsWritten() {
    RedisEventLog log = logs.opened(keys, 10_000);
    List<Event> discovered = discoveries(log);
    await(log.append(call(0, 1)));
    RedisEventLog other = logs.opened(keys, 10_000);
    List<Event> othersEvent = await(other.append(call(-1, 1)));
    long before = log.batches();

    assertEquals("OK", server.command("CLIENT", "PAUSE", String.valueOf(PAUSE_MS), "ALL"));
    Future<List<Event>> first = log.append(call(1, 2));
    List<Future<?>> out = new CopyOnWriteArrayList<>();
    bothInFlight(log, before, first, () -> log.append(call(2, 2)), out);

    Throwable firstRefused = failure(first);
    Throwable secondRefused = failure(out.get(0));
    assertEquals(503, status(firstRefused));
    assertEquals(503, status(secondRefused));
    assertTrue(firstRefused.getMessage().contains("another writer appended"), firstRefused.getMessage());
    assertTrue(secondRefused.getMessage().contains("nothing was written"), secondRefused.getMessage());
    assertEquals(2L, server.send("XLEN", keys.stream()));

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(log::available);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !discovered.isEmpty());
    assertEquals(othersEvent, discovered);
    List<Event> third = await(log.append(call(3, 1)));
    assertEquals(othersEvent.get(0).hash(), third.get(0).prevHash());
    List<Event> stored = await(EventLogContract.readAll(log));
    assertEquals(List.of(0, -1, 3), stored.stream().map(e -> e.payload().getInteger("n")).toList());
    assertEquals(ChainReport.good(3), await(log.verify()));
  }

  /**
   * Verifies that when the first of two batches in flight gets no answer in time (Redis paused past
   * the timeout) and the second, chained on it, lands, the first is known to have landed: its
   * caller got a 503 saying so, and its events are reported as discovered (published) exactly once.
   */
  @Test
  void aBatchThatLandsProvesTheLostOneBeforeItLanded() {
    long timeoutMs = 1500;
    RedisEventLog log = logs.opened(keys, timeoutMs);
    List<Event> discovered = discoveries(log);
    await(log.append(call(0, 1)));
    long before = log.batches();

    // A goes out at once and times out at 1.5 s; B goes out 1 s later, and is answered when the
    // pause ends at 2 s, within its own timeout
    assertEquals("OK", server.command("CLIENT", "PAUSE", "2000", "ALL"));
    long paused = System.nanoTime();
    Future<List<Event>> lost = log.append(call(1, 2));
    Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> log.batches() == before + 1);
    Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
      .until(() -> System.nanoTime() - paused >= 1_000_000_000L);
    Future<List<Event>> landed = log.append(call(2, 1));
    Awaitility.await().atMost(Duration.ofMillis(300)).until(() -> log.batches() == before + 2);

    Throwable unknown = failure(lost);
    assertEquals(503, status(unknown));
    assertTrue(unknown.getMessage().contains("may or may not have landed"), unknown.getMessage());
    List<Event> second = await(landed);
    // the timeout marked Redis down; a probe brings the log back
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(log::available);
    List<Event> stored = await(EventLogContract.readAll(log));
    assertEquals(List.of(0, 1, 1, 2), stored.stream().map(e -> e.payload().getInteger("n")).toList());
    assertEquals(stored.subList(3, 4), second);
    assertEquals(stored.subList(1, 3), discovered);
    await(log.append(call(3, 1)));
    assertEquals(stored.subList(1, 3), discovered);
    assertEquals(ChainReport.good(5), await(log.verify()));
  }

  /** Verifies that pipeline_depth 1 keeps one script call in flight: the second waits for the first's answer. */
  @Test
  void depthOneSendsTheNextBatchOnlyAfterAnAnswer() {
    RedisEventLog log = logs.log(keys, 10_000, 0, 1);
    await(log.open());
    await(log.append(call(0, 1)));
    long before = log.batches();
    List<Long> batchesWhenFirstAnswered = new CopyOnWriteArrayList<>();

    assertEquals("OK", server.command("CLIENT", "PAUSE", String.valueOf(PAUSE_MS / 3), "ALL"));
    Future<List<Event>> first = log.append(call(1, 1)).andThen(done -> batchesWhenFirstAnswered.add(log.batches()));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> log.batches() == before + 1);
    Future<List<Event>> second = log.append(call(2, 1));
    await(first);
    await(second);
    assertEquals(List.of(before + 1), batchesWhenFirstAnswered);
    assertEquals(before + 2, log.batches());
    assertEquals(ChainReport.good(3), await(log.verify()));
  }
}
