package io.chameleon.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventLogContract;
import io.chameleon.broadcast.EventMetrics;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Test helpers for Redis event logs, in a blocking style for tests that script faults step by
 * step: logs on a test's redis-server, awaiting futures on the test thread, and a driver that
 * keeps many appends in flight.
 */
final class RedisLogs {

  final Vertx vertx;
  final RedisServer server;

  RedisLogs(Vertx vertx, RedisServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static RedisKeys keys(String prefix) {
    return new RedisKeys(prefix, prefix + "events");
  }

  /**
   * A new, unopened log on {@code keys} with its own pooled client (closed with {@link #vertx}).
   * The tests' logs keep two script calls in flight (events.redis.pipeline_depth 2, not the
   * default 1), so every fault and contract test runs the pipelined writer too.
   */
  RedisEventLog log(RedisKeys keys, long timeoutMs, long maxLen) {
    return log(keys, timeoutMs, maxLen, 2);
  }

  /** As {@link #log(RedisKeys, long, long)}, with at most {@code depth} script calls in flight. */
  RedisEventLog log(RedisKeys keys, long timeoutMs, long maxLen, int depth) {
    RedisClients redis = RedisClients.create(vertx,
      new JsonObject().put("url", server.url()).put("timeout_ms", timeoutMs));
    return new RedisEventLog(vertx, redis, keys, maxLen, depth, EventMetrics.NONE);
  }

  RedisEventLog opened(RedisKeys keys, long timeoutMs) {
    RedisEventLog log = log(keys, timeoutMs, 0);
    await(log.open());
    return log;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of {@code future}, awaited; fails the test if it succeeds. */
  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected a failure, got a success");
  }

  static List<EventDraft> call(int n, int events) {
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      drafts.add(new EventDraft("load", new JsonObject().put("n", n).put("i", i)));
    }
    return drafts;
  }

  /** What a {@link #drive} run got: the acknowledged calls, the failed ones. */
  record Run(Map<Integer, List<Event>> acked, Set<Integer> failed) {
  }

  /**
   * Appends calls 0..{@code total}-1 of {@code perCall} events each (payload {@code n} = the call),
   * keeping {@code lanes} in flight; a lane whose call failed waits until the log is available again.
   * {@code onAck} gets the number of acknowledged calls after each one.
   */
  Future<Run> drive(EventLog log, int total, int perCall, int lanes, IntConsumer onAck) {
    Map<Integer, List<Event>> acked = new ConcurrentHashMap<>();
    Set<Integer> failed = ConcurrentHashMap.newKeySet();
    Promise<Run> done = Promise.promise();
    int[] next = {0};
    int[] settled = {0};
    Runnable[] lane = new Runnable[1];
    lane[0] = () -> {
      if (next[0] >= total) {
        return;
      }
      int n = next[0]++;
      log.append(call(n, perCall)).onComplete(ar -> {
        settled[0]++;
        if (ar.succeeded()) {
          acked.put(n, ar.result());
          onAck.accept(acked.size());
        } else {
          failed.add(n);
        }
        if (settled[0] == total) {
          done.complete(new Run(acked, failed));
        }
        whenAvailable(log, lane[0]);
      });
    };
    vertx.getOrCreateContext().runOnContext(v -> {
      for (int i = 0; i < lanes; i++) {
        lane[0].run();
      }
    });
    return done.future();
  }

  private void whenAvailable(EventLog log, Runnable action) {
    if (log.available()) {
      action.run();
    } else {
      vertx.setTimer(10, t -> whenAvailable(log, action));
    }
  }

  /** Collects what a log reports through {@link EventLog#onDiscovered}. */
  static List<Event> discoveries(EventLog log) {
    List<Event> found = new CopyOnWriteArrayList<>();
    log.onDiscovered(found::addAll);
    return found;
  }

  /**
   * Asserts what a run left in the log: one intact chain; every acknowledged call there exactly
   * once with the events it was answered with; every other call absent, or there whole once and
   * reported as discovered; no batch half there.
   */
  static void assertRun(Run run, List<Event> stored, List<Event> discovered, int perCall) {
    EventLogContract.assertChained(stored, stored.size());
    Map<Integer, List<Event>> byCall = new ConcurrentHashMap<>();
    for (Event event : stored) {
      byCall.computeIfAbsent(event.payload().getInteger("n"), k -> new ArrayList<>()).add(event);
    }
    for (Map.Entry<Integer, List<Event>> call : byCall.entrySet()) {
      assertEquals(perCall, call.getValue().size(), "call " + call.getKey() + " is there whole, once");
      List<Event> answered = run.acked().get(call.getKey());
      if (answered != null) {
        assertEquals(answered, call.getValue(), "call " + call.getKey() + " as acknowledged");
      } else if (call.getKey() >= 0) { // n < 0: appended by the test after the run
        assertTrue(discovered.containsAll(call.getValue()),
          "call " + call.getKey() + " landed without an answer and was not reported as discovered");
      }
    }
    for (Integer n : run.acked().keySet()) {
      assertTrue(byCall.containsKey(n), "acknowledged call " + n + " is missing");
    }
  }
}
