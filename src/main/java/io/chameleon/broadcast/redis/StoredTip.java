package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.WriterFence;
import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Redis holds for a log's writer: the tip and the fence, and the newest events between a tip
 * the writer knew and the stored one — events no reply of the writer carried (a lost reply that
 * landed, the last batches of a writer that died), which are reported so they are published too.
 */
final class StoredTip {

  private static final Logger LOG = LoggerFactory.getLogger(StoredTip.class);

  /** The tip and fence Redis holds. */
  record Loaded(Tip tip, WriterFence fence) {
  }

  private final RedisCalls calls;
  private final RedisKeys keys;
  private final int reportedTail;

  /** @param pipelineDepth how many script calls a writer keeps in flight (events.redis.pipeline_depth) */
  StoredTip(RedisCalls calls, RedisKeys keys, int pipelineDepth) {
    this.calls = calls;
    this.keys = keys;
    this.reportedTail = reportedTail(pipelineDepth);
  }

  /**
   * How many of the newest events after a writer's known tip are reported: the batches a writer
   * can have in flight when it stops ({@link RedisEventLog#BATCH_EVENTS} each, one per script call
   * in flight), and at least two.
   */
  static int reportedTail(int pipelineDepth) {
    return Math.max(2, pipelineDepth) * RedisEventLog.BATCH_EVENTS;
  }

  /**
   * Reads the tip and the newest fenced id (one MULTI/EXEC, with the stream's last entry, which
   * must be the tip), hands the events after {@code known} (null: nothing known yet) to
   * {@code discovered} page by page, and rebuilds the fence.
   */
  Future<Loaded> load(Tip known, Consumer<List<Event>> discovered) {
    return calls.timed(calls.redis.redis().batch(List.of(
        Request.cmd(Command.MULTI),
        Request.cmd(Command.HMGET).arg(keys.tip()).arg("id").arg("hash").arg("fence"),
        Request.cmd(Command.XREVRANGE).arg(keys.stream()).arg("+").arg("-").arg("COUNT").arg(1),
        Request.cmd(Command.EXEC))))
      .compose(replies -> {
        Response exec = replies.get(3);
        Tip stored = tip(exec.get(0));
        String fenceId = exec.get(0).get(2) == null ? "" : exec.get(0).get(2).toString();
        List<Response> last = StreamEntries.entries(exec.get(1));
        String lastId = last.isEmpty() ? EventId.ZERO.toString() : StreamEntries.id(last.get(0));
        if (!lastId.equals(stored.id())) {
          return Future.failedFuture(Failure.unavailable("the stream " + keys.stream() + " ends at "
            + lastId + " but its tip " + keys.tip() + " says " + stored.id()
            + ": something other than Chameleon wrote to it; appends are refused until they agree"));
        }
        return discover(known, stored, discovered)
          .compose(v -> fence(stored, fenceId))
          .map(fence -> new Loaded(stored, fence));
      });
  }

  /** The tip of an HMGET {@code id hash …} reply; {@link Tip#EMPTY} when there is none. */
  Tip tip(Response hmget) {
    if (hmget.get(0) == null) {
      return Tip.EMPTY;
    }
    try {
      return Tip.fromJson(new JsonObject().put("id", hmget.get(0).toString())
        .put("hash", hmget.get(1) == null ? null : hmget.get(1).toString()));
    } catch (IllegalArgumentException e) {
      throw Failure.unavailable("the tip " + keys.tip() + " is malformed: " + e.getMessage());
    }
  }

  private Future<Void> discover(Tip known, Tip stored, Consumer<List<Event>> discovered) {
    if (known == null || stored.equals(known)) {
      return Future.succeededFuture();
    }
    if (!stored.eventId().isAfter(known.eventId())) {
      LOG.error("[stream: {}, acknowledged_tip: {}, redis_tip: {}] Redis holds an older tip than this"
        + " log acknowledged: acknowledged events were lost (Redis restarted without appendfsync always,"
        + " or failed over to a replica that had not received them)", keys.stream(), known.id(), stored.id());
      return Future.succeededFuture();
    }
    return newestAfter(known.eventId(), stored.id(), new ArrayList<>()).map(newestFirst -> {
      Collections.reverse(newestFirst);
      for (int from = 0; from < newestFirst.size(); from += StreamPageScan.PAGE) {
        report(newestFirst.subList(from, Math.min(newestFirst.size(), from + StreamPageScan.PAGE)), discovered);
      }
      return null;
    });
  }

  /**
   * The newest events after {@code after}, at most {@link #reportedTail(int)}, newest first, read a
   * page at a time from {@code upTo} down. Only the tail can be unpublished: every event of a writer
   * that goes on is published once its batch lands, so only the batches in flight when it stopped
   * or lost a reply can be missing — and a new writer after a take-over, whose tip is as old as
   * its start, must not publish again the whole stretch the old writer wrote (a minute of writes
   * took 18 s to report, every follower receiving each event twice). A follower that missed more
   * sees the gap in the chain and reads it.
   */
  private Future<List<Event>> newestAfter(EventId after, String upTo, List<Event> newestFirst) {
    int count = Math.min(StreamPageScan.PAGE, reportedTail - newestFirst.size());
    return calls.timed(calls.api.xrevrange(List.of(keys.stream(), upTo, "(" + after, "COUNT", String.valueOf(count))))
      .compose(reply -> {
        List<Response> entries = StreamEntries.entries(reply);
        for (Response entry : entries) {
          try {
            newestFirst.add(StreamEntries.event(entry));
          } catch (IllegalArgumentException e) {
            LOG.warn("[stream: {}, error: {}] unreadable entry not reported", keys.stream(), e.getMessage());
          }
        }
        if (entries.size() < count || newestFirst.size() >= reportedTail) {
          return Future.succeededFuture(newestFirst);
        }
        return newestAfter(after, "(" + StreamEntries.id(entries.get(entries.size() - 1)), newestFirst);
      });
  }

  private void report(List<Event> events, Consumer<List<Event>> discovered) {
    LOG.info("[stream: {}, events: {}, from: {}, to: {}] events found that no reply of this log carried;"
      + " reporting them", keys.stream(), events.size(), events.get(0).id(), events.get(events.size() - 1).id());
    try {
      discovered.accept(events);
    } catch (RuntimeException e) {
      LOG.error("[stream: {}, error: {}] discovered-events handler failed", keys.stream(), e.toString());
    }
  }

  /** The fence: the newest fenced event and the plain events after it, up to the tip. */
  private Future<WriterFence> fence(Tip stored, String fenceId) {
    if (stored.isEmpty()) {
      return Future.succeededFuture(new WriterFence(Tip.EMPTY));
    }
    return calls.timed(calls.api.xrevrange(List.of(keys.stream(), stored.id(),
        fenceId.isEmpty() ? "-" : fenceId, "COUNT", String.valueOf(WriterFence.MAX_TRACKED + 1))))
      .map(reply -> {
        List<Event> events = new ArrayList<>();
        for (Response entry : StreamEntries.entries(reply)) {
          events.add(StreamEntries.event(entry));
        }
        Collections.reverse(events);
        if (fenceId.isEmpty()) {
          // no fenced call ever wrote: a writer that has applied nothing, or any of these, may expect
          return WriterFence.of(Tip.EMPTY, events);
        }
        if (events.isEmpty()) {
          return new WriterFence(stored);
        }
        // the oldest read is the fence itself, or (past the cap) an event after it
        return WriterFence.of(events.get(0).tip(), events.subList(1, events.size()));
      });
  }
}
