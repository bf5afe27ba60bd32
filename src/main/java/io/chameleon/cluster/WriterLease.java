package io.chameleon.cluster;

/**
 * One node's view of the writer lease (plain Java, no clock of its own): whether it holds the
 * lease, under which epoch, and when it must stop trusting that it does. A holder renews every
 * third of the time-to-live; a holder whose renewals have failed for half of it steps down before
 * the lease can have expired in Redis — it cannot know whether it still holds it — and a renewal
 * that finds another holder steps it down at once. Times are milliseconds of a monotonic clock.
 */
final class WriterLease {

  private final long ttlMs;
  private boolean held;
  private long epoch;
  private long renewedAt;

  WriterLease(long ttlMs) {
    if (ttlMs < 300) {
      throw new IllegalArgumentException("the lease time-to-live must be at least 300 ms");
    }
    this.ttlMs = ttlMs;
  }

  long ttlMs() {
    return ttlMs;
  }

  /** How often a holder renews: a third of the time-to-live, so two renewals may fail in a row. */
  long renewEveryMs() {
    return ttlMs / 3;
  }

  /** How often a node that does not hold the lease tries to take it. */
  long tryEveryMs() {
    return Math.max(50, Math.min(500, ttlMs / 10));
  }

  /** The take-over script set the lease for this node and moved the epoch to {@code epoch}. */
  void took(long epoch, long now) {
    this.held = true;
    this.epoch = epoch;
    this.renewedAt = now;
  }

  void renewed(long now) {
    renewedAt = now;
  }

  /** Whether a holder must step down now: no renewal for half the time-to-live. */
  boolean mustStepDown(long now) {
    return held && now - renewedAt > ttlMs / 2;
  }

  void lost() {
    held = false;
  }

  boolean held() {
    return held;
  }

  long epoch() {
    return epoch;
  }
}
