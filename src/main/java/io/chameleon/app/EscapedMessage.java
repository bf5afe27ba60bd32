package io.chameleon.app;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.chameleon.bus.LogText;

/**
 * The {@code %msg} of our log layout with control characters escaped ({@link LogText#line}): a
 * safety net under the per-value escaping, so no value logged anywhere (a token's {@code sub}, a
 * path, an error message quoting input) can start a forged line. Stack traces are printed by
 * {@code %ex}, untouched.
 */
public final class EscapedMessage extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogText.line(super.convert(event));
  }
}
