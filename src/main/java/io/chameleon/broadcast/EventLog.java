package io.chameleon.broadcast;

import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The audit stream's storage port (SPEC §6). Every backend keeps the same contract: ids strictly
 * increase across restarts, one {@link #append} call is all-or-nothing and acknowledged only once
 * durable, the hash chain can be walked from the oldest kept event, and a fenced append (one that
 * names the tip its writer expects) lands only when no other fenced writer has appended since (see
 * {@link WriterFence}). {@code EventLogContract} in the tests holds this contract for every adapter.
 */
public interface EventLog {

  /** Scan work per {@link #read} call, so a sparse type filter cannot walk the whole log. */
  int MAX_SCAN = 10_000;

  /**
   * Bytes of events per {@link #read} call at most (more only when one event alone is larger): a
   * page of big events is cut short, with {@code more}, instead of holding {@code count} of them.
   */
  int MAX_PAGE_BYTES = 1 << 20;

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
  default Future<List<Event>> append(List<EventDraft> drafts, long startBy) {
    return append(drafts, null, startBy);
  }

  /**
   * As {@link #append(List, long)}, fenced when {@code expect} is not null: the call lands only if
   * {@code expect} is the newest event a fenced call wrote, or an event plain calls appended after
   * it — its writer has applied every event any other fenced writer appended. Otherwise nothing of
   * it is written and it fails with a 409 {@link io.chameleon.bus.Failure} ("stale tip").
   */
  Future<List<Event>> append(List<EventDraft> drafts, Tip expect, long startBy);

  /** The failure of a fenced append whose writer has not applied the log's newest fenced events. */
  static Failure staleTip(Tip expect) {
    return Failure.conflict("stale tip: the log holds events of another writer after " + expect.id()
      + "; nothing was written");
  }

  /** The failure of an anchored read whose anchor is not in the log. */
  static Failure notInLog(String id) {
    return Failure.conflict("the log does not hold event " + id + " with that hash");
  }

  /** Whether {@code startBy} has passed. */
  static boolean late(long startBy) {
    return startBy != NO_DEADLINE && System.nanoTime() - startBy > 0;
  }

  /**
   * Up to {@code count} events strictly after {@code afterId} ({@code null} or {@code 0-0}: from
   * the oldest kept) whose type is in {@code types} ({@code null} or empty: every type).
   */
  default Future<EventPage> read(String afterId, int count, Set<String> types) {
    return read(afterId, null, count, types);
  }

  /**
   * As {@link #read(String, int, Set)}, anchored when {@code afterHash} is not null: the event
   * {@code afterId} must be in the log with that hash ({@code 0-0} with the genesis hash: the empty
   * start), else the read fails with a 409 {@link io.chameleon.bus.Failure}. How a snapshot that
   * covers the log up to an event finds out whether the log still holds that event.
   */
  Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types);

  /**
   * As {@link #read(String, String, int, Set)}, the page also cut once its events hold
   * {@code maxBytes} (1 to {@link #MAX_PAGE_BYTES}; the first event always comes, whatever its
   * size), with {@code more} then true. A backend that does not override it reads by count only.
   */
  default Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types, int maxBytes) {
    return read(afterId, afterHash, count, types);
  }

  /**
   * The writer epoch every append of this process must match from now on (a clustered node that
   * took the writer lease), {@code ""} for none. Only a log shared by a cluster has epochs.
   */
  default Future<Void> writerEpoch(String epoch) {
    return Future.succeededFuture();
  }

  /**
   * Where the log reports events it finds in its backend that no append of this process was
   * answered with — a write whose reply was lost (a timeout, a cut connection) and that landed after
   * all — so they are published like any other. A file has one writer and never calls it.
   */
  default void onDiscovered(Consumer<List<Event>> handler) {
  }

  /** Walks the whole chain from the oldest kept event. */
  default Future<ChainReport> verify() {
    return verify(ChainAudit.NONE);
  }

  /**
   * As {@link #verify()}, showing every event to {@code audit} on the way; an intact chain that the
   * audit disagrees with is reported not ok, with the audit's words ({@link ChainReport#mismatch}).
   */
  Future<ChainReport> verify(ChainAudit audit);

  /** The number of events appended to the log since its genesis (a trimmed log counts its trimmed). */
  default Future<Long> count() {
    return countedTip().map(CountedTip::count);
  }

  /** The tip and {@link #count()} read at one moment, so they describe the same log. */
  default Future<CountedTip> countedTip() {
    return Future.failedFuture(Failure.unavailable(backend() + " event log cannot count its events"));
  }

  Future<Void> close();

  /** {@code "file"}, {@code "redis"}, … */
  String backend();

  /** Whether the backend is open and its last write succeeded. */
  boolean available();

  /**
   * Why the log is not {@link #available()}, in words for an operator (e.g. "Redis at
   * 127.0.0.1:6379 is unreachable: Connection refused"); {@code null} when it is available.
   */
  default String unavailableReason() {
    return available() ? null : backend() + " event log unavailable";
  }

  /** The id of the newest event, {@code 0-0} for an empty log. */
  default String lastId() {
    return tip().id();
  }

  /** The newest event's id and hash ({@link Tip#EMPTY} for an empty log). */
  Tip tip();

  long eventsEmitted();

  long bytesWritten();

  long errors();
}
