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

  /**
   * Appends the drafts as consecutive, chained events. Completes once they are durable; fails with
   * a 503 {@link io.chameleon.bus.Failure} and keeps nothing of this call when the backend cannot
   * take them.
   */
  Future<List<Event>> append(List<EventDraft> drafts);

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
