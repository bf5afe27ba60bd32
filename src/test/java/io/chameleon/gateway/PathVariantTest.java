package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BAR.md A9: spelling an ADMIN-only route differently (trailing slash, double slash, case,
 * percent-encoding, matrix parameters, other methods, a method-override header) never lets an
 * OPERATOR reach its handler.
 */
class PathVariantTest extends OneNodePerClass {

  static final String BODY = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";

  @BeforeAll
  static void setUp() {
    assertEquals(201, node.http.send("PUT", "/api/guardians/keep", node.token("admin", "ADMIN"), BODY).status());
  }

  private static String request(String method, String path, String token, String extraHeader) {
    String body = method.equals("OPTIONS") ? "" : BODY;
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
      + "Content-Type: application/json\r\n" + extraHeader + "Content-Length: " + body.length() + "\r\n"
      + "Connection: close\r\n\r\n" + body;
  }

  /** Verifies that no variant of PUT/DELETE on a guardian succeeds for an OPERATOR. */
  @Test
  void variantsNeverReachTheHandler() {
    String operator = node.token("operator", "OPERATOR");
    List<String> paths = List.of("/api/guardians/keep", "/api/guardians/keep/", "//api/guardians/keep",
      "/api//guardians/keep", "/API/guardians/keep", "/api/Guardians/keep", "/api/guardians/%6beep",
      "/api/%67uardians/keep", "/api/guardians/keep;x=1", "/api/guardians;x=1/keep", "/api/./guardians/keep",
      "/api/x/../guardians/keep");
    List<String> reached = new ArrayList<>();
    for (String path : paths) {
      // not HEAD: it is GET without the body, which an OPERATOR may do (MethodsTest)
      for (String method : List.of("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
        int status = node.http.raw(request(method, path, operator, ""));
        if (status < 400) {
          reached.add(method + " " + path + " → " + status);
        }
      }
      for (String override : List.of("PUT", "DELETE")) {
        int status = node.http.raw(request("POST", path, operator, "X-HTTP-Method-Override: " + override + "\r\n"));
        if (status < 400) {
          reached.add("POST+override " + override + " " + path + " → " + status);
        }
      }
    }
    assertTrue(reached.isEmpty(), String.join("\n", reached));
    String admin = node.token("admin", "ADMIN");
    assertEquals(200, node.http.get("/api/guardians/keep", admin).status(), "the guardian was deleted");
    assertEquals(1, node.http.get("/api/guardians", admin).data().getJsonArray("guardians").size());
  }
}
