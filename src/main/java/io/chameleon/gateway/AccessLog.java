package io.chameleon.gateway;

import io.chameleon.bus.LogText;
import io.chameleon.bus.UtcTimestamps;
import io.vertx.core.Vertx;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway instance's access log: a line per allow and deny, the RBAC audit the seed asks for,
 * in the layout of every other log line ({@code <time> INFO  [<thread>] chameleon.access - <message>}).
 *
 * <p>A line costs its event loop one append to a buffer; every {@value #FLUSH_MS} ms, or as soon as
 * {@value #MAX_BUFFER_CHARS} characters are waiting, the buffer goes to logback as one event on
 * {@value #LINES_LOGGER}, whose appender writes it as it is (logback.xml). Logback per line cost
 * 16 points of GET throughput (an event, the async queue's hand-off and wake-up, the layout and a
 * {@code write(2)} per line); this costs one of each per batch. The price: a {@code kill -9} loses
 * the lines of the last {@value #FLUSH_MS} ms (the audit that must survive, each 403, is an event
 * in the log). {@code chameleon.access}'s level still decides whether lines are written.
 *
 * <p>Confined to the instance's event loop, as the router's handlers are.
 */
final class AccessLog {

  static final String LOGGER = "chameleon.access";
  static final String LINES_LOGGER = "chameleon.access.lines";
  static final long FLUSH_MS = 100;
  static final int MAX_BUFFER_CHARS = 64 * 1024;

  private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);
  private static final Logger LINES = LoggerFactory.getLogger(LINES_LOGGER);

  private final StringBuilder buffer = new StringBuilder();
  private long timeMillis = -1;
  private String time;

  AccessLog(Vertx vertx) {
    this(vertx, FLUSH_MS);
  }

  AccessLog(Vertx vertx, long flushMs) {
    vertx.setPeriodic(flushMs, id -> flush());
  }

  /** Whether lines are written at all ({@code chameleon.access} at INFO or finer). */
  boolean enabled() {
    return ACCESS.isInfoEnabled();
  }

  /** Adds one line; {@code message}'s values should already be {@link LogText#of escaped}. */
  void line(String message) {
    long now = System.currentTimeMillis();
    if (now != timeMillis) {
      timeMillis = now;
      time = UtcTimestamps.formatMillis(Instant.ofEpochMilli(now)); // the clock is within years 1-9999
    }
    // the layout's safety net, as %escapedMsg is for other lines: no message can start a line
    buffer.append(time).append(" INFO  [").append(Thread.currentThread().getName()).append("] ")
      .append(LOGGER).append(" - ").append(LogText.line(message)).append('\n');
    if (buffer.length() >= MAX_BUFFER_CHARS) {
      flush();
    }
  }

  /** Hands what is waiting to logback, as one event (its appender adds the last line break). */
  void flush() {
    if (buffer.length() > 0) {
      LINES.info(buffer.substring(0, buffer.length() - 1));
      buffer.setLength(0);
    }
  }
}
