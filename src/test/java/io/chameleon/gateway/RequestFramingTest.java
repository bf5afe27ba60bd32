package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 12: requests whose meaning depends on who reads them. Each gets the JSON envelope,
 * and where the rest of the connection cannot be trusted, {@code Connection: close} and a closed
 * connection — so a keep-alive client learns it at once, not on its next request. Raw sockets.
 */
class RequestFramingTest extends OneNodePerClass {

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

  /** What the server sent until it closed: every status line, and the first response's body. */
  private static String exchange(String request) throws IOException {
    try (Wire wire = new Wire(node.http.port())) {
      wire.write(request);
      return wire.readToEnd(8000);
    }
  }

  private static void assertClosedEnvelope(String text, int status, String code) {
    Matcher m = STATUS_LINE.matcher(text);
    assertTrue(m.find(), text);
    assertEquals(status, Integer.parseInt(m.group(1)), text);
    assertFalse(m.find(), "a second response on the same connection: " + text);
    String lower = text.toLowerCase();
    assertTrue(lower.contains("connection: close"), text);
    assertTrue(lower.contains("content-type: application/json"), text);
    JsonObject body = new JsonObject(text.substring(text.indexOf("\r\n\r\n") + 4));
    assertEquals(code, body.getJsonObject("error").getString("code"), text);
  }

  /** Verifies that two Authorization headers are refused with 400, whichever role comes first, and change nothing. */
  @Test
  void twoAuthorizationHeadersAre400() throws IOException {
    String admin = node.token("admin-2h", "ADMIN");
    String viewer = node.token("viewer-2h", "VIEWER");
    String body = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";
    try (Wire wire = new Wire(node.http.port())) {
      wire.write("PUT /api/guardians/two-headers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
        + "\r\nAuthorization: Bearer " + viewer + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body);
      Wire.Response r = wire.read();
      assertEquals(400, r.status(), r.toString());
      assertEquals("BAD_REQUEST", new JsonObject(r.body()).getJsonObject("error").getString("code"));
    }
    assertEquals(404, node.http.get("/api/guardians/two-headers", admin).status());
  }

  /**
   * Verifies that a request with both Content-Length and Transfer-Encoding is answered and its
   * connection closed: the request smuggled behind it is never served.
   */
  @Test
  void contentLengthWithTransferEncodingClosesTheConnection() throws IOException {
    String text = exchange("POST /api/guardians/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      + node.token("op-te", "OPERATOR") + "\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    Matcher m = STATUS_LINE.matcher(text);
    assertTrue(m.find(), text);
    assertFalse(m.find(), "the smuggled request was served: " + text);
    assertTrue(text.toLowerCase().contains("connection: close"), text);
  }

  /** Verifies that a duplicate or a negative Content-Length is a 400 envelope, then a closed connection. */
  @Test
  void badContentLengthIsA400EnvelopeAndClose() throws IOException {
    String token = node.token("op-cl", "OPERATOR");
    for (String lengths : new String[] {"Content-Length: 2\r\nContent-Length: 3\r\n", "Content-Length: -1\r\n"}) {
      String text = exchange("POST /api/uows HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\n" + lengths + "\r\n{}");
      assertClosedEnvelope(text, 400, "BAD_REQUEST");
    }
  }

  /** Verifies that headers over 8 KiB are a 431 envelope and a URI over the limit a 414 envelope, each then closed. */
  @Test
  void oversizedHeadIs431And414Envelopes() throws IOException {
    assertClosedEnvelope(exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9 * 1024) + "\r\n\r\n"),
      431, "REQUEST_HEADER_FIELDS_TOO_LARGE");
    assertClosedEnvelope(exchange("GET /health?" + "a".repeat(20 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
      414, "URI_TOO_LONG");
  }
}
