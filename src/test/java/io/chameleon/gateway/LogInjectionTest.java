package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.app.EscapedMessage;
import io.chameleon.bus.LogText;
import io.chameleon.support.TestNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Log injection (issue 8, item 11): no logged value can forge a line or carry a terminal escape. */
class LogInjectionTest {

  @TempDir
  Path dataDir;

  private static final String FORGED = "mallory\n2026-12-07T10:00:00.000Z INFO  [x] chameleon.access - allow "
    + "[pilot: root, role: ADMIN]\r\u0000\u001b[31mred\u001b[0m\u2028";

  private static boolean hasControl(String text) {
    return text.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028');
  }

  /**
   * Verifies that a token whose sub holds a line feed, a carriage return, NUL and ANSI escapes is
   * written to the access log escaped, on allow and on 403 (and a 401 line has no control character).
   */
  @Test
  void aForgedSubIsEscapedInTheAccessLog() {
    Logger access = (Logger) LoggerFactory.getLogger("chameleon.access");
    Level before = access.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    access.addAppender(captured);
    access.setLevel(Level.INFO);
    try (TestNode node = TestNode.start(dataDir)) {
      String viewer = node.token(FORGED, "VIEWER");
      assertEquals(200, node.http.get("/api/guardians", viewer).status());
      assertEquals(403, node.http.send("PUT", "/api/guardians/x", viewer, "{\"type\":\"PASS_THRU\"}").status());
      assertEquals(401, node.http.get("/api/guardians", viewer + "x").status());
    } finally {
      access.detachAppender(captured);
      access.setLevel(before);
    }
    List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("allow") && l.contains("mallory\\n2026")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("deny 403") && l.contains("\\r\\u0000\\u001b[31mred")),
      lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("deny 401")), lines.toString());
    lines.forEach(l -> assertFalse(hasControl(l), l));
  }

  /** Verifies the escapes: control characters as escapes, a backslash doubled, plain text untouched. */
  @Test
  void valuesAreEscaped() {
    assertEquals("a\\nb\\r\\u0000\\u001b[0m\\t\\\\n", LogText.of("a\nb\r\u0000\u001b[0m\t\\n"));
    assertEquals("\\u2028\\u202e\\ud800x", LogText.of("\u2028\u202e\ud800x"));
    String plain = "pilot-001 é \uD83D\uDE00";
    assertTrue(plain == LogText.of(plain));
    assertEquals("null", LogText.of(null));
  }

  /**
   * Verifies that the log layout's {@code %escapedMsg} escapes control characters in any message
   * (the net under values logged without {@link LogText}), and that logback.xml uses it.
   */
  @Test
  void theLayoutEscapesEveryMessage() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("x"), Level.INFO,
      "value: {}", null, new Object[] {"a\nb\u001b"});
    EscapedMessage converter = new EscapedMessage();
    assertEquals("value: a\\nb\\u001b", converter.convert(event));
    try (InputStream in = EscapedMessage.class.getResourceAsStream("/logback.xml")) {
      String config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(config.contains("%escapedMsg%n") && !config.contains("%msg"), config);
    }
  }
}
