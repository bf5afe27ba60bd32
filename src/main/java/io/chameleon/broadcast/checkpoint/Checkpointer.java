package io.chameleon.broadcast.checkpoint;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventLog;
import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's side of checkpoints: counts the events it appends and signs a checkpoint every
 * {@code every} events ({@code events.checkpoint.every_events}; 0: only at a clean shutdown) and
 * at a clean shutdown. Checkpoints are written one after another, in order. Runs on the
 * broadcaster's event loop.
 */
public final class Checkpointer {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final CheckpointKey key;
  private final CheckpointStore store;
  private final int every;
  private EventLog log;
  /** Events in the log since its genesis at {@link #load}; -1 until counted. */
  private long count = -1;
  private Tip tip = Tip.EMPTY;
  /** Events appended since the last checkpoint was asked for. */
  private long since;
  private Checkpoint newest;
  private Future<Void> writing = Future.succeededFuture();

  public Checkpointer(CheckpointKey key, CheckpointStore store, int every) {
    this.key = key;
    this.store = store;
    this.every = every;
  }

  public CheckpointKey key() {
    return key;
  }

  public CheckpointStore store() {
    return store;
  }

  /**
   * Counts the log and finds the newest checkpoint this key signed (at start, and when this node
   * becomes the writer). Checkpoints another key signed prove nothing here (verify leaves them out): a
   * forged one must not hide this key's newest from the start check, and a cluster whose nodes were
   * not given one key file would otherwise refuse every take-over.
   */
  public Future<Void> load(EventLog log) {
    this.log = log;
    return log.countedTip().compose(counted -> store.all().map(all -> {
      count = counted.count();
      tip = counted.tip();
      since = 0;
      newest = null;
      int foreign = 0;
      for (Checkpoint checkpoint : all) {
        if (checkpoint.key().equals(key.fingerprint())) {
          newest = checkpoint;
          foreign = 0;
        } else {
          foreign++;
        }
      }
      if (foreign > 0) {
        LOG.warn("[checkpoints: {}, key: {}] the newest checkpoints were signed by another key than this node's;"
          + " they are not checked (give every node of a cluster the same events.checkpoint.key_file)",
          foreign, key.fingerprint());
      }
      return null;
    }));
  }

  /** The newest checkpoint this writer knows (read at {@link #load} or written since), or null. */
  public Checkpoint newest() {
    return newest;
  }

  /** Events since the genesis up to the tip, as counted at {@link #load}; -1 when not counted. */
  public long count() {
    return count;
  }

  /** Events this writer appended (or found landed): a checkpoint once {@code every} of them have. */
  public void appended(List<Event> events) {
    if (count < 0 || events.isEmpty()) {
      return;
    }
    since += events.size();
    if (every > 0 && since >= every) {
      since = 0;
      write(false);
    }
  }

  /** At a clean shutdown: a checkpoint at the tip, unless the newest already is there. */
  public Future<Void> atShutdown() {
    if (count < 0 || log.tip().isEmpty()
      || newest != null && newest.id().equals(log.tip().id()) && !newest.rewrite()) {
      return writing;
    }
    return write(false);
  }

  /**
   * Signs and stores a checkpoint at the log's tip, with the count the log gives for that same tip
   * (read together, so appends in flight cannot pair one tip with another count); {@code rewrite}:
   * an operator accepted the log as it is.
   */
  public Future<Void> write(boolean rewrite) {
    writing = writing.eventually(() -> log.countedTip().compose(counted -> {
      if (counted.tip().isEmpty()) {
        return Future.succeededFuture();
      }
      Checkpoint checkpoint = Checkpoint.sign(key, counted.tip().id(), counted.tip().hash(), counted.count(),
        Instant.now().toString(), rewrite);
      newest = checkpoint;
      count = counted.count();
      tip = counted.tip();
      return store.append(checkpoint)
        .onSuccess(v -> LOG.info("[id: {}, count: {}] checkpoint signed", checkpoint.id(), checkpoint.count()));
    }).onFailure(err -> LOG.warn("[error: {}] checkpoint not signed or not stored", err.getMessage())));
    return writing;
  }

  /** {@code {key: {fingerprint, public_key}, checkpoint}} for {@code GET /api/events/head}. */
  public JsonObject describe(Checkpoint stored) {
    return new JsonObject()
      .put("checkpoint", stored == null ? null : stored.toJson())
      .put("key", new JsonObject().put("algorithm", "Ed25519").put("fingerprint", key.fingerprint())
        .put("public_key", key.publicKeyBase64()));
  }
}
