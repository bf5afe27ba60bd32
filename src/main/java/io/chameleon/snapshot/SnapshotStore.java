package io.chameleon.snapshot;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the verticles that keep state (the store, the guardian registry) put snapshots of it, so a
 * start (or a takeover) replays only the events after the newest one instead of the whole log. A
 * snapshot is one {@link SnapshotHeader} (which part, the event it covers the log up to, a format
 * version, a checksum) and a body of opaque chunks, each a run of whole lines the owner wrote.
 *
 * <p>Two adapters: {@code FileSnapshotStore} ({@code <data.dir>/snapshots/}, written to a temporary
 * file, fsynced, renamed) and {@code RedisSnapshotStore} (chunked keys under the configured prefix).
 * Both keep the {@link #KEPT} newest snapshots of each part and delete older ones. The contract is
 * held by {@code SnapshotStoreContract} in the tests.
 */
public interface SnapshotStore {

  /** Snapshots kept per part: the newest, and one older in case the newest's event is not in the log. */
  int KEPT = 2;

  /**
   * Writes a snapshot: pulls {@code chunks} off the event loop (the owner serialises while they are
   * pulled), stores them with {@code header} (its {@code bytes} and {@code sha256} filled in from
   * what was written), and only then makes it visible to {@link #newestFirst}; a failure leaves no
   * visible partial snapshot. Completes with the header as stored.
   */
  Future<SnapshotHeader> save(SnapshotHeader header, Iterator<byte[]> chunks);

  /** The headers of the snapshots of {@code part} that are complete, newest (highest event id) first. */
  Future<List<SnapshotHeader>> newestFirst(String part);

  /**
   * Hands the body of a snapshot to {@code chunk}, in order, off the event loop, in pieces that
   * need not be the chunks saved (a line may span two) and are each a new array the reader may
   * keep; fails (after some pieces may have been handed over) when the body is missing, cut short,
   * or does not match the header's checksum: the reader must build into something it can throw
   * away.
   */
  Future<Void> read(SnapshotHeader header, Consumer<byte[]> chunk);

  Future<Void> close();
}
