package io.chameleon.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.AccessLines;
import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1 order for bodies: 401, then the endpoint's 403, and only then 413 — the body of a caller
 * who may not use the route is never read. An authorised caller's body still arrives whole, also
 * when its token is verified for the first time.
 */
class BodyAfterRoleTest extends OneNodePerClass {

  static final String GUARDIAN = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";

  private static String oneByteOver() {
    String pad = "{\"type\":\"PASS_THRU\",\"attributes\":{},\"x\":\"";
    return pad + "a".repeat(JsonBodies.LIMIT_BYTES + 1 - pad.length() - 2) + "\"}";
  }

  private static String head(String method, String path, String token, String lengthHeader) {
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
      + "Content-Type: application/json\r\n" + lengthHeader + "\r\n";
  }

  /** Verifies that a VIEWER's or OPERATOR's oversized body to an ADMIN route is 403, and no token is 401. */
  @Test
  void oversizedBodiesOfCallersWithoutTheRoleAre401Or403() throws Exception {
    String body = oneByteOver();
    Response viewer = node.http.send("PUT", "/api/guardians/big", node.token("viewer-big", "VIEWER"), body);
    assertEquals(403, viewer.status(), viewer.body());
    assertEquals("FORBIDDEN", viewer.errorCode());
    Response anonymous = node.http.send("PUT", "/api/guardians/big", null, body);
    assertEquals(401, anonymous.status(), anonymous.body());
    Response toOperatorRoute = node.http.post("/api/guardians/evaluate", node.token("viewer-big", "VIEWER"), body);
    assertEquals(403, toOperatorRoute.status(), toOperatorRoute.body());

    Response chunked = node.http.send(node.http.request("/api/guardians/big", node.token("operator-big", "OPERATOR"))
      .header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[200 * 1024]))));
    assertEquals(403, chunked.status(), chunked.body());

    // only a caller with the role gets as far as the size check
    Response admin = node.http.send("PUT", "/api/guardians/big", node.token("admin-big", "ADMIN"), body);
    assertEquals(413, admin.status(), admin.body());
    assertEquals(404, node.http.get("/api/guardians/big", node.token("admin-big", "ADMIN")).status());
  }

  /** Verifies that 401 and 403 are answered before any of the body is sent: the server never waits for it. */
  @Test
  void refusalsDoNotWaitForTheBody() {
    int port = node.http.port();
    String length = "Content-Length: " + (11 * 1024 * 1024) + "\r\n";
    String chunked = "Transfer-Encoding: chunked\r\n";
    assertEquals(401, node.http.raw(head("PUT", "/api/guardians/wait", null, length)));
    assertEquals(401, node.http.raw(head("PUT", "/api/guardians/wait", null, chunked)));
    assertEquals(403, node.http.raw(head("PUT", "/api/guardians/wait", node.token("viewer-wait", "VIEWER"), length)));
    assertEquals(403, node.http.raw(head("PUT", "/api/guardians/wait", node.token("viewer-wait", "VIEWER"), chunked)));
    assertEquals(403, node.http.raw(head("POST", "/pilot/kill-switch", node.token("operator-wait", "OPERATOR"), chunked)));
    assertEquals(200, RawHttp.get(port, "/health", null).status());
  }

  /** Verifies that each 403 before the body is still logged and recorded as pilot_auth_denied. */
  @Test
  void earlyRefusalsAreStillRecorded() {
    String pilot = "viewer-" + UUID.randomUUID();
    try (AccessLines access = new AccessLines()) {
      Response r = node.http.send("PUT", "/api/guardians/recorded", node.token(pilot, "VIEWER"), oneByteOver());
      assertEquals(403, r.status(), r.body());
      await().atMost(Duration.ofSeconds(5)).until(() -> access.messages().stream()
        .anyMatch(m -> m.startsWith("deny 403") && m.contains(pilot)));
    }
    JsonArray events = node.http.get("/api/events?count=1000", node.token("admin-read", "ADMIN")).data().getJsonArray("events");
    assertTrue(events.stream().map(JsonObject.class::cast)
      .anyMatch(e -> "pilot_auth_denied".equals(e.getString("event_type"))
        && pilot.equals(e.getJsonObject("payload").getString("pilot_id"))
        && "/api/guardians/recorded".equals(e.getJsonObject("payload").getString("path"))), events.encode());
  }

  /**
   * Verifies that an authorised body arrives whole when the token is new to the verifier (not in its
   * cache) and the body comes in its own writes after the head, small and near the limit.
   */
  @Test
  void authorisedBodiesArriveWithFirstTimeTokens() {
    int port = node.http.port();
    String small = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";
    RawHttp.Response created = RawHttp.send(port, head("PUT", "/api/guardians/fresh-small",
      node.token("admin-" + UUID.randomUUID(), "ADMIN"),
      "Content-Length: " + small.length() + "\r\nConnection: close\r\n"), small);
    assertEquals(201, created.status(), created.body());

    String pad = "{\"type\":\"PASS_THRU\",\"name\":\"fresh-large\",\"attributes\":{}";
    String large = pad + " ".repeat(JsonBodies.LIMIT_BYTES - pad.length() - 1) + "}";
    assertEquals(JsonBodies.LIMIT_BYTES, large.length());
    RawHttp.Response atLimit = RawHttp.send(port, head("PUT", "/api/guardians/fresh-large",
      node.token("admin-" + UUID.randomUUID(), "ADMIN"),
      "Content-Length: " + large.length() + "\r\nConnection: close\r\n"), large);
    assertEquals(201, atLimit.status(), atLimit.body());

    RawHttp.Response chunked = RawHttp.send(port, head("PUT", "/api/guardians/fresh-chunked",
      node.token("admin-" + UUID.randomUUID(), "ADMIN"), "Transfer-Encoding: chunked\r\nConnection: close\r\n"),
      Integer.toHexString(small.length()) + "\r\n" + small + "\r\n0\r\n\r\n");
    assertEquals(201, chunked.status(), chunked.body());

    Response evaluated = node.http.post("/api/guardians/evaluate", node.token("operator-" + UUID.randomUUID(), "OPERATOR"),
      "{\"guardians\":[\"fresh-small\"],\"uow\":{\"uow_id\":\"u-1\"}}");
    assertEquals(200, evaluated.status(), evaluated.body());
    assertTrue(evaluated.data().getBoolean("allowed"));
  }
}
