package io.chameleon.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * The hand-over from a replay to the live stream, so every event reaches a socket exactly once.
 * While the replay runs, live pushes are held here (up to the write budget's worth; past that all
 * are dropped and counted, and the socket is to be sent {@code resync}). Once it ends,
 * {@link #finish} hands them over and remembers the last event the replay covered: a live
 * {@code event} push at or before it was replayed already (its push can reach the socket after the
 * page that read it), so {@link #replayedAlready} says to drop it. Plain rules.
 */
final class ReplayHandover {

  /** What was held during a replay: the pushes to deliver, or an overflow and how many were dropped. */
  record Release(List<Push> pushes, boolean overflowed, long dropped) {
  }

  private final long limit;
  private final List<Push> held = new ArrayList<>();
  private long heldBytes;
  private boolean overflowed;
  /** Pushes lost to an overflow: what the {@code resync} after the replay reports. */
  private long dropped;
  private String replayedUpTo;

  ReplayHandover(long limit) {
    this.limit = limit;
  }

  /** During a replay: kept for after it, up to the limit; past that all are dropped. */
  void hold(Push push, int bytes) {
    if (!overflowed && heldBytes + bytes > limit) {
      dropped += held.size();
      held.clear();
      heldBytes = 0;
      overflowed = true;
    }
    if (overflowed) {
      dropped++;
    } else {
      held.add(push);
      heldBytes += bytes;
    }
  }

  /** The replay covered every event up to {@code lastId}: what was held, to deliver (or a resync). */
  Release finish(String lastId) {
    replayedUpTo = lastId;
    Release release = new Release(List.copyOf(held), overflowed, dropped);
    clearHeld();
    return release;
  }

  /** An {@code event} push the finished replay already sent. */
  boolean replayedAlready(Push push) {
    return replayedUpTo != null && Push.EVENT.equals(push.type()) && push.eventId() != null
      && EventIds.compare(push.eventId(), replayedUpTo) <= 0;
  }

  /** A new subscription, or none: nothing held, nothing replayed. */
  void reset() {
    replayedUpTo = null;
    clearHeld();
  }

  private void clearHeld() {
    held.clear();
    heldBytes = 0;
    overflowed = false;
    dropped = 0;
  }
}
