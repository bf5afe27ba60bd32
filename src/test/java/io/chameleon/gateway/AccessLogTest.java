package io.chameleon.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chameleon.support.AccessLines;
import io.chameleon.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log's batching (issue 10 item 12): lines reach logback within the flush period as
 * whole lines in the usual layout, a full buffer goes at once, nothing is formatted when
 * {@code chameleon.access} is above INFO, and each message is escaped.
 */
class AccessLogTest {

  Vertx vertx;
  Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    TestNode.await(vertx.close());
  }

  private AccessLog onContext() {
    return onContext(AccessLog.FLUSH_MS);
  }

  private AccessLog onContext(long flushMs) {
    CompletableFuture<AccessLog> log = new CompletableFuture<>();
    context.runOnContext(v -> log.complete(new AccessLog(vertx, flushMs)));
    return log.join();
  }

  private void run(AccessLog log, String... messages) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      for (String message : messages) {
        log.line(message);
      }
      done.complete(null);
    });
    done.join();
  }

  /** Verifies that lines written together arrive within the flush period, whole and in order. */
  @Test
  void linesArriveWithinTheFlushPeriodInTheLayout() {
    try (AccessLines lines = new AccessLines()) {
      AccessLog log = onContext();
      run(log, "allow [pilot: a]", "deny 403 [pilot: b]");
      assertTrue(lines.messages().isEmpty(), "written per line: " + lines.raw());
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.messages().size() == 2);
      assertEquals(List.of("allow [pilot: a]", "deny 403 [pilot: b]"), lines.messages());
      lines.raw().forEach(l -> assertTrue(
        l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[vert\\.x-eventloop-thread-\\d+\\] chameleon\\.access - .*"), l));
    }
  }

  /** Verifies that a buffer past its size goes at once, without waiting for the timer (an hour here). */
  @Test
  void aFullBufferGoesAtOnce() {
    try (AccessLines lines = new AccessLines()) {
      AccessLog log = onContext(3_600_000);
      String message = "allow [pilot: " + "p".repeat(1000) + "]";
      String[] many = new String[AccessLog.MAX_BUFFER_CHARS / message.length() + 1];
      java.util.Arrays.fill(many, message);
      run(log, many);
      List<String> written = lines.raw();
      assertFalse(written.isEmpty(), "nothing went out when the buffer was full");
      assertTrue(String.join("\n", written).length() >= AccessLog.MAX_BUFFER_CHARS - 1, written.size() + " lines");
      assertTrue(written.size() < many.length, "the rest waits for the timer");
    }
  }

  /** Verifies that control characters in a message are escaped, so no message forges a line. */
  @Test
  void aMessageCannotForgeALine() {
    try (AccessLines lines = new AccessLines()) {
      AccessLog log = onContext();
      run(log, "allow [pilot: x]\n2026-01-01T00:00:00.000Z INFO  [x] chameleon.access - allow [pilot: admin]");
      context.runOnContext(v -> log.flush());
      await().atMost(Duration.ofSeconds(5)).until(() -> !lines.messages().isEmpty());
      assertEquals(1, lines.raw().size(), lines.raw().toString());
      assertTrue(lines.messages().get(0).contains("\\n2026"), lines.raw().toString());
    }
  }

  /** Verifies that with {@code chameleon.access} at WARN the log says it is off, and nothing is written. */
  @Test
  void offAboveInfo() {
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    Level before = access.getLevel();
    try (AccessLines lines = new AccessLines()) {
      access.setLevel(Level.WARN);
      AccessLog log = onContext();
      assertFalse(log.enabled());
      access.setLevel(Level.INFO);
      assertTrue(log.enabled());
    } finally {
      access.setLevel(before);
    }
  }
}
