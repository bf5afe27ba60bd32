package io.chameleon.store;

import io.chameleon.bus.UtcTimestamps;
import java.time.Instant;

/**
 * Reads SPEC timestamps ({@code 2026-11-25T12:00:00.123Z}, as {@link Canonical#timestamp} writes
 * them) without {@link Instant#parse}, which builds a formatter on every call: applying an event
 * or restoring a snapshot reads one to three per request. Any other shape goes to
 * {@link Instant#parse}, with its errors.
 */
final class Timestamps {

  private Timestamps() {
  }

  static Instant instant(String timestamp) {
    Instant plain = UtcTimestamps.parse(timestamp);
    return plain != null ? plain : Instant.parse(timestamp);
  }
}
