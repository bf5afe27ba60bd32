package io.chameleon.dashboard;

import java.util.regex.Pattern;

/** Audit event ids ({@code <ms>-<seq>}): their shape and their order. */
final class EventIds {

  private static final Pattern SHAPE = Pattern.compile("[0-9]{1,19}-[0-9]{1,19}");

  private EventIds() {
  }

  static boolean valid(Object id) {
    if (!(id instanceof String s) || !SHAPE.matcher(s).matches()) {
      return false;
    }
    try {
      parts(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Negative, zero or positive as {@code a} is before, equal to or after {@code b}. */
  static int compare(String a, String b) {
    long[] x = parts(a);
    long[] y = parts(b);
    int byMs = Long.compare(x[0], y[0]);
    return byMs != 0 ? byMs : Long.compare(x[1], y[1]);
  }

  private static long[] parts(String id) {
    int dash = id.indexOf('-');
    return new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
  }
}
