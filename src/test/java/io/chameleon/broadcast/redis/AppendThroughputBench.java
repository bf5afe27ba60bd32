package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.file.FileEventLog;
import io.chameleon.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends per second with 1-event calls and 64 in flight, on Redis (appendfsync always, then
 * everysec) and on the file log, side by side in one run. Not part of the suite (not a *Test, and
 * skipped without {@code -Dchameleon.bench=true}): {@code CHAMELEON_TEST_LOG_LEVEL=INFO mvn
 * surefire:test -Dtest=AppendThroughputBench -Dchameleon.bench=true [-Dbench.lanes=64]}.
 */
class AppendThroughputBench {

  private static final Logger LOG = LoggerFactory.getLogger(AppendThroughputBench.class);
  private static final int LANES = Integer.getInteger("bench.lanes", 64);
  private static final long WARM_UP_MS = 5_000;
  private static final long MEASURE_MS = 10_000;

  @TempDir
  Path dir;

  /** Verifies nothing; measures the appends per second of each log in the same run. */
  @Test
  void appendsPerSecond() {
    assumeTrue(Boolean.getBoolean("chameleon.bench"), "a benchmark: run with -Dchameleon.bench=true");
    RedisServer server = RedisServer.start(dir.resolve("redis"));
    Vertx vertx = Vertx.vertx();
    try {
      RedisLogs logs = new RedisLogs(vertx, server);
      RedisEventLog always = logs.opened(RedisLogs.keys("bench-always:"), 2000);
      measure(vertx, "redis appendfsync always", always);
      LOG.info("[round_trips: {}, batches: {}] redis appendfsync always", always.roundTrips(), always.batches());
      server.command("CONFIG", "SET", "appendfsync", "everysec");
      RedisEventLog everysec = logs.opened(RedisLogs.keys("bench-everysec:"), 2000);
      measure(vertx, "redis appendfsync everysec", everysec);
      LOG.info("[round_trips: {}, batches: {}] redis appendfsync everysec", everysec.roundTrips(), everysec.batches());
      FileEventLog file = new FileEventLog(vertx, dir.resolve("events.jsonl"));
      await(file.open());
      measure(vertx, "file", file);
    } finally {
      await(vertx.close());
      server.close();
    }
  }

  private void measure(Vertx vertx, String name, EventLog log) {
    run(vertx, log, WARM_UP_MS);
    long before = log.eventsEmitted();
    long started = System.nanoTime();
    run(vertx, log, MEASURE_MS);
    long events = log.eventsEmitted() - before;
    long ms = (System.nanoTime() - started) / 1_000_000;
    LOG.info("[log: {}, lanes: {}, events: {}, ms: {}, per_second: {}] 1-event appends", name, LANES,
      events, ms, events * 1000 / Math.max(1, ms));
  }

  /** {@link #LANES} callers, each appending one event at a time, for {@code ms}. */
  private static void run(Vertx vertx, EventLog log, long ms) {
    long until = System.nanoTime() + ms * 1_000_000;
    Promise<Void> done = Promise.promise();
    int[] running = {LANES};
    vertx.runOnContext(v -> {
      for (int lane = 0; lane < LANES; lane++) {
        lane(log, until, running, done);
      }
    });
    await(done.future());
  }

  private static void lane(EventLog log, long until, int[] running, Promise<Void> done) {
    if (System.nanoTime() - until > 0) {
      if (--running[0] == 0) {
        done.complete();
      }
      return;
    }
    Future<?> append = log.append(call(0, 1));
    append.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("[error: {}] append failed", ar.cause().getMessage());
      }
      // not on this stack: a log that fails at once would recurse
      Vertx.currentContext().runOnContext(v -> lane(log, until, running, done));
    });
  }
}
