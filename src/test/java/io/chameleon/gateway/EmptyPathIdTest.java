package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * BAR B14: an empty id in a path is a 400 that names the parameter — after the 401 and the
 * route's 403, like any other malformed id — and never a 404 or 405.
 */
class EmptyPathIdTest extends OneNodePerClass {

  private static RawHttp.Response call(String method, String path, String token) {
    String body = method.equals("POST") || method.equals("PUT") ? "{}" : "";
    return RawHttp.send(node.http.port(), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
      + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
  }

  private static void assertEmptyId(RawHttp.Response r, String parameter) {
    assertEquals(400, r.status(), r.toString());
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals("BAD_REQUEST", error.getString("code"));
    assertEquals(parameter + ": must not be empty", error.getString("message"));
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
  }

  /** Verifies that each route that takes ids answers 400 naming the empty parameter. */
  @Test
  void emptyIdsAre400NamingTheParameter() {
    String admin = node.token("admin-empty", "ADMIN");
    String uow = UUID.randomUUID().toString();
    List<String[]> cases = List.of(
      new String[] {"POST", "/pilot/resume/", "uow_id"},
      new String[] {"POST", "/pilot/cancel/", "uow_id"},
      new String[] {"POST", "/pilot/clarification/", "uow_id"},
      new String[] {"POST", "/pilot/waive/" + uow + "/", "guard_rule_id"},
      new String[] {"POST", "/pilot/waive//rule-1", "uow_id"},
      new String[] {"POST", "/pilot/waive//", "uow_id"},
      new String[] {"POST", "/api/interventions//claim", "request_id"},
      new String[] {"POST", "/api/interventions//approve", "request_id"},
      new String[] {"POST", "/api/interventions//reject", "request_id"},
      new String[] {"GET", "/api/interventions/", "request_id"},
      new String[] {"POST", "/api/uows//advance", "uow_id"},
      new String[] {"POST", "/api/uows//interactions", "uow_id"},
      new String[] {"PUT", "/api/guardians/", "name"},
      new String[] {"DELETE", "/api/guardians/", "name"});
    for (String[] c : cases) {
      assertEmptyId(call(c[0], c[1], admin), c[2]);
    }
  }

  /** Verifies that the token (401) and the route's role (403) are still checked first. */
  @Test
  void authComesFirst() {
    String uow = UUID.randomUUID().toString();
    assertEquals(401, call("POST", "/pilot/resume/", null).status());
    assertEquals(401, call("POST", "/api/interventions//claim", null).status());
    assertEquals(403, call("POST", "/pilot/resume/", node.token("viewer-empty", "VIEWER")).status());
    assertEquals(403, call("POST", "/api/interventions//claim", node.token("viewer-empty", "VIEWER")).status());
    assertEquals(403, call("POST", "/pilot/waive/" + uow + "/", node.token("operator-empty", "OPERATOR")).status());
    assertEquals(403, call("DELETE", "/api/guardians/", node.token("operator-empty", "OPERATOR")).status());
    assertEmptyId(call("POST", "/pilot/resume/", node.token("operator-empty", "OPERATOR")), "uow_id");
  }

  /** Verifies that list routes spelled with a trailing slash, and unknown paths, are unchanged. */
  @Test
  void listsAndUnknownPathsAreUnchanged() {
    String viewer = node.token("viewer-empty", "VIEWER");
    assertEquals(200, call("GET", "/api/uows/", viewer).status());
    assertEquals(200, call("GET", "/api/guardians/", viewer).status());
    RawHttp.Response unknown = call("GET", "/api/nothing-here/", viewer);
    assertEquals(404, unknown.status());
    assertFalse(unknown.body().contains("must not be empty"));
    RawHttp.Response wellFormed = call("POST", "/pilot/resume/" + UUID.randomUUID(), node.token("admin-empty", "ADMIN"));
    assertEquals(404, wellFormed.status(), wellFormed.toString());
    assertTrue(wellFormed.body().contains("NOT_FOUND"));
  }
}
