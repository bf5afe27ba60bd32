package io.chameleon.snapshot;

import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and how one verticle's state ({@code part}: the store's, the guardian registry's) goes into
 * a snapshot and comes back from one. A start takes the newest snapshot whose event the log still
 * holds (an unknown format, a corrupt body or an event the log does not hold is reported and the
 * next older one tried), else starts empty from the beginning of the log. Once running, a snapshot
 * is written every {@code everyEvents} applied events, and at close when anything changed since.
 *
 * <p>Touched only on the owner's context: the capture is taken there, in one step with the tip it
 * covers; serialising and writing run off the event loop.
 *
 * @param <S> the state
 */
public final class Snapshotter<S> {

  /** How a state is captured and rebuilt. */
  public interface Codec<S> {

    /** The body format this codec writes. */
    int version();

    /** Whether this codec reads bodies of {@code version} (an older format it still knows). */
    default boolean reads(int version) {
      return version == version();
    }

    /** A new, empty state. */
    S empty();

    /**
     * Captures the state now, on its context, cheaply; the returned iterator serialises that
     * capture into chunks of whole lines when pulled (off the event loop).
     */
    Iterator<byte[]> capture(S state);

    /** Rebuilds a new state from a snapshot's body; fails when the body is unreadable. */
    Future<S> restore(SnapshotStore store, SnapshotHeader header);
  }

  /** Where a start begins: a state and the event it covers the log up to. */
  public record Start<S>(S state, Tip covers) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
  private static final DateTimeFormatter TIMESTAMP =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final SnapshotStore store;
  private final String part;
  private final Codec<S> codec;
  private final long everyEvents;
  private final Clock clock;
  private long sinceSnapshot;
  private Future<Void> writing = Future.succeededFuture();
  private boolean busy;

  /**
   * @param store where snapshots go; null for none (every start replays the whole log)
   * @param everyEvents applied events between two snapshots; 0 for none while running
   */
  public Snapshotter(SnapshotStore store, String part, Codec<S> codec, long everyEvents, Clock clock) {
    this.store = store;
    this.part = part;
    this.codec = codec;
    this.everyEvents = everyEvents;
    this.clock = clock;
  }

  /** No snapshots: a start replays the whole log. */
  public static <S> Snapshotter<S> off(String part, Codec<S> codec) {
    return new Snapshotter<>(null, part, codec, 0, Clock.systemUTC());
  }

  /** The newest usable snapshot's state, or an empty state at the start of the log. */
  public Future<Start<S>> restoreNewest(BusClient bus) {
    if (store == null) {
      return fromTheStart(bus);
    }
    return store.newestFirst(part)
      .recover(err -> {
        LOG.warn("[part: {}, error: {}] snapshots cannot be listed; replaying the whole log", part, err.getMessage());
        return Future.succeededFuture(List.of());
      })
      .compose(headers -> tryFrom(bus, headers, 0));
  }

  private Future<Start<S>> tryFrom(BusClient bus, List<SnapshotHeader> headers, int i) {
    if (i >= headers.size()) {
      return fromTheStart(bus);
    }
    SnapshotHeader header = headers.get(i);
    if (!codec.reads(header.version())) {
      LOG.warn("[part: {}, covers: {}, version: {}] snapshot of an unknown format skipped", part,
        header.covers().id(), header.version());
      return tryFrom(bus, headers, i + 1);
    }
    JsonObject anchor = new JsonObject().put("after", header.covers().id())
      .put("after_hash", header.covers().hash()).put("count", 1);
    return bus.request(Addresses.EVENTS_READ, anchor)
      .compose(held -> codec.restore(store, header))
      .map(state -> {
        LOG.info("[part: {}, covers: {}, bytes: {}, version: {}] state restored from a snapshot",
          part, header.covers().id(), header.bytes(), header.version());
        return new Start<>(state, header.covers());
      })
      .recover(err -> {
        if (err instanceof Failure failure && failure.status() == 503) {
          return Future.failedFuture(err); // the log or the snapshots are down: try again later
        }
        LOG.warn("[part: {}, covers: {}, error: {}] snapshot not usable, trying an older one", part,
          header.covers().id(), err.getMessage());
        return tryFrom(bus, headers, i + 1);
      });
  }

  /** An empty state at the start of the log, which must still begin at the first event. */
  private Future<Start<S>> fromTheStart(BusClient bus) {
    return bus.request(Addresses.EVENTS_READ, new JsonObject().put("after", Tip.EMPTY.id()).put("count", 1))
      .compose(page -> {
        JsonArray events = page.getJsonArray("events", new JsonArray());
        if (!events.isEmpty() && !EventHash.GENESIS.equals(events.getJsonObject(0).getString("prev_hash"))) {
          return Future.failedFuture(new IllegalStateException("the log was trimmed before event "
            + events.getJsonObject(0).getString("id") + " and no snapshot covers it: the " + part
            + " cannot be rebuilt"));
        }
        return Future.succeededFuture(new Start<>(codec.empty(), Tip.EMPTY));
      });
  }

  /** Counts {@code events} applied by a state that does not write snapshots now (a standby's). */
  public void count(long events) {
    sinceSnapshot += events;
  }

  /** Counts {@code events} newly applied to {@code state} (which now covers {@code tip}); snapshots when due. */
  public void applied(S state, Tip tip, long events) {
    sinceSnapshot += events;
    if (store != null && everyEvents > 0 && sinceSnapshot >= everyEvents && !busy) {
      write(state, tip);
    }
  }

  /** Writes a last snapshot if anything was applied since the newest one, then closes the store. */
  public Future<Void> close(S state, Tip tip) {
    if (store == null) {
      return Future.succeededFuture();
    }
    return writing.transform(previous -> sinceSnapshot > 0 && !tip.isEmpty() ? write(state, tip)
      : Future.succeededFuture()).eventually(store::close);
  }

  /** Closes the store without a last snapshot (the state was never loaded). */
  public Future<Void> close() {
    return store == null ? Future.succeededFuture() : store.close();
  }

  private Future<Void> write(S state, Tip tip) {
    busy = true;
    long covered = sinceSnapshot;
    SnapshotHeader header = SnapshotHeader.of(part, codec.version(), tip,
      TIMESTAMP.format(Instant.now(clock)));
    Promise<Void> done = Promise.promise();
    Iterator<byte[]> chunks;
    try {
      chunks = codec.capture(state);
    } catch (RuntimeException e) {
      busy = false;
      LOG.error("[part: {}] snapshot capture failed", part, e);
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    store.save(header, chunks).onComplete(saved -> {
      busy = false;
      if (saved.succeeded()) {
        sinceSnapshot -= covered;
        LOG.info("[part: {}, covers: {}, bytes: {}, ms: {}] snapshot written", part, tip.id(),
          saved.result().bytes(), (System.nanoTime() - started) / 1_000_000);
      } else {
        LOG.warn("[part: {}, covers: {}, error: {}] snapshot not written; the log still has everything",
          part, tip.id(), saved.cause().getMessage());
      }
      done.complete();
    });
    writing = done.future();
    return writing;
  }

  /** For tests and status: the events applied since the newest snapshot. */
  public long sinceSnapshot() {
    return sinceSnapshot;
  }
}
