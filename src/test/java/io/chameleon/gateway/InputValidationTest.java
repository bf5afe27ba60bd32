package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BAR.md B11–B16 through the gateway: every bad input gets its clear error and changes nothing. */
class InputValidationTest extends OneNodePerClass {

  static String admin;

  @BeforeAll
  static void setUp() {
    admin = node.token("admin-1", "ADMIN");
  }

  private static void assertError(Response r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    assertFalse(r.json().getBoolean("success"));
    assertEquals(code, r.errorCode());
    assertFalse(r.body().contains("Exception"), r.body());
    assertTrue(r.header("Content-Type").startsWith("application/json"));
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
  }

  /**
   * Verifies that the JSON depth limit leaves room for what SPEC §4 allows: an inline COMPOSITE 32
   * levels deep is registered, and the 33rd level is refused by the guardian rules, naming its path.
   */
  @Test
  void compositesNestedAsDeepAsAllowedFitInABody() {
    assertEquals(201, node.http.send("PUT", "/api/guardians/deep-32", admin, nested(32).encode()).status());
    Response tooDeep = node.http.send("PUT", "/api/guardians/deep-33", admin, nested(33).encode());
    assertError(tooDeep, 400, "BAD_REQUEST");
    assertTrue(tooDeep.json().getJsonObject("error").getString("message").contains("deeper than 32"), tooDeep.body());
  }

  /** A COMPOSITE holding a COMPOSITE … {@code levels} deep, a PASS_THRU at the bottom. */
  private static io.vertx.core.json.JsonObject nested(int levels) {
    io.vertx.core.json.JsonObject guardian = new io.vertx.core.json.JsonObject().put("type", "PASS_THRU")
      .put("attributes", new io.vertx.core.json.JsonObject());
    for (int i = 0; i < levels; i++) {
      guardian = new io.vertx.core.json.JsonObject().put("type", "COMPOSITE").put("attributes",
        new io.vertx.core.json.JsonObject().put("guardians", new io.vertx.core.json.JsonArray().add(guardian)));
    }
    return guardian;
  }

  /** Verifies that bodies over 64 KiB (by one byte, by 11 MiB, and chunked) get 413 (B11). */
  @Test
  void oversizedBodiesAre413() throws Exception {
    String pad = "{\"type\":\"PASS_THRU\",\"attributes\":{},\"x\":\"";
    String oneOver = pad + "a".repeat(64 * 1024 + 1 - pad.length() - 2) + "\"}";
    assertEquals(64 * 1024 + 1, oneOver.length());
    assertError(node.http.send("PUT", "/api/guardians/big", admin, oneOver), 413, "PAYLOAD_TOO_LARGE");
    assertError(node.http.send("PUT", "/api/guardians/big", admin, "a".repeat(11 * 1024 * 1024)), 413, "PAYLOAD_TOO_LARGE");

    Response chunked = node.http.send(node.http.request("/api/guardians/big", admin)
      .header("Content-Type", "application/json")
      .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[200 * 1024]))));
    assertEquals(413, chunked.status());
    assertEquals(404, node.http.get("/api/guardians/big", admin).status());
  }

  /** Verifies that malformed, too deep, non-object and wrongly typed bodies get 400 (B12). */
  @Test
  void malformedBodiesAre400() {
    List<String> bodies = List.of(
      "{\"type\":\"PASS_THRU\"",
      "[".repeat(5000) + "]".repeat(5000),
      "{\"a\":".repeat(5000) + "1" + "}".repeat(5000),
      "[{\"type\":\"PASS_THRU\"}]",
      "\"PASS_THRU\"",
      "{\"type\":\"PASS_THRU\",\"attributes\":{}} trailing",
      "{\"type\":\"PASS_THRU\",\"type\":\"CERBERUS\",\"attributes\":{}}",
      "{/*comment*/\"type\":\"PASS_THRU\",\"attributes\":{}}",
      "{\"type\":42,\"attributes\":{}}",
      "{\"type\":\"PASS_THRU\",\"attributes\":{},\"status\":\"APPROVED\"}",
      "{\"type\":\"PASS_THRU\",\"attributes\":{},\"role\":\"ADMIN\"}");
    for (String body : bodies) {
      assertError(node.http.send("PUT", "/api/guardians/bad-body", admin, body), 400, "BAD_REQUEST");
    }
    assertError(node.http.post("/api/guardians/evaluate", admin, "{\"guardians\":\"x\",\"uow\":{}}"), 400, "BAD_REQUEST");
    assertError(node.http.post("/api/guardians/evaluate", admin, "{\"guardians\":[\"x\"],\"uow\":[]}"), 400, "BAD_REQUEST");
    assertError(node.http.post("/api/guardians/evaluate", admin,
      "{\"guardians\":[{\"type\":\"PASS_THRU\"}],\"uow\":{},\"assigned_to\":\"me\"}"), 400, "BAD_REQUEST");
    assertEquals(404, node.http.get("/api/guardians/bad-body", admin).status());
  }

  /** Verifies that a body that is not application/json gets 415 and leaves no upload on disk (B13). */
  @Test
  void nonJsonBodiesAre415() throws Exception {
    assertError(node.http.send("PUT", "/api/guardians/plain", admin, "{\"type\":\"PASS_THRU\"}", "text/plain"),
      415, "UNSUPPORTED_MEDIA_TYPE");
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\r\nDATA\r\n--b--\r\n";
    assertError(node.http.send("PUT", "/api/guardians/plain", admin, multipart, "multipart/form-data; boundary=b"),
      415, "UNSUPPORTED_MEDIA_TYPE");
    assertFalse(Files.exists(Path.of("file-uploads")), "an upload directory was created");
    assertEquals(404, node.http.get("/api/guardians/plain", admin).status());
  }

  /** Verifies that malformed path ids get 400 and a well-formed unknown id 404 (B14). */
  @Test
  void malformedIdsAre400() {
    List<String> ids = List.of("%2e%2e%2fx", "..%2Fx", "a".repeat(4096), "a%00b", "a%E2%80%AEb", "a%20b", "%F0%9F%98%80");
    for (String id : ids) {
      assertError(node.http.get("/api/guardians/" + id, admin), 400, "BAD_REQUEST");
      assertError(node.http.send("DELETE", "/api/guardians/" + id, admin, null), 400, "BAD_REQUEST");
    }
    assertError(node.http.get("/api/guardians/well-formed.but:unknown", admin), 404, "NOT_FOUND");
  }

  /** Verifies that count and after out of range are 400 (B15). */
  @Test
  void outOfRangeQueriesAre400() {
    for (String count : List.of("0", "-1", "1001", "1e9", "9223372036854775808", "abc", "")) {
      assertError(node.http.get("/api/events?count=" + count, admin), 400, "BAD_REQUEST");
    }
    for (String after : List.of("abc", "1-", "-1-0", "1-2-3", "99999999999999999999-0")) {
      assertError(node.http.get("/api/events?after=" + after, admin), 400, "BAD_REQUEST");
    }
    assertEquals(200, node.http.get("/api/events?count=1000&after=0-0", admin).status());
  }

  /** Verifies that CORS is off by default and JSON answers carry their safety headers (B16). */
  @Test
  void noCorsByDefault() {
    Response r = node.http.send("GET", "/api/guardians", admin, null);
    assertEquals(200, r.status());
    assertNull(r.header("Access-Control-Allow-Origin"));
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
    assertTrue(r.header("Content-Type").startsWith("application/json"));
  }

  /** Verifies that unknown routes answer the 404 envelope, after authentication under /api. */
  @Test
  void unknownRoutesAre404() {
    assertError(node.http.get("/nothing-here", null), 404, "NOT_FOUND");
    assertError(node.http.get("/api/nothing-here", admin), 404, "NOT_FOUND");
    assertError(node.http.get("/api/nothing-here", null), 401, "UNAUTHENTICATED");
  }
}
