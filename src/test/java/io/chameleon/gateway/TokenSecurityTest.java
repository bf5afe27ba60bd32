package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.Jwts;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BAR.md A2–A8 and A10: forged, malformed, badly-typed and badly-timed tokens against an ADMIN-only
 * write. Each must get 401 with {@code WWW-Authenticate}, never 500, and change nothing.
 */
@OneNodePerClass.Config("{\"auth\":{\"audience\":\"chameleon\"}}")
class TokenSecurityTest extends OneNodePerClass {

  static final String TARGET = "/api/guardians/forged";
  static final String BODY = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";
  static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static String adminClaims(String extra) {
    return "{\"sub\":\"mallory\",\"role\":\"ADMIN\",\"aud\":\"chameleon\"" + extra + "}";
  }

  static String valid(String claimsJson) {
    return Jwts.sign(TestNode.SECRET, "HmacSHA256", HS256, claimsJson);
  }

  /** Sends every token to the ADMIN-only route; collects those not answered 401 properly. */
  static void assertAllRejected(Map<String, String> tokens) {
    List<String> wrong = new ArrayList<>();
    tokens.forEach((label, token) -> {
      Response r = node.http.send("PUT", TARGET, token, BODY);
      String challenge = r.header("WWW-Authenticate");
      if (r.status() != 401 || challenge == null || !challenge.contains("invalid_token")
        || !"UNAUTHENTICATED".equals(r.errorCode())) {
        wrong.add(label + " → " + r.status() + " " + challenge + " " + r.body());
      }
    });
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    String admin = Jwts.sign(TestNode.SECRET, "HmacSHA256", HS256,
      adminClaims(",\"exp\":" + (now() + 600)));
    assertEquals(404, node.http.get(TARGET, admin).status(), "a rejected token changed something");
  }

  /** Verifies that a properly signed token with the required claims is accepted (the control). */
  @Test
  void validTokenIsAccepted() {
    String token = valid(adminClaims(",\"exp\":" + (now() + 600)));
    Response r = node.http.get("/api/guardians", token);
    assertEquals(200, r.status(), r.body());
  }

  /** Verifies that alg none in every spelling, with two or three segments, is refused (A2). */
  @Test
  void algNoneIsRefused() {
    Map<String, String> tokens = new LinkedHashMap<>();
    String claims = Jwts.b64(adminClaims(",\"exp\":" + (now() + 600)));
    for (String alg : List.of("none", "None", "NONE")) {
      String header = Jwts.b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
      tokens.put(alg + " 2 segments", header + "." + claims);
      tokens.put(alg + " empty signature", header + "." + claims + ".");
      tokens.put(alg + " junk signature", header + "." + claims + ".AAAA");
    }
    assertAllRejected(tokens);
  }

  /** Verifies that other algorithms, tampered signatures and payloads, and other secrets are refused (A3). */
  @Test
  void wrongAlgorithmOrSignatureIsRefused() {
    String claims = adminClaims(",\"exp\":" + (now() + 600));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("HS384", Jwts.sign(TestNode.SECRET, "HmacSHA384", "{\"alg\":\"HS384\"}", claims));
    tokens.put("HS512", Jwts.sign(TestNode.SECRET, "HmacSHA512", "{\"alg\":\"HS512\"}", claims));
    tokens.put("RS256 header, HMAC signature", Jwts.sign(TestNode.SECRET, "HmacSHA256", "{\"alg\":\"RS256\"}", claims));
    tokens.put("ES256 header, HMAC signature", Jwts.sign(TestNode.SECRET, "HmacSHA256", "{\"alg\":\"ES256\"}", claims));
    String good = valid(claims);
    char last = good.charAt(good.length() - 2);
    tokens.put("flipped signature byte", good.substring(0, good.length() - 2) + (last == 'A' ? 'B' : 'A') + good.charAt(good.length() - 1));
    String viewer = valid("{\"sub\":\"mallory\",\"role\":\"VIEWER\",\"aud\":\"chameleon\",\"exp\":" + (now() + 600) + "}");
    String[] parts = viewer.split("\\.");
    tokens.put("payload edited VIEWER→ADMIN", parts[0] + "." + Jwts.b64(claims) + "." + parts[2]);
    tokens.put("wrong secret", Jwts.sign("another-secret-of-enough-length-0123456789", "HmacSHA256", HS256, claims));
    assertAllRejected(tokens);
  }

  /** Verifies the time claims around the leeway L = 30 s and the maximum lifetime (A4). */
  @Test
  void timeClaimsHonourLeewayAndLifetime() {
    long now = now();
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("exp = now - L - 5", valid(adminClaims(",\"exp\":" + (now - 35))));
    tokens.put("nbf = now + L + 5", valid(adminClaims(",\"exp\":" + (now + 600) + ",\"nbf\":" + (now + 35))));
    tokens.put("iat = now + L + 5", valid(adminClaims(",\"exp\":" + (now + 600) + ",\"iat\":" + (now + 35))));
    tokens.put("lifetime 24 h + 100 s", valid(adminClaims(",\"iat\":" + now + ",\"exp\":" + (now + 86_500))));
    tokens.put("no iat, exp beyond 24 h", valid(adminClaims(",\"exp\":" + (now + 90_000))));
    assertAllRejected(tokens);

    Response withinLeeway = node.http.get("/api/guardians", valid(adminClaims(",\"exp\":" + (now - 25))));
    assertEquals(200, withinLeeway.status(), "exp = now - L + 5 must still be accepted");
    Response nbfWithin = node.http.get("/api/guardians",
      valid(adminClaims(",\"exp\":" + (now + 600) + ",\"nbf\":" + (now + 25))));
    assertEquals(200, nbfWithin.status(), "nbf = now + L - 5 must be accepted");
  }

  /** Verifies that a missing exp, missing or empty sub, or missing role is refused naming the claim (A5). */
  @Test
  void requiredClaimsAreNamed() {
    long exp = now() + 600;
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("exp", "{\"sub\":\"mallory\",\"role\":\"ADMIN\",\"aud\":\"chameleon\"}");
    cases.put("sub", "{\"role\":\"ADMIN\",\"aud\":\"chameleon\",\"exp\":" + exp + "}");
    cases.put("sub ", "{\"sub\":\"\",\"role\":\"ADMIN\",\"aud\":\"chameleon\",\"exp\":" + exp + "}");
    cases.put("role", "{\"sub\":\"mallory\",\"aud\":\"chameleon\",\"exp\":" + exp + "}");
    cases.forEach((claim, payload) -> {
      Response r = node.http.send("PUT", TARGET, valid(payload), BODY);
      assertEquals(401, r.status(), claim + ": " + r.body());
      String message = r.json().getJsonObject("error").getString("message");
      assertTrue(message.contains("'" + claim.trim() + "'"), "message should name " + claim + ": " + message);
    });
  }

  /** Verifies that badly typed time claims and audience are 401, never 500 (A6). */
  @Test
  void badlyTypedClaimsAreRefused() {
    long exp = now() + 600;
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String bad : List.of("\"never\"", "true", "{}", "[]", "1e400")) {
      tokens.put("exp=" + bad, valid(adminClaims(",\"exp\":" + bad)));
      tokens.put("nbf=" + bad, valid(adminClaims(",\"exp\":" + exp + ",\"nbf\":" + bad)));
      tokens.put("iat=" + bad, valid(adminClaims(",\"exp\":" + exp + ",\"iat\":" + bad)));
    }
    tokens.put("aud=5", valid("{\"sub\":\"mallory\",\"role\":\"ADMIN\",\"aud\":5,\"exp\":" + exp + "}"));
    tokens.put("aud missing", valid("{\"sub\":\"mallory\",\"role\":\"ADMIN\",\"exp\":" + exp + "}"));
    tokens.put("aud other", valid("{\"sub\":\"mallory\",\"role\":\"ADMIN\",\"aud\":\"other\",\"exp\":" + exp + "}"));
    tokens.put("duplicate role key", valid("{\"sub\":\"m\",\"role\":\"VIEWER\",\"role\":\"ADMIN\",\"aud\":\"chameleon\",\"exp\":" + exp + "}"));
    assertAllRejected(tokens);
  }

  /** Verifies that every role value other than the three exact strings is refused (A7). */
  @Test
  void unknownRolesAreRefused() {
    long exp = now() + 600;
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String role : List.of("\"SUPERUSER\"", "\"\"", "null", "123", "{}", "\"admin\"", "[\"ADMIN\"]")) {
      tokens.put("role=" + role, valid("{\"sub\":\"mallory\",\"role\":" + role + ",\"aud\":\"chameleon\",\"exp\":" + exp + "}"));
    }
    assertAllRejected(tokens);
  }

  /** Verifies that kid, jku, x5u and an embedded jwk cannot bring the attacker's own key (A8). */
  @Test
  void headerKeyReferencesAreIgnored() {
    String attackerSecret = "attacker-controlled-secret-0123456789abcdef";
    String k = Jwts.b64(attackerSecret);
    String claims = adminClaims(",\"exp\":" + (now() + 600));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("kid", Jwts.sign(attackerSecret, "HmacSHA256", "{\"alg\":\"HS256\",\"kid\":\"attacker\"}", claims));
    tokens.put("jku", Jwts.sign(attackerSecret, "HmacSHA256", "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/jwks\"}", claims));
    tokens.put("x5u", Jwts.sign(attackerSecret, "HmacSHA256", "{\"alg\":\"HS256\",\"x5u\":\"http://127.0.0.1:1/cert\"}", claims));
    tokens.put("jwk", Jwts.sign(attackerSecret, "HmacSHA256",
      "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"" + k + "\"}}", claims));
    assertAllRejected(tokens);
  }

  /** Verifies that malformed bearer values get 401 with the invalid_token challenge (A10). */
  @Test
  void malformedTokensAreRefused() {
    long exp = now() + 600;
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("one segment", "abc");
    tokens.put("four segments", valid(adminClaims(",\"exp\":" + exp)) + ".extra");
    tokens.put("percent signs", "%%%");
    tokens.put("payload is an array", Jwts.sign(TestNode.SECRET, "HmacSHA256", HS256, new JsonArray().add("ADMIN").encode()));
    tokens.put("header not JSON", Jwts.b64("nope") + "." + Jwts.b64(adminClaims(",\"exp\":" + exp)) + ".sig");
    assertAllRejected(tokens);

    assertEquals(401, node.http.raw("PUT " + TARGET + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n"
      + "Content-Length: 0\r\nConnection: close\r\n\r\n"), "'Bearer' alone must be a 401");
    Response missing = node.http.send("PUT", TARGET, null, BODY);
    assertEquals(401, missing.status());
    assertEquals("Bearer", missing.header("WWW-Authenticate"));
  }

  /** Verifies that headers over 8 KiB are refused with 431 (A10). */
  @Test
  void oversizedHeadersAre431() {
    String nineKiB = "x".repeat(9 * 1024);
    String hundredKiB = "x".repeat(100 * 1024);
    assertEquals(431, node.http.raw("GET /api/guardians HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + nineKiB
      + "\r\nConnection: close\r\n\r\n"));
    assertEquals(431, node.http.raw("GET /api/guardians HTTP/1.1\r\nHost: x\r\nX-Big: " + hundredKiB
      + "\r\nConnection: close\r\n\r\n"));
  }

  /**
   * Verifies that the pilot id limit is enforced at the door: a {@code sub} of 201 characters is a
   * 401 naming the claim (it used to pass and then get 400 {@code actor.pilot_id} on every store
   * route), while one of 200 characters works on a store route.
   */
  @Test
  void aSubLongerThanThePilotIdLimitIs401() {
    long exp = now() + 600;
    String tooLong = valid("{\"sub\":\"" + "p".repeat(201) + "\",\"role\":\"ADMIN\",\"aud\":\"chameleon\",\"exp\":" + exp + "}");
    for (String path : List.of("/api/uows", "/api/interventions/pending", "/api/guardians")) {
      Response r = node.http.get(path, tooLong);
      assertEquals(401, r.status(), path + " " + r.body());
      assertTrue(r.json().getJsonObject("error").getString("message").contains("'sub' is longer than 200"), r.body());
    }
    String longest = valid("{\"sub\":\"" + "p".repeat(200) + "\",\"role\":\"ADMIN\",\"aud\":\"chameleon\",\"exp\":" + exp + "}");
    Response ok = node.http.get("/api/interventions/pending", longest);
    assertEquals(200, ok.status(), ok.body());
  }
}
