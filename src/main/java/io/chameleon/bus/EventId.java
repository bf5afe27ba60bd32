package io.chameleon.bus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An event id {@code <ms>-<seq>} in the style of Redis stream ids. Ids are ordered by milliseconds,
 * then by sequence; {@code 0-0} comes before every real id. {@link #next(long)} gives the id of the
 * following event so that ids strictly increase even when the clock stands still or goes back.
 */
public record EventId(long ms, long seq) implements Comparable<EventId> {

  /** The id before every event: reading after it starts at the oldest kept event. */
  public static final EventId ZERO = new EventId(0, 0);

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,19})-(\\d{1,19})");

  public EventId {
    if (ms < 0 || seq < 0) {
      throw new IllegalArgumentException("event id parts must not be negative");
    }
  }

  /**
   * Parses {@code <ms>-<seq>}.
   *
   * @throws IllegalArgumentException when the text is not two non-negative decimal longs
   */
  public static EventId parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("event id is missing");
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("malformed event id");
    }
    try {
      return new EventId(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed event id");
    }
  }

  /** The id for an event appended at wall-clock time {@code nowMs} after this one. */
  public EventId next(long nowMs) {
    if (nowMs > ms) {
      return new EventId(nowMs, 0);
    }
    return new EventId(ms, seq + 1);
  }

  public boolean isAfter(EventId other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(EventId other) {
    int byMs = Long.compare(ms, other.ms);
    return byMs != 0 ? byMs : Long.compare(seq, other.seq);
  }

  @Override
  public String toString() {
    return ms + "-" + seq;
  }
}
