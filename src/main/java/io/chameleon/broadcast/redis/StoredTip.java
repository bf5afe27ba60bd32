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
 * What Redis holds for a log's writer: the tip and the fence, and the events between a tip the
 * writer knew and the stored one — events no reply of the writer carried (a lost reply that
 * landed, another writer's), which are reported so they are published too.
 */
final class StoredTip {

  private static final Logger LOG = LoggerFactory.getLogger(StoredTip.class);

  /** The tip and fence Redis holds. */
  record Loaded(Tip tip, WriterFence fence) {
  }

  private final RedisCalls calls;
  private final RedisKeys keys;

  StoredTip(RedisCalls calls, RedisKeys keys) {
    this.calls = calls;
    this.keys = keys;
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
    return discoverAfter(known.eventId(), stored.eventId(), discovered);
  }

  private Future<Void> discoverAfter(EventId after, EventId upTo, Consumer<List<Event>> discovered) {
    return calls.timed(calls.api.xrange(List.of(keys.stream(), "(" + after, upTo.toString(), "COUNT",
        String.valueOf(StreamPageScan.PAGE))))
      .compose(reply -> {
        List<Response> entries = StreamEntries.entries(reply);
        List<Event> events = new ArrayList<>(entries.size());
        for (Response entry : entries) {
          try {
            events.add(StreamEntries.event(entry));
          } catch (IllegalArgumentException e) {
            LOG.warn("[stream: {}, error: {}] unreadable entry not reported", keys.stream(), e.getMessage());
          }
        }
        if (!events.isEmpty()) {
          LOG.info("[stream: {}, events: {}, from: {}, to: {}] events found that no reply of this"
              + " log carried; reporting them", keys.stream(), events.size(), events.get(0).id(),
            events.get(events.size() - 1).id());
          try {
            discovered.accept(events);
          } catch (RuntimeException e) {
            LOG.error("[stream: {}, error: {}] discovered-events handler failed", keys.stream(), e.toString());
          }
        }
        if (entries.size() < StreamPageScan.PAGE) {
          return Future.succeededFuture();
        }
        EventId last = EventId.parse(StreamEntries.id(entries.get(entries.size() - 1)));
        return discoverAfter(last, upTo, discovered);
      });
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
