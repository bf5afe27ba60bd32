package io.chameleon.dashboard;

/** At most {@code max} messages per one-second window (a fixed window: simple and enough here). */
final class RateWindow {

  private final int max;
  private long windowStart = Long.MIN_VALUE / 2;
  private int count;

  RateWindow(int max) {
    this.max = max;
  }

  /** Counts one message at {@code nowMillis}; false once the window holds more than {@code max}. */
  boolean allow(long nowMillis) {
    if (nowMillis - windowStart >= 1000) {
      windowStart = nowMillis;
      count = 0;
    }
    count++;
    return count <= max;
  }
}
