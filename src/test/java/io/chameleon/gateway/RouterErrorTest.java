package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * SPEC §1: the errors the router produces by itself — a path it cannot decode, no route, a method
 * the route does not take — get the same JSON envelope as every other error, and bad client input
 * never puts a stack trace into the log.
 */
class RouterErrorTest extends OneNodePerClass {

  private static void assertEnvelope(RawHttp.Response r, int status, String code) {
    assertEquals(status, r.status(), r.toString());
    JsonObject body = new JsonObject(r.body());
    assertFalse(body.getBoolean("success"));
    assertEquals(code, body.getJsonObject("error").getString("code"));
    assertFalse(r.body().contains("Exception"), r.body());
    assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
  }

  /** Verifies that a bad percent-escape is a 400 envelope, for anyone, and logs no error or stack trace. */
  @Test
  void badPercentEscapeIsA400EnvelopeWithoutAnErrorLog() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      String admin = node.token("admin-1", "ADMIN");
      for (String path : List.of("/api/uows/%zz", "/%zz", "/pilot/resume/%zz", "/ws/interventions/%zz", "/api/uows/%")) {
        assertEnvelope(RawHttp.get(node.http.port(), path, null), 400, "BAD_REQUEST");
        assertEnvelope(RawHttp.get(node.http.port(), path, admin), 400, "BAD_REQUEST");
      }
      RawHttp.Response post = RawHttp.send(node.http.port(), "POST /pilot/cancel/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
      assertEnvelope(post, 400, "BAD_REQUEST");
    } finally {
      root.detachAppender(captured);
    }
    List<String> errors = captured.list.stream()
      .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
      .toList();
    assertTrue(errors.isEmpty(), String.join("\n", errors));
  }

  /** Verifies that no route and a wrong method answer the envelope too (404, 405). */
  @Test
  void noRouteAndWrongMethodAreEnvelopes() {
    assertEnvelope(RawHttp.get(node.http.port(), "/nothing-here", null), 404, "NOT_FOUND");
    String viewer = node.token("viewer-1", "VIEWER");
    assertEnvelope(RawHttp.send(node.http.port(), "PATCH /api/guardians HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Authorization: Bearer " + viewer + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), 405, "METHOD_NOT_ALLOWED");
  }
}
