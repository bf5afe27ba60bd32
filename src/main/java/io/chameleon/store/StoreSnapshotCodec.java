package io.chameleon.store;

import io.chameleon.snapshot.SnapshotHeader;
import io.chameleon.snapshot.SnapshotStore;
import io.chameleon.snapshot.Snapshotter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Iterator;

/**
 * The store's state as a snapshot's body, for the {@link Snapshotter}: captured on the event loop
 * ({@link StoreState#capture}), written as binary frames and read (those or the older JSON Lines) by {@link StoreSnapshot}; a restore
 * finishes (indexes, counters) off the event loop, since it may build a million entries.
 */
final class StoreSnapshotCodec implements Snapshotter.Codec<StoreState> {

  private final Vertx vertx;

  StoreSnapshotCodec(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public int version() {
    return StoreSnapshot.VERSION;
  }

  @Override
  public boolean reads(int version) {
    return StoreSnapshot.reads(version);
  }

  @Override
  public StoreState empty() {
    return new StoreState();
  }

  @Override
  public Iterator<byte[]> capture(StoreState state) {
    return StoreSnapshot.chunks(state.capture());
  }

  @Override
  public Future<StoreState> restore(SnapshotStore store, SnapshotHeader header) {
    StoreSnapshot.Restore restore = StoreSnapshot.restore(header.version());
    return store.read(header, restore).compose(read -> vertx.executeBlocking(restore::state, false));
  }
}
