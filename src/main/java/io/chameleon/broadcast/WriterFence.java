package io.chameleon.broadcast;

import io.chameleon.bus.Tip;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The fence of compare-and-append calls ({@code expect} on an append): the newest event that a
 * fenced call wrote, and the events plain calls added after it. A fenced call is admitted only when
 * the tip it expects is one of those — its writer has applied every event that any fenced call
 * wrote — so two store writers can never both decide on the same state, while registry changes and
 * denials (plain calls) append between the store's batches without making them stale.
 *
 * <p>Bounded: past {@link #MAX_TRACKED} events since the fence, the oldest are forgotten, and a call
 * expecting one of them is refused (its writer reads the gap and tries again). Not thread-safe:
 * each adapter keeps one on its own context, and stages a {@link #copy()} while it builds a batch.
 */
public final class WriterFence {

  public static final int MAX_TRACKED = 1024;

  /** id → hash of the fence event and of every event after it, in log order. */
  private final LinkedHashMap<String, String> admissible = new LinkedHashMap<>();

  /** A fence at {@code tip}: what a writer that has read the log to its end may expect. */
  public WriterFence(Tip tip) {
    admissible.put(tip.id(), tip.hash());
  }

  private WriterFence() {
  }

  /**
   * A fence rebuilt from a log read back: at {@code fence} (the newest event a fenced call wrote, or
   * {@link Tip#EMPTY} when none did), followed by the plain events written after it, oldest first.
   * Past {@link #MAX_TRACKED} the oldest are forgotten, as while appending.
   */
  public static WriterFence of(Tip fence, List<Event> after) {
    WriterFence rebuilt = new WriterFence(fence);
    rebuilt.appended(after, false);
    return rebuilt;
  }

  public WriterFence copy() {
    WriterFence copy = new WriterFence();
    copy.admissible.putAll(admissible);
    return copy;
  }

  /** Whether a fenced call that expects {@code expected} may append now. */
  public boolean admits(Tip expected) {
    return expected.hash().equals(admissible.get(expected.id()));
  }

  /**
   * Records the events of one call. A fenced call's last event becomes the fence: nothing before
   * it, and none of its own earlier events, can be expected any more.
   */
  public void appended(List<Event> events, boolean fenced) {
    if (events.isEmpty()) {
      return;
    }
    if (fenced) {
      admissible.clear();
      Event last = events.get(events.size() - 1);
      admissible.put(last.id(), last.hash());
      return;
    }
    for (Event event : events) {
      admissible.put(event.id(), event.hash());
    }
    Iterator<String> oldest = admissible.keySet().iterator();
    while (admissible.size() > MAX_TRACKED) {
      oldest.next();
      oldest.remove();
    }
  }
}
