package io.chameleon.dashboard;

/**
 * The bytes written to one socket and not yet flushed, against a limit, as plain arithmetic. A
 * push that would go past the limit is dropped and the budget is <em>overflowed</em>: every later
 * push is dropped too, until the writes in flight drain to half the limit — then the socket is sent
 * one {@code resync} and pushes flow again. Replies and replayed events are always written (they
 * were asked for, and a page is bounded) but they count, so they hold pushes back — and they hold
 * the client's input back ({@link #holdInput}): a client that does not read stops being read, so
 * it cannot ask for more replies than the budget and {@value #MAX_UNANSWERED} of them.
 */
final class WriteBudget {

  /** Requests forwarded and not yet answered at which the client's input is held back. */
  static final int MAX_UNANSWERED = 4;

  private final long limit;
  private long inFlight;
  private long peak;
  private long dropped;
  private boolean overflowed;
  private boolean inputHeld;

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

  /**
   * Whether to stop reading the client, given how many of its requests are forwarded and not yet
   * answered: from the moment the bytes in flight pass the limit or {@value #MAX_UNANSWERED}
   * requests are unanswered, until the bytes are back to half the limit and fewer are unanswered.
   */
  boolean holdInput(int unanswered) {
    long resumeBelow = inputHeld ? limit / 2 : limit;
    inputHeld = inFlight > resumeBelow || unanswered >= MAX_UNANSWERED;
    return inputHeld;
  }

  /** The size of {@code text} in UTF-8 bytes, counted without encoding it. */
  static long utf8Length(String text) {
    long bytes = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
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
