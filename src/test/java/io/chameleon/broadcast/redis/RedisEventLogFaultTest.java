package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.assertRun;
import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static io.chameleon.broadcast.redis.RedisLogs.discoveries;
import static io.chameleon.broadcast.redis.RedisLogs.failure;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventLogContract;
import io.chameleon.bus.Failure;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Redis event log against a real redis-server that is unreachable, cut off, stalled, killed,
 * flushed or written by a second log (BAR D 21–23, 25): what was acknowledged is there once, nothing
 * is forked or half written, calls fail with 503 within the timeout instead of hanging, the event
 * loop never blocks, and the log recovers by itself.
 */
class RedisEventLogFaultTest {

  private static final long TIMEOUT_MS = 500;
  /** An event loop busy this long is blocked (a loaded 2-core machine shows 200 ms hiccups). */
  private static final long BLOCKED_MS = 400;
  private static final RedisKeys KEYS = RedisLogs.keys("fault:");

  @TempDir
  Path dir;

  private RedisServer server;
  private Vertx vertx;
  private RedisLogs logs;
  private ListAppender<ILoggingEvent> blocked;
  /** The longest an event-loop timer of 10 ms fired late, in ms. */
  private final AtomicLong worstLateness = new AtomicLong();

  /**
   * Class loading and a cold JIT on the first connection and the first events (Netty's allocator
   * registers its JFR events, Jackson, the canonicaliser: half a second on the event loop) are not
   * what these tests watch for: one log appends a few thousand events first.
   */
  @BeforeAll
  static void warmUp(@TempDir Path dir) {
    RedisServer warmUp = RedisServer.start(dir.resolve("redis"));
    Vertx vertx = Vertx.vertx();
    try {
      RedisEventLog log = new RedisLogs(vertx, warmUp).opened(RedisLogs.keys("warm-up:"), 10_000);
      for (int i = 0; i < 20; i++) {
        await(log.append(call(i, 100)));
      }
      await(log.verify());
    } finally {
      await(vertx.close());
      warmUp.close();
    }
  }

  @BeforeEach
  void start() {
    server = RedisServer.start(dir.resolve("redis"));
    blocked = new ListAppender<>();
    blocked.start();
    ((Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker")).addAppender(blocked);
    // 5 times stricter than Vert.x's 2 s, and below the Redis timeout: waiting on Redis would show
    vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(50)
      .setMaxEventLoopExecuteTime(BLOCKED_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setWarningExceptionTime(BLOCKED_MS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    logs = new RedisLogs(vertx, server);
    long[] last = {System.nanoTime()};
    vertx.setPeriodic(10, id -> {
      long now = System.nanoTime();
      worstLateness.accumulateAndGet((now - last[0]) / 1_000_000 - 10, Math::max);
      last[0] = now;
    });
  }

  @AfterEach
  void stop() {
    try {
      await(vertx.close());
    } finally {
      server.close();
      ((Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker")).detachAppender(blocked);
    }
  }

  /** From now on, a blocked event loop fails the test (after the JVM's own warm-up in the first steps). */
  private void watchEventLoop() {
    blocked.list.clear();
    worstLateness.set(0);
  }

  private void assertEventLoopNeverBlocked() {
    assertEquals(List.of(), blocked.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertTrue(worstLateness.get() < BLOCKED_MS, "an event-loop timer fired " + worstLateness.get() + " ms late");
  }

  private static int status(Throwable err) {
    return err instanceof Failure failure ? failure.status() : -1;
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * {@link RedisServer#restart()}, tolerating the LOADING answer it does not expect yet while
   * redis-server reads its append-only file back (support/RedisServer treats only a refused
   * connection as "not yet").
   */
  private void restartRedis() {
    try {
      server.restart();
    } catch (RedisServer.RedisError loading) {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> "PONG".equals(server.command("PING")));
    }
  }

  /** Runs a blocking call (a fault injected through the raw client) off the test thread. */
  private static CompletableFuture<Object> inBackground(java.util.function.Supplier<Object> call) {
    return CompletableFuture.supplyAsync(call);
  }

  /**
   * Verifies that with Redis down at start the log opens anyway, unavailable and naming Redis,
   * fails appends with a fast 503, and becomes available by itself once Redis is started.
   */
  @Test
  void unreachableAtOpenRecoversWithoutARestart() {
    server.kill();
    RedisEventLog log = logs.log(KEYS, TIMEOUT_MS, 0);
    await(log.open());
    watchEventLoop();
    assertFalse(log.available());
    String reason = log.unavailableReason();
    assertTrue(reason.contains("127.0.0.1:" + server.port()) && reason.contains("unreachable"), reason);

    long started = System.nanoTime();
    Throwable refused = failure(log.append(call(0, 1)));
    assertEquals(503, status(refused));
    assertTrue(millisSince(started) < 200, "a 503 took " + millisSince(started) + " ms");
    assertEquals(503, status(failure(log.read("0-0", 10, null))));

    restartRedis();
    long restarted = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(log::available);
    long recoveredMs = millisSince(restarted);
    List<Event> events = await(log.append(call(1, 2)));
    assertEquals(2, events.size());
    assertEquals(ChainReport.good(2), await(log.verify()));
    LoggerFactory.getLogger(getClass()).info("[recovered_ms: {}] open while Redis was down", recoveredMs);
    assertEventLoopNeverBlocked();
  }

  /**
   * Verifies that killing the log's connections (CLIENT KILL TYPE normal) in the middle of 1,000
   * appends loses nothing acknowledged, duplicates nothing, reports what landed unanswered, keeps
   * one chain, and that the log reconnects by itself.
   */
  @Test
  void killedConnectionsLoseNothingAcknowledged() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    List<Event> discovered = discoveries(log);
    await(log.append(call(-2, 2)));
    watchEventLoop();
    AtomicBoolean killed = new AtomicBoolean();
    RedisLogs.Run run = await(logs.drive(log, 1000, 2, 64, acked -> {
      if (acked == 300 || acked == 600) {
        killed.set(true);
        inBackground(() -> server.send("CLIENT", "KILL", "TYPE", "normal"));
      }
    }));
    assertTrue(killed.get());
    await().atMost(Duration.ofSeconds(5)).until(log::available);
    await(log.append(call(-1, 2)));
    List<Event> stored = await(EventLogContract.readAll(log));
    assertRun(run, stored, discovered, 2);
    assertTrue(await(log.verify()).ok());
    LoggerFactory.getLogger(getClass()).info("[acked: {}, failed: {}, discovered: {}] CLIENT KILL run",
      run.acked().size(), run.failed().size(), discovered.size());
    assertEventLoopNeverBlocked();
  }

  /**
   * Verifies that a Redis paused longer than the timeout (CLIENT PAUSE ALL) gives 503s within the
   * timeout and fast ones after it, never blocks the event loop, and that the log is available
   * again within 2 s of the pause's end; the write that timed out ran when Redis resumed, and is
   * reported as discovered.
   */
  @Test
  void aPausedRedisFailsFastAndRecovers() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    List<Event> discovered = discoveries(log);
    await(log.append(call(0, 1)));
    watchEventLoop();

    long pauseMs = 3000;
    assertEquals("OK", server.command("CLIENT", "PAUSE", String.valueOf(pauseMs), "ALL"));
    long pauseEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs);
    long started = System.nanoTime();
    Throwable timedOut = failure(log.append(call(1, 1)));
    long firstMs = millisSince(started);
    assertEquals(503, status(timedOut));
    assertTrue(timedOut.getMessage().contains("may or may not have landed"), timedOut.getMessage());
    assertTrue(firstMs < TIMEOUT_MS + 300, "the first 503 took " + firstMs + " ms");
    started = System.nanoTime();
    assertEquals(503, status(failure(log.append(call(2, 1)))));
    assertTrue(millisSince(started) < 100, "a 503 while down took " + millisSince(started) + " ms");
    assertFalse(log.available());

    await().atMost(Duration.ofMillis(pauseMs + 5000)).until(log::available);
    long recoveredMs = (System.nanoTime() - pauseEnds) / 1_000_000;
    assertTrue(recoveredMs < 2000, "available " + recoveredMs + " ms after the pause ended");
    await().atMost(Duration.ofSeconds(5)).until(() -> !discovered.isEmpty());
    await(log.append(call(3, 1)));

    List<Event> stored = await(EventLogContract.readAll(log));
    assertEquals(List.of(0, 1, 3), stored.stream().map(e -> e.payload().getInteger("n")).toList());
    assertEquals(List.of(stored.get(1)), discovered);
    assertTrue(await(log.verify()).ok());
    LoggerFactory.getLogger(getClass()).info("[first_503_ms: {}, recovered_after_unpause_ms: {}] CLIENT PAUSE",
      firstMs, recoveredMs);
    assertEventLoopNeverBlocked();
  }

  /** Verifies that Redis stalled by DEBUG SLEEP gives 503s within the timeout and the log recovers after. */
  @Test
  void aSleepingRedisFailsWithinTheTimeout() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    await(log.append(call(0, 1)));
    watchEventLoop();
    CompletableFuture<Object> sleeping = inBackground(() -> server.send("DEBUG", "SLEEP", "2"));
    await().atMost(Duration.ofSeconds(2)).until(() -> {
      long started = System.nanoTime();
      Future<List<Event>> append = log.append(call(1, 1));
      boolean refused = append.toCompletionStage().toCompletableFuture()
        .handle((events, err) -> err != null).get(5, TimeUnit.SECONDS);
      assertTrue(millisSince(started) < TIMEOUT_MS + 300, "a 503 took " + millisSince(started) + " ms");
      return refused;
    });
    sleeping.join();
    await().atMost(Duration.ofSeconds(2)).until(log::available);
    await(log.append(call(2, 1)));
    assertTrue(await(log.verify()).ok());
    assertEventLoopNeverBlocked();
  }

  /**
   * Verifies that redis-server killed with SIGKILL in the middle of 1,000 appends and restarted on
   * its directory (appendfsync always) keeps every acknowledged event exactly once, no batch half,
   * and the chain verifies.
   */
  @Test
  void aKilledRedisKeepsEveryAcknowledgedEvent() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    List<Event> discovered = discoveries(log);
    await(log.append(call(-2, 3)));
    watchEventLoop();
    AtomicBoolean killed = new AtomicBoolean();
    RedisLogs.Run run = await(logs.drive(log, 1000, 3, 64, acked -> {
      if (acked == 300 && killed.compareAndSet(false, true)) {
        inBackground(() -> {
          server.kill();
          restartRedis();
          return null;
        });
      }
    }));
    assertTrue(killed.get());
    await().atMost(Duration.ofSeconds(5)).until(log::available);
    await(log.append(call(-1, 3)));
    List<Event> stored = await(EventLogContract.readAll(log));
    assertRun(run, stored, discovered, 3);
    ChainReport report = await(log.verify());
    assertTrue(report.ok(), report.toString());
    assertEquals(stored.size(), report.checked());
    LoggerFactory.getLogger(getClass()).info("[acked: {}, failed: {}, stored: {}, discovered: {}] SIGKILL run",
      run.acked().size(), run.failed().size(), stored.size(), discovered.size());
    assertEventLoopNeverBlocked();
  }

  /**
   * Verifies that when a second log appends to the same stream, the first one's next batch is
   * refused with a 503 and writes nothing, the first reloads its tip and reports the second's
   * events, then appends on top of them: one chain, never forked.
   */
  @Test
  void aSecondWriterIsNeverForked() {
    RedisEventLog first = logs.opened(KEYS, TIMEOUT_MS);
    List<Event> discovered = discoveries(first);
    List<Event> a = await(first.append(call(0, 1)));
    RedisEventLog second = logs.opened(KEYS, TIMEOUT_MS);
    List<Event> b = await(second.append(call(1, 2)));

    Throwable refused = failure(first.append(call(2, 1)));
    assertEquals(503, status(refused));
    assertTrue(refused.getMessage().contains("another writer"), refused.getMessage());
    await().atMost(Duration.ofSeconds(2)).until(() -> discovered.size() == 2);
    assertEquals(b, discovered);
    List<Event> c = await(first.append(call(3, 1)));
    assertEquals(b.get(1).hash(), c.get(0).prevHash());
    assertEquals(c.get(0).id(), first.tip().id());

    List<Event> stored = await(EventLogContract.readAll(first));
    assertEquals(List.of(a.get(0), b.get(0), b.get(1), c.get(0)), stored);
    assertEquals(ChainReport.good(4), await(first.verify()));
  }

  /** Verifies that after SCRIPT FLUSH the next append loads the script again and lands. */
  @Test
  void aFlushedScriptIsLoadedAgain() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    await(log.append(call(0, 1)));
    assertEquals("OK", server.command("SCRIPT", "FLUSH"));
    List<Event> events = await(log.append(call(1, 1)));
    assertEquals(1, events.size());
    assertEquals(ChainReport.good(2), await(log.verify()));
    assertTrue(log.available());
    assertEquals(0, log.errors());
  }

  /** Verifies that appends to a log whose stream was written around the script are refused, naming it. */
  @Test
  void aStreamWrittenAroundTheScriptIsRefused() {
    RedisEventLog log = logs.opened(KEYS, TIMEOUT_MS);
    await(log.append(call(0, 1)));
    assertNotNull(server.command("XADD", KEYS.stream(), "*", "event_type", "forged"));
    Throwable refused = failure(log.append(call(1, 1)));
    assertEquals(503, status(refused));
    await().atMost(Duration.ofSeconds(2)).until(() -> !log.available());
    assertTrue(log.unavailableReason().contains("something other than Chameleon"), log.unavailableReason());
    assertEquals(2L, server.send("XLEN", KEYS.stream()));
  }
}
