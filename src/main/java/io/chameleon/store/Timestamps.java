package io.chameleon.store;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

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
    if (timestamp.length() == 24 && timestamp.charAt(4) == '-' && timestamp.charAt(7) == '-'
      && timestamp.charAt(10) == 'T' && timestamp.charAt(13) == ':'
      && timestamp.charAt(16) == ':' && timestamp.charAt(19) == '.'
      && timestamp.charAt(23) == 'Z') {
      int year = digits(timestamp, 0, 4);
      int month = digits(timestamp, 5, 2);
      int day = digits(timestamp, 8, 2);
      int hour = digits(timestamp, 11, 2);
      int minute = digits(timestamp, 14, 2);
      int second = digits(timestamp, 17, 2);
      int millis = digits(timestamp, 20, 3);
      if ((year | month | day | hour | minute | second | millis) >= 0 && month >= 1
        && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60) {
        try {
          long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L
            + hour * 3600L + minute * 60L + second;
          return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
        } catch (DateTimeException noSuchDay) {
          // 31 April: Instant.parse says why
        }
      }
    }
    return Instant.parse(timestamp);
  }

  /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
  private static int digits(String text, int from, int length) {
    int value = 0;
    for (int i = from; i < from + length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
