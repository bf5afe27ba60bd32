package io.chameleon.bus;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/** UTC timestamps as SPEC writes them, read without {@link Instant#parse}'s per-call parser. */
public final class UtcTimestamps {

  private UtcTimestamps() {
  }

  /**
   * The common form, {@code 2026-11-25T12:00:00Z} with 0 to 9 fraction digits (what the store
   * writes), read by hand: {@link Instant#parse} builds a parser per call on JDK 17, and a TTL check
   * reads a timestamp at every evaluation, a store restore one to three per request. Null for anything else (a leap second, an offset, a
   * year beyond 9999, an impossible date), which {@link Instant#parse} then decides.
   */
  public static Instant parse(String text) {
    int length = text.length();
    if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (length > 20) {
      if (text.charAt(19) != '.') {
        return null;
      }
      nanos = digits(text, 20, length - 1);
      for (int i = length - 21; i < 9 && nanos >= 0; i++) {
        nanos *= 10;
      }
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59 || nanos < 0
        || day > 28 && day > Month.of(month).length(Year.isLeap(year))) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second, nanos);
  }

  /** The decimal number in {@code text[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
