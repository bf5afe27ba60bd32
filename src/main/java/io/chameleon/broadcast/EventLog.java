package io.chameleon.broadcast;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The audit stream's storage port (SPEC §6). Every backend keeps the same contract: ids strictly
 * increase across restarts, one {@link #append} call is all-or-nothing and acknowledged only once
 * durable, and the hash chain can be walked from the oldest kept event.
 */
public interface EventLog {

  /** Scan work per {@link #read} call, so a sparse type filter cannot walk the whole log. */
  int MAX_SCAN = 10_000;

  /** Recovers the last id and hash, repairing what a crash left behind. */
  Future<Void> open();

  /** For {@link #append(List, long)}: the write may start whenever the backend gets to it. */
  long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * Appends the drafts as consecutive, chained events. Completes once they are durable; fails with
   * a 503 {@link io.chameleon.bus.Failure} and keeps nothing of this call when the backend cannot
   * take them.
   */
  default Future<List<Event>> append(List<EventDraft> drafts) {
    return append(drafts, NO_DEADLINE);
  }

  /**
   * As {@link #append(List)}, but the write must start by {@code startBy} (a
   * {@link System#nanoTime()} of this JVM, or {@link #NO_DEADLINE}): a call still queued then — behind
   * slow writes — fails with a 503 {@link io.chameleon.bus.Failure} and nothing of it is written.
   * A write once started runs to its end. This is how a caller with a deadline of its own gets a
   * definite answer: either nothing was written, or the reply says what was.
   */
  Future<List<Event>> append(List<EventDraft> drafts, long startBy);

  /** Whether {@code startBy} has passed. */
  static boolean late(long startBy) {
    return startBy != NO_DEADLINE && System.nanoTime() - startBy > 0;
  }

  /**
   * Up to {@code count} events strictly after {@code afterId} ({@code null} or {@code 0-0}: from
   * the oldest kept) whose type is in {@code types} ({@code null} or empty: every type).
   */
  Future<EventPage> read(String afterId, int count, Set<String> types);

  /** Walks the whole chain from the oldest kept event. */
  Future<ChainReport> verify();

  Future<Void> close();

  /** {@code "file"}, {@code "redis"}, … */
  String backend();

  /** Whether the backend is open and its last write succeeded. */
  boolean available();

  /** The id of the newest event, {@code 0-0} for an empty log. */
  String lastId();

  long eventsEmitted();

  long bytesWritten();

  long errors();
}
