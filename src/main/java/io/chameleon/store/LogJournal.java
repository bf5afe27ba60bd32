package io.chameleon.store;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.BusJson;
import io.chameleon.bus.ChainFollower;
import io.chameleon.bus.EventId;
import io.chameleon.bus.EventReplay;
import io.chameleon.bus.Failure;
import io.chameleon.bus.HandOff;
import io.chameleon.bus.Tip;
import io.chameleon.snapshot.Snapshotter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's journal in the event log, over the bus ({@code events.append}, {@code events.read}),
 * whichever backend the log has, with the state's snapshots beside it (a {@link Snapshotter}).
 *
 * <p>Commits are group-committed and fenced: one {@code events.append} is in flight at a time,
 * carrying {@code expect} = the tip the state covers; commits made meanwhile queue and go out
 * together in the next one (the log group-commits them with the other writers' appends too). The
 * reply's events are applied in log order, then each commit completes with its own. When the
 * append is refused as stale, or its outcome is unknown (no answer, a 503), the journal reads the
 * log after its tip before the next append and applies what it finds: a write whose answer was
 * lost, or another store writer's. So the state never goes on with a hole, and never decides on
 * what it has not seen.
 *
 * <p>In a cluster only the lease holder writes; the store of every other node is a hot standby:
 * the journal follows the events the writer publishes ({@link #published}, in chain order, a gap
 * read from the log) so the state stays current, and {@link #becomeWriter} needs only the last few
 * events before the node takes writes, each append then carrying the lease's epoch. Touched only
 * on its verticle's context.
 */
public final class LogJournal implements StoreJournal {

  private static final Logger LOG = LoggerFactory.getLogger(LogJournal.class);

  private final Vertx vertx;
  private final BusClient bus;
  private final long timeoutMs;
  private final Snapshotter<StoreState> snapshots;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private StoreState state = new StoreState();
  private Tip tip = Tip.EMPTY;
  private boolean inFlight;
  private boolean loaded;
  /** The event the snapshot the state was restored from covers; null: replayed from the start. */
  private String restoredFrom;
  /** A standby's lag behind the writer, in ms, at its last applied event. */
  private long lagMs;
  /** Set when the log may hold store events this state has not applied. */
  private boolean behind;
  /** The catch-up read in progress, if any. */
  private Future<Integer> catching;
  private String catchUpFailure;
  /** The writer epoch every append carries in a cluster; null on a single node. */
  private Long epoch;
  /** Set while this node is a standby: the writer's events come in through it. */
  private ChainFollower follower;

  /** One commit waiting for its batch; {@code solo}: goes out alone (its batch-mates were refused). */
  private record Pending(List<Draft> drafts, long startBy, Promise<List<LoggedEvent>> promise, boolean solo) {
    Pending alone() {
      return new Pending(drafts, startBy, promise, true);
    }
  }

  /**
   * @param timeoutMs the bus timeout: how long past its start deadline a started append is awaited
   * @param snapshots when and where the state's snapshots go
   */
  public LogJournal(Vertx vertx, BusClient bus, long timeoutMs, Snapshotter<StoreState> snapshots) {
    this.vertx = vertx;
    // reads and appends go to the broadcaster beside the store, never to another node's
    this.bus = bus.localOnly();
    this.timeoutMs = timeoutMs;
    this.snapshots = snapshots;
  }

  // ---- load

  @Override
  public Future<StoreState> load() {
    return snapshots.restoreNewest(bus).compose(start -> {
      state = start.state();
      tip = start.covers();
      restoredFrom = start.covers().isEmpty() ? null : start.covers().id();
      long[] applied = {0};
      return EventReplay.replay(bus, start.covers(), StoreEvents.REPLAYED, event -> {
        state.apply(logged(event));
        applied[0]++;
      }).map(reached -> {
        tip = reached;
        LOG.info("[snapshot: {}, replayed: {}, tip: {}] store state loaded",
          start.covers().isEmpty() ? "none" : start.covers().id(), applied[0], tip.id());
        // counted, not written now: a standby must not write, and the next commit writes when due
        snapshots.count(applied[0]);
        loaded = true;
        return state;
      });
    });
  }

  // ---- commit

  @Override
  public Future<List<LoggedEvent>> commit(List<Draft> drafts, long startBy) {
    Promise<List<LoggedEvent>> promise = Promise.promise();
    queue.add(new Pending(drafts, startBy, promise, false));
    pump();
    return promise.future();
  }

  /** Sends the next batch (after catching up, when behind) unless one is in flight. */
  private void pump() {
    if (inFlight || queue.isEmpty()) {
      return;
    }
    inFlight = true;
    if (behind) {
      catchUp().onComplete(caught -> {
        inFlight = false;
        if (caught.failed()) {
          Failure failure = Failure.unavailable("store unavailable: " + catchUpFailure);
          drain().forEach(pending -> pending.promise().fail(failure));
        }
        pump();
      });
      return;
    }
    List<Pending> batch = nextBatch();
    if (batch.isEmpty()) {
      inFlight = false;
      return;
    }
    JsonArray events = new JsonArray();
    long startWithin = Long.MAX_VALUE;
    for (Pending pending : batch) {
      startWithin = Math.min(startWithin, remainingMs(pending.startBy()));
      for (Draft draft : pending.drafts()) {
        events.add(new JsonObject().put("event_type", draft.eventType())
          .put("payload", BusJson.toJsonObject(draft.payload())));
      }
    }
    JsonObject body = new JsonObject().put("events", events).put("expect", tip.toJson())
      .put("start_within_ms", startWithin);
    if (epoch != null) {
      body.put("epoch", epoch);
    }
    // a started write is awaited past the callers' deadline (its outcome is what the state follows),
    // by this node's broadcaster: in a cluster the writer's own, as store and broadcaster go together
    // handed over: the payloads were converted from the drafts for this append, and the log
    // keeps them as its events' own
    DeliveryOptions options = HandOff.options(vertx).setSendTimeout(startWithin + timeoutMs).setLocalOnly(true);
    vertx.eventBus().<JsonObject>request(Addresses.EVENTS_APPEND, body, options).onComplete(reply -> {
      inFlight = false;
      if (reply.succeeded()) {
        committed(batch, reply.result().body().getJsonArray("events", new JsonArray()));
      } else {
        refused(batch, reply.cause());
      }
      pump();
    });
  }

  /** The queued commits still in time (the others fail with 503): a solo one alone, else all. */
  private List<Pending> nextBatch() {
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && (batch.isEmpty() || !queue.peek().solo())) {
      Pending pending = queue.poll();
      if (remainingMs(pending.startBy()) <= 0) {
        pending.promise().fail(tooLate());
      } else {
        batch.add(pending);
        if (pending.solo()) {
          break;
        }
      }
    }
    return batch;
  }

  private void committed(List<Pending> batch, JsonArray events) {
    List<LoggedEvent> logged = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonObject event = events.getJsonObject(i);
      LoggedEvent loggedEvent = logged(event);
      if (StoreEvents.REPLAYED.contains(loggedEvent.eventType())) {
        state.apply(loggedEvent);
      }
      logged.add(loggedEvent);
      tip = new Tip(event.getString("id"), event.getString("hash"));
    }
    int at = 0;
    for (Pending pending : batch) {
      int count = pending.drafts().size();
      pending.promise().complete(logged.subList(at, at + count));
      at += count;
    }
    snapshots.applied(state, tip, logged.size());
  }

  private void refused(List<Pending> batch, Throwable err) {
    Failure failure = BusClient.toFailure(Addresses.EVENTS_APPEND, err);
    if (failure.status() == 409) {
      // stale tip: another store writer appended; catch up, then retry only if nothing of it was ours to apply
      behind = true;
      inFlight = true;
      catchUp().onComplete(caught -> {
        inFlight = false;
        if (caught.succeeded() && caught.result() == 0) {
          for (int i = batch.size() - 1; i >= 0; i--) {
            queue.addFirst(batch.get(i));
          }
        } else {
          Failure stale = Failure.unavailable(caught.failed() ? "store unavailable: " + catchUpFailure
            : "store unavailable: the log held changes the store had not applied; nothing was changed, try again");
          batch.forEach(pending -> pending.promise().fail(stale));
        }
        pump();
      });
      return;
    }
    if (failure.status() == 400 && batch.size() > 1) {
      // one commit cannot be written: send each alone, so only that one fails
      for (int i = batch.size() - 1; i >= 0; i--) {
        queue.addFirst(batch.get(i).alone());
      }
      return;
    }
    if (failure.status() >= 500) {
      // no answer, or the log's own 503: the write may have landed (a reply lost, a stalled Redis);
      // read the log before the next append, so the state follows whatever it holds
      behind = true;
      if (err instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
        LOG.warn("[events: {}] no answer from the event log: the store reads the log before its next write",
          batch.stream().mapToInt(p -> p.drafts().size()).sum());
        failure = Failure.unavailable("the event log did not answer in time; the write may or may not have been kept");
      }
    }
    Failure reason = failure;
    batch.forEach(pending -> pending.promise().fail(reason));
  }

  /** Applies the store events the log holds after the tip; completes with how many there were. */
  private Future<Integer> catchUp() {
    if (catching != null) {
      return catching; // one read at a time: two would apply the same events twice
    }
    int[] found = {0};
    Future<Integer> read = EventReplay.replay(bus, tip, StoreEvents.REPLAYED, event -> {
      state.apply(logged(event));
      found[0]++;
    }).map(reached -> {
      if (found[0] > 0) {
        LOG.warn("[events: {}, from: {}, to: {}] the store applied events it had not written or not heard back about",
          found[0], tip.id(), reached.id());
      }
      tip = reached;
      behind = false;
      catchUpFailure = null;
      snapshots.applied(state, tip, found[0]);
      return found[0];
    }).onFailure(err -> catchUpFailure = err instanceof Failure f && f.status() == 409
      ? "the log no longer holds the event the store's state covers (" + tip.id() + "); restart the node to rebuild"
      : "catching up with the event log (" + err.getMessage() + ")");
    catching = read;
    read.onComplete(done -> {
      if (catching == read) {
        catching = null;
      }
    });
    return read;
  }

  private List<Pending> drain() {
    List<Pending> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  // ---- the roles of a clustered node

  /**
   * Becomes a hot standby: fails what waits to be written (this node no longer writes) and applies
   * the events the writer publishes from now on, through {@link #published}.
   */
  @Override
  public void becomeStandby() {
    epoch = null;
    Failure deposed = Failure.unavailable("store unavailable: this node is no longer the writer; try again");
    drain().forEach(pending -> pending.promise().fail(deposed));
    follower = new ChainFollower(bus, tip, this::followed, gapAt -> { });
  }

  /** While a standby: one event the writer published. */
  @Override
  public void published(JsonObject event) {
    if (follower != null) {
      follower.published(event);
    }
  }

  private void followed(JsonObject event) {
    // how far behind the writer this standby applies: the event's age (its id's milliseconds) now
    lagMs = Math.max(0, System.currentTimeMillis() - EventId.parse(event.getString("id")).ms());
    LoggedEvent logged = logged(event);
    if (StoreEvents.REPLAYED.contains(logged.eventType())) {
      state.apply(logged);
    }
    tip = new Tip(event.getString("id"), event.getString("hash"));
    // in a cluster only the writer writes snapshots: two nodes would write the same keys
    snapshots.count(1);
  }

  /**
   * Becomes the writer under {@code epoch}: reads the log to its end — final now, the old epoch can
   * add nothing — and from then on every append carries the epoch.
   */
  @Override
  public Future<Void> becomeWriter(long epoch) {
    follower = null;
    behind = true;
    return catchUp().map(found -> {
      this.epoch = epoch;
      return (Void) null;
    });
  }

  /** Whether this node's store is a standby, following the writer. */
  @Override
  public boolean following() {
    return follower != null;
  }

  @Override
  public Tip tip() {
    return tip;
  }

  @Override
  public String restoredFrom() {
    return restoredFrom;
  }

  @Override
  public long followerLagMs() {
    return follower == null ? 0 : lagMs;
  }

  @Override
  public String unavailableReason() {
    return catchUpFailure;
  }

  @Override
  public Future<Void> close() {
    return loaded && follower == null ? snapshots.close(state, tip) : snapshots.close();
  }

  private static long remainingMs(long startBy) {
    return (startBy - System.nanoTime()) / 1_000_000L;
  }

  static Failure tooLate() {
    return Failure.unavailable("store busy: the command could not be done in time; nothing was changed");
  }

  static LoggedEvent logged(JsonObject event) {
    return new LoggedEvent(event.getString("id"), event.getString("timestamp"),
      event.getString("event_type"), BusJson.toPlainObjectOrEmpty(event.getJsonObject("payload")));
  }
}
