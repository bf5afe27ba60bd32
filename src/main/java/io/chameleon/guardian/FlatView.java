package io.chameleon.guardian;

import io.chameleon.bus.UtcTimestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reading values out of a UOW's flat view the same way in every guardian: numbers compared by
 * value (1 equals 1.0), timestamps parsed from ISO-8601, values described in reasons.
 */
final class FlatView {

  static final String UOW_ID = "uow_id";
  static final String CHILD_COUNT = "child_count";
  static final String FINISHED_CHILD_COUNT = "finished_child_count";
  static final String CREATED_AT = "created_at";

  private FlatView() {
  }

  /**
   * The value of a field: the key itself when present, else a dotted path into nested objects
   * ({@code customer.tier}). {@code segments} is the field split at dots, or null for no dots.
   */
  static Object read(Map<String, Object> uow, String field, String[] segments) {
    Object value = uow.get(field);
    if (value != null || segments == null) {
      return value;
    }
    Object current = uow;
    for (String segment : segments) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(segment);
    }
    return current;
  }

  static String[] segmentsOf(String field) {
    return field.indexOf('.') < 0 ? null : field.split("\\.", -1);
  }

  /**
   * JSON equality by value, at any depth: numbers compare by value ({@code {"a":1}} equals
   * {@code {"a":1.0}}, {@code [1]} equals {@code [1.0]}), objects by their keys whatever the order.
   */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return compare(x, y) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> entry : x.entrySet()) {
        Object other = y.get(entry.getKey());
        if (other == null && !y.containsKey(entry.getKey()) || !same(entry.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  /**
   * Numbers by exact value, whatever their Java type: {@code 2^64} and {@code 2^64 + 1} differ,
   * {@code -0.0} equals {@code 0}, and a long beyond 2^53 is not rounded to meet a double. The
   * common cases (two integers; two doubles; an integer a double represents exactly) stay cheap.
   */
  static int compare(Number x, Number y) {
    boolean xLong = isIntegral(x);
    boolean yLong = isIntegral(y);
    if (xLong && yLong) {
      return Long.compare(x.longValue(), y.longValue());
    }
    boolean xDouble = x instanceof Double || x instanceof Float;
    boolean yDouble = y instanceof Double || y instanceof Float;
    if ((xDouble || xLong && exactAsDouble(x.longValue())) && (yDouble || yLong && exactAsDouble(y.longValue()))) {
      double a = x.doubleValue();
      double b = y.doubleValue();
      return a < b ? -1 : a > b ? 1 : 0; // primitive comparison: -0.0 == 0.0
    }
    return exact(x).compareTo(exact(y));
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
  }

  private static boolean exactAsDouble(long value) {
    return Math.abs(value) <= (1L << 53);
  }

  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      return new BigDecimal(n.doubleValue()); // exact binary value; finite (strict JSON has no NaN)
    }
    return BigDecimal.valueOf(n.longValue());
  }

  /** Whether {@code container} (a string or a list) holds {@code item}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String text) {
      return item instanceof String part && text.contains(part);
    }
    if (container instanceof List<?> list) {
      for (Object element : list) {
        if (same(element, item)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Parses an ISO-8601 instant ({@code Z} or an offset), or returns null. */
  static Instant parseInstant(Object value) {
    if (!(value instanceof String text)) {
      return null;
    }
    Instant plain = UtcTimestamps.parse(text);
    if (plain != null) {
      return plain;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }

  /**
   * Seconds from {@code since} to {@code now}, to the millisecond; negative when {@code since} is
   * later. Any two instants (a year such as +999999999 included): no "long overflow".
   */
  static double ageSeconds(Instant since, Instant now) {
    // as Duration.between(since, now) normalises it: whole seconds, then 0..999999999 nanoseconds
    long seconds = now.getEpochSecond() - since.getEpochSecond();
    int nanos = now.getNano() - since.getNano();
    if (nanos < 0) {
      seconds--;
      nanos += 1_000_000_000;
    }
    return seconds + (nanos / 1_000_000) / 1000.0;
  }

  /** A value as it reads in a reason: strings quoted, absent as "missing". */
  static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String text) {
      return "'" + text + "'";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    }
    return String.valueOf(value);
  }

  /** The key a value selects in a table of routes: its string form, whole numbers without ".0". */
  static String keyOf(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Number) {
      return describe(value);
    }
    return String.valueOf(value);
  }
}
