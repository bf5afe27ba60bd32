package io.chameleon.bus;

/**
 * A value as it may go into a log line: control characters (CR, LF, NUL, ESC, DEL, C1), the
 * Unicode line and paragraph separators, bidirectional overrides and lone surrogates are written
 * as escapes (a line feed as backslash-n, ESC as backslash-u001b) and a backslash as two, so a
 * token's {@code sub} or a request path can neither forge a line nor recolour a terminal, and an
 * escape in the log always means the value held that character.
 */
public final class LogText {

  private LogText() {
  }

  /** {@code value}'s string form, escaped; {@code null} stays {@code "null"}. */
  public static String of(Object value) {
    return escape(String.valueOf(value), true);
  }

  /**
   * A whole formatted line, for the log layout: the same escapes except the backslash, so values
   * already passed through {@link #of} are left as they are.
   */
  public static String line(String text) {
    return escape(text, false);
  }

  private static String escape(String text, boolean backslash) {
    int first = 0;
    int n = text.length();
    while (first < n && !needsEscape(text, first, backslash)) {
      first++;
    }
    if (first == n) {
      return text; // the common case: nothing to do, no copy
    }
    StringBuilder out = new StringBuilder(n + 16).append(text, 0, first);
    for (int i = first; i < n; i++) {
      char c = text.charAt(i);
      if (!needsEscape(text, i, backslash)) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\\') {
        out.append("\\\\");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(String text, int i, boolean backslash) {
    char c = text.charAt(i);
    if (c == '\\' && backslash || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
      || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
