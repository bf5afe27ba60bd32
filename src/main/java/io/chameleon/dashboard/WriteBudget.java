package io.chameleon.dashboard;

/**
 * The bytes written to one socket and not yet flushed, against a limit, as plain arithmetic. A
 * push that would go past the limit is dropped and the budget is <em>overflowed</em>: every later
 * push is dropped too, until the writes in flight drain to half the limit — then the socket is sent
 * one {@code resync} and pushes flow again. Replies and replayed events are always written (they
 * were asked for, and a page is bounded) but they count, so they hold pushes back.
 */
final class WriteBudget {

  private final long limit;
  private long inFlight;
  private long peak;
  private long dropped;
  private boolean overflowed;

  WriteBudget(long limit) {
    this.limit = limit;
  }

  /** For a push: true = write it (its bytes are now in flight); false = drop it. */
  boolean admitPush(long bytes) {
    if (overflowed || inFlight + bytes > limit) {
      overflowed = true;
      dropped++;
      return false;
    }
    reserve(bytes);
    return true;
  }

  /** For a write that is never dropped. */
  void reserve(long bytes) {
    inFlight += bytes;
    peak = Math.max(peak, inFlight);
  }

  /** A write completed (flushed or failed). */
  void release(long bytes) {
    inFlight -= bytes;
  }

  /** Overflowed and drained to half the limit: time to send {@code resync}. */
  boolean resyncDue() {
    return overflowed && inFlight <= limit / 2;
  }

  /** Back to normal after {@code resync}; returns how many pushes were dropped. */
  long resynced() {
    long count = dropped;
    overflowed = false;
    dropped = 0;
    return count;
  }

  boolean overflowed() {
    return overflowed;
  }

  boolean belowHalf() {
    return inFlight <= limit / 2;
  }

  long inFlight() {
    return inFlight;
  }

  /** The most bytes ever in flight at once. */
  long peak() {
    return peak;
  }

  long limit() {
    return limit;
  }
}
