package io.chameleon.bus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/** UTC timestamps as SPEC writes them, read without {@link Instant#parse}'s per-call parser. */
public final class UtcTimestamps {

  private UtcTimestamps() {
  }

  /**
   * {@code 2026-11-25T12:00:00.123Z} (milliseconds, truncated), written by hand: a
   * {@code DateTimeFormatter} builds a print context, a zoned date-time and a builder per call, and
   * a write stamps its step and each of its events. Null outside the years 1 to 9999, where the
   * caller's formatter decides the spelling.
   */
  public static String formatMillis(Instant instant) {
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    int year = date.getYear();
    if (year < 1 || year > 9999) {
      return null;
    }
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    byte[] out = new byte[24];
    put(out, 0, year, 4);
    out[4] = '-';
    put(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    put(out, 20, instant.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out, StandardCharsets.US_ASCII);
  }

  private static void put(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
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
