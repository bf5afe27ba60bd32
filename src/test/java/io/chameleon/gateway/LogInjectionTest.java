package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.chameleon.app.EscapedMessage;
import io.chameleon.bus.LogText;
import io.chameleon.support.AccessLines;
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
    List<String> lines;
    try (AccessLines access = new AccessLines(); TestNode node = TestNode.start(dataDir)) {
      String viewer = node.token(FORGED, "VIEWER");
      assertEquals(200, node.http.get("/api/guardians", viewer).status());
      assertEquals(403, node.http.send("PUT", "/api/guardians/x", viewer, "{\"type\":\"PASS_THRU\"}").status());
      assertEquals(401, node.http.get("/api/guardians", viewer + "x").status());
      node.close(); // the gateway writes what is waiting when it stops
      lines = access.raw();
    }
    List<String> messages = lines.stream().map(l -> l.substring(l.indexOf(" - ") + 3)).toList();
    assertTrue(messages.stream().anyMatch(l -> l.startsWith("allow") && l.contains("mallory\\n2026")), lines.toString());
    assertTrue(messages.stream().anyMatch(l -> l.startsWith("deny 403") && l.contains("\\r\\u0000\\u001b[31mred")),
      lines.toString());
    assertTrue(messages.stream().anyMatch(l -> l.startsWith("deny 401")), lines.toString());
    lines.forEach(l -> assertFalse(hasControl(l), l));
    // each line has the layout of every other log line
    lines.forEach(l -> assertTrue(l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^\\]]+\\] chameleon\\.access - .*"), l));
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
      // every layout escapes, except the access lines' (gateway/AccessLog escapes each line itself)
      assertTrue(config.contains("%escapedMsg%n"), config);
      assertEquals(1, config.split("%msg", -1).length - 1, config);
      assertTrue(config.matches("(?s).*<appender name=\"ACCESS_LINES\"[^/]*<pattern>%msg%n</pattern>.*"), config);
    }
  }
}
