package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import java.util.regex.Pattern;

/** Checks of ids taken from paths and queries (SPEC §0): anything malformed is a 400. */
final class Ids {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
  private static final Pattern EVENT_ID = Pattern.compile("\\d{1,19}-\\d{1,19}");

  private Ids() {
  }

  /** A guardian name or request id. */
  static String name(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw Failure.badRequest(what + " must match [A-Za-z0-9._:-]{1,200}");
    }
    return value;
  }

  static String eventId(String value, String what) {
    if (value == null || !EVENT_ID.matcher(value).matches()) {
      throw Failure.badRequest(what + " must be an event id like 1732536000000-0");
    }
    return value;
  }

  /** An integer query parameter within [min, max], or the default when absent. */
  static int intParam(String value, String what, int min, int max, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    if (!value.matches("\\d{1,10}")) {
      throw Failure.badRequest(what + " must be an integer from " + min + " to " + max);
    }
    long parsed = Long.parseLong(value);
    if (parsed < min || parsed > max) {
      throw Failure.badRequest(what + " must be an integer from " + min + " to " + max);
    }
    return (int) parsed;
  }
}
