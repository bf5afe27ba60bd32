package io.chameleon.store;

import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The store's persistence: where its state comes from at start, and how the events a command
 * decided become durable and applied. The verticle is a thin shell over the core and this port;
 * {@link LogJournal} keeps it in the event log (and in snapshots), whichever backend the log has.
 *
 * <p>A commit is a compare-and-append on the journal's tip: the events land only if the log holds
 * no event of another store writer that this state has not applied ({@code expect} on
 * {@code events.append}). The key locks make sure nothing applied since a command decided touched
 * what it read, so the tip at the time the batch goes out is the tip it was decided on, for all
 * that matters to it. A stale tip writes nothing: the journal catches up with the log and the
 * command fails with 503, to be retried on the state as it now is.
 */
public interface StoreJournal {

  /**
   * Rebuilds the state: the newest snapshot whose event the log still holds, then every store event
   * after it (or every store event, with no usable snapshot). Fails with a 503
   * {@link io.chameleon.bus.Failure} while the log is unavailable (the caller retries).
   */
  Future<StoreState> load();

  /**
   * Appends one command's events; they must start being written by {@code startBy}
   * ({@link System#nanoTime()}), else nothing is written and it fails with 503. Once durable they
   * are applied to the state, in log order, before the returned future completes with them.
   */
  Future<List<LoggedEvent>> commit(List<Draft> drafts, long startBy);

  /** A clustered node's standby: stop writing, follow the writer's events ({@link #published}). */
  void becomeStandby();

  /** While a standby: one event the writer published on {@code events.appended}. */
  void published(JsonObject event);

  /** Whether this journal is a standby following the writer. */
  boolean following();

  /**
   * Becomes the writer under the lease's {@code epoch}: reads the log to its end first (the old
   * epoch can add nothing any more), then every append carries the epoch.
   */
  Future<Void> becomeWriter(long epoch);

  /** The newest event of the log the state covers. */
  Tip tip();

  /** The event covered by the snapshot the state was loaded from; null when it was replayed from the start. */
  String restoredFrom();

  /** A standby's lag behind the writer in ms (the age of the last event it applied when it applied it); 0 while it writes. */
  long followerLagMs();

  /** Why writes are refused now (catching up with the log, …), or null. */
  String unavailableReason();

  /** Writes a last snapshot when the state changed since the newest one. */
  Future<Void> close();
}
