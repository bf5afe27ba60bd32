package io.chameleon.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The gateway's access lines as a test sees them: {@code chameleon.access} at INFO while open, and
 * every line written in that time (the gateway hands them to logback in batches on
 * {@code chameleon.access.lines}), each as its message — the part after {@code " - "}.
 */
public final class AccessLines implements AutoCloseable {

  private final Logger access = (Logger) LoggerFactory.getLogger("chameleon.access");
  private final Logger lines = (Logger) LoggerFactory.getLogger("chameleon.access.lines");
  private final Level before = access.getLevel();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

  public AccessLines() {
    captured.start();
    lines.addAppender(captured);
    access.setLevel(Level.INFO);
  }

  /** Every whole line written so far, prefix (time, level, thread, logger) included. */
  public List<String> raw() {
    return List.copyOf(captured.list).stream()
      .flatMap(event -> Arrays.stream(event.getFormattedMessage().split("\n", -1)))
      .toList();
  }

  /** Every message written so far. */
  public List<String> messages() {
    return raw().stream().map(line -> line.substring(line.indexOf(" - ") + 3)).toList();
  }

  @Override
  public void close() {
    lines.detachAppender(captured);
    access.setLevel(before);
  }
}
