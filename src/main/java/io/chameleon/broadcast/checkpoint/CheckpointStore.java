package io.chameleon.broadcast.checkpoint;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where signed checkpoints are kept, beside the log they vouch for: appended, never rewritten.
 * The newest is what the start check needs; verify reads them all.
 */
public interface CheckpointStore {

  /** Appends one checkpoint durably. */
  Future<Void> append(Checkpoint checkpoint);

  /** Every stored checkpoint, oldest first (a torn last record of a crash is left out). */
  Future<List<Checkpoint>> all();

  /** The newest stored checkpoint, or null when there is none. */
  default Future<Checkpoint> newest() {
    return all().map(all -> all.isEmpty() ? null : all.get(all.size() - 1));
  }
}
