package io.chameleon.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps 403s visible in the audit log without letting one pilot flood it: the first denial of a
 * pilot in a window is recorded at once; the ones that follow inside the window are only counted,
 * and recorded as one summary ({@code repeated}: how many, with the last one's method and path)
 * when the window is flushed. Paths are cut to {@link #MAX_PATH} characters. Plain Java, one
 * instance per event loop: no locking.
 */
final class DenialWindow {

  /** The longest path a denial records; longer ones are cut and marked {@code path_truncated}. */
  static final int MAX_PATH = 256;

  /** One denial as the log records it. */
  record Denial(String pilotId, String role, String requiredRole, String method, String path,
                boolean pathTruncated, long repeated) {
  }

  private record Held(long windowStart, Denial last, long count) {
  }

  private final long windowMillis;
  private final int maxPilots;
  private final Map<String, Held> held = new HashMap<>();

  DenialWindow(long windowMillis, int maxPilots) {
    this.windowMillis = windowMillis;
    this.maxPilots = maxPilots;
  }

  /**
   * A 403 at {@code now}: the denial to record at once (this pilot's first in its window), or null
   * when it is only counted into the window's summary.
   */
  Denial deny(long now, String pilotId, String role, String requiredRole, String method,
              String path) {
    boolean cut = path.length() > MAX_PATH;
    Denial denial = new Denial(pilotId, role, requiredRole, method,
      cut ? path.substring(0, MAX_PATH) : path, cut, 0);
    Held window = held.get(pilotId);
    if (window != null && now - window.windowStart() < windowMillis) {
      held.put(pilotId, new Held(window.windowStart(), denial, window.count() + 1));
      return null;
    }
    // a window over (its summary goes out at the next flush) or none: this one is recorded now
    if (window == null && held.size() >= maxPilots) {
      return denial; // too many pilots denied at once to remember: record each, never drop one
    }
    held.put(pilotId, window == null || window.count() == 0
      ? new Held(now, null, 0) : new Held(now, window.last(), window.count()));
    return denial;
  }

  /**
   * The summaries of the windows that are over at {@code now} (one per pilot with denials that
   * were only counted), and forgets them; with {@code all}, every window, over or not.
   */
  List<Denial> flush(long now, boolean all) {
    List<Denial> out = new ArrayList<>();
    var it = held.entrySet().iterator();
    while (it.hasNext()) {
      Held window = it.next().getValue();
      if (!all && now - window.windowStart() < windowMillis) {
        continue;
      }
      if (window.count() > 0) {
        Denial last = window.last();
        out.add(new Denial(last.pilotId(), last.role(), last.requiredRole(), last.method(),
          last.path(), last.pathTruncated(), window.count()));
      }
      it.remove();
    }
    return out;
  }

  int pilotsHeld() {
    return held.size();
  }
}
