package io.chameleon.dashboard;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A socket's input, before it is read: the per-socket rate cap, the inbox where messages wait
 * while input is held back, and when to hold input back or let it go. Plain rules; the session
 * pauses or resumes the socket as {@link #update} says.
 *
 * <p>Every message goes through the inbox, and it is read only by the outermost
 * {@link #startReading} (a write that completes at once, and so asks to read again, never reads a
 * message inside another). Messages held back in the network while a socket was paused are charged
 * to the rate cap when they are read, but the time paused earns them credit: up to the cap's rate
 * for that time, at most {@value #MAX_CREDIT_MS} ms worth.
 *
 * @param <M> a message
 */
final class InputGate<M> {

  /** The most credit a pause earns, in ms of the cap's rate. */
  static final long MAX_CREDIT_MS = 30_000;

  /** What {@link #update} asks of the socket. */
  enum Change { NONE, HOLD, RELEASE }

  private record Waiting<M>(M message, long bytes) {
  }

  private final RateWindow rate;
  private final int maxPerSecond;
  private final long maxInboxBytes;
  private final Deque<Waiting<M>> inbox = new ArrayDeque<>();
  private long inboxBytes;
  private boolean reading;
  /** Input held back: the socket is paused (raw WebSocket) or its messages wait in the inbox. */
  private boolean heldBack;
  private long heldSince;
  /** Thousandths of a message the client may send past the rate window, earned while it was paused. */
  private long rateCredit;

  InputGate(int maxPerSecond, long maxInboxBytes) {
    this.rate = new RateWindow(maxPerSecond);
    this.maxPerSecond = maxPerSecond;
    this.maxInboxBytes = maxInboxBytes;
  }

  /** One message against the rate cap at {@code nowMs}: the window's allowance first, then any credit. */
  boolean withinRate(long nowMs) {
    if (rate.allow(nowMs)) {
      return true;
    }
    if (rateCredit >= 1000) {
      rateCredit -= 1000;
      return true;
    }
    return false;
  }

  /** Puts a message in the inbox; false once the inbox holds more than its bound (close the socket). */
  boolean offer(M message, long bytes) {
    inbox.add(new Waiting<>(message, bytes));
    inboxBytes += bytes;
    return inboxBytes <= maxInboxBytes;
  }

  long inboxBytes() {
    return inboxBytes;
  }

  boolean isEmpty() {
    return inbox.isEmpty();
  }

  /** True for the outermost reader only; it calls {@link #stopReading} when done. */
  boolean startReading() {
    if (reading) {
      return false;
    }
    reading = true;
    return true;
  }

  void stopReading() {
    reading = false;
  }

  /** The next message to read, oldest first, or null. */
  M next() {
    Waiting<M> next = inbox.poll();
    if (next == null) {
      return null;
    }
    inboxBytes -= next.bytes();
    return next.message();
  }

  /**
   * Whether input is held back now: while {@code held} (the session's reason) or while the inbox is
   * not empty. Returns the change to make to the socket; a release after a pause of a
   * {@code pausable} socket (its messages waited in the network) earns rate credit.
   */
  Change update(boolean held, long nowMs, boolean pausable) {
    boolean hold = held || !inbox.isEmpty();
    if (hold && !heldBack) {
      heldBack = true;
      heldSince = nowMs;
      return Change.HOLD;
    }
    if (!hold && heldBack) {
      heldBack = false;
      if (pausable) {
        // what the client sent meanwhile is read in a burst: it may use what the time paused allows
        rateCredit = Math.min(rateCredit + (nowMs - heldSince) * maxPerSecond, MAX_CREDIT_MS * maxPerSecond);
      }
      return Change.RELEASE;
    }
    return Change.NONE;
  }

  boolean heldBack() {
    return heldBack;
  }

  /** Drops what waits; returns whether input was held back (it is not any more). */
  boolean clear() {
    inbox.clear();
    inboxBytes = 0;
    boolean was = heldBack;
    heldBack = false;
    return was;
  }
}
