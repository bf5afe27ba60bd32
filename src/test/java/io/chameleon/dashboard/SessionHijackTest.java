package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SockJS polling transports: a session id learnt by someone else is not a way in. A pilot
 * opens and authenticates a session over {@code xhr}; a second client, with no token and none of
 * the pilot's cookies, sends into that session id and polls it — and gets nothing.
 */
class SessionHijackTest {

  private static final String SID = "victim01";

  @Test
  void verifiesThatAnotherClientCannotSendIntoOrReadAPilotsPollingSession(@TempDir Path dataDir) throws Exception {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      int port = node.http.port();
      // a client per request: Vert.x's SockJS closes the connection after each xhr poll, and a pooled
      // connection reused just then fails; the pilot's cookie jar is what carries over
      CookieManager pilot = new CookieManager();
      CookieManager attacker = null;

      HttpResponse<String> open = post(pilot, port, "/ws/interventions/000/" + SID + "/xhr", null);
      assertEquals("o", open.body().trim());
      String setCookie = open.headers().firstValue("Set-Cookie").orElse("");
      assertTrue(setCookie.startsWith(SessionBinding.COOKIE + "="), setCookie);
      assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);

      String auth = new JsonObject().put("type", "auth").put("id", "a")
        .put("payload", new JsonObject().put("token", node.token("pilot-1", "ADMIN"))).encode();
      assertEquals(204, post(pilot, port, "/ws/interventions/000/" + SID + "/xhr_send", batch(auth)).statusCode());
      List<JsonObject> pilotGot = new ArrayList<>(poll(pilot, port, "000"));
      assertTrue(pilotGot.stream().anyMatch(m -> "auth".equals(m.getString("type")) && m.getBoolean("success")));

      // the attack: another server id, the victim's session id, no token, no cookie
      String evil = new JsonObject().put("type", "nope").put("id", "evil").encode();
      HttpResponse<String> sent = post(attacker, port, "/ws/interventions/999/" + SID + "/xhr_send", batch(evil));
      assertEquals(404, sent.statusCode(), sent.body());
      HttpResponse<String> polled = post(attacker, port, "/ws/interventions/999/" + SID + "/xhr", null);
      assertEquals(404, polled.statusCode(), polled.body());
      assertFalse(polled.body().startsWith("a["), polled.body());
      assertEquals("NOT_FOUND", new JsonObject(polled.body()).getJsonObject("error").getString("code"));
      // nor with a made-up cookie of the right shape
      HttpResponse<String> forged = send(attacker, port, "/ws/interventions/999/" + SID + "/xhr", null,
        SessionBinding.COOKIE + "=" + "A".repeat(43));
      assertEquals(404, forged.statusCode(), forged.body());

      // the pilot's session is untouched: its own request is answered, the attacker's never was
      String mine = new JsonObject().put("type", "nope").put("id", "mine").encode();
      assertEquals(204, post(pilot, port, "/ws/interventions/000/" + SID + "/xhr_send", batch(mine)).statusCode());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (pilotGot.stream().noneMatch(m -> "mine".equals(m.getString("id"))) && System.nanoTime() < deadline) {
        pilotGot.addAll(poll(pilot, port, "000"));
      }
      assertTrue(pilotGot.stream().anyMatch(m -> "mine".equals(m.getString("id"))), pilotGot.toString());
      assertTrue(pilotGot.stream().noneMatch(m -> "evil".equals(m.getString("id"))), pilotGot.toString());
    }
  }

  @Test
  void verifiesThatASessionIsBoundToItsAddressAndSecret() {
    SessionBinding bindings = new SessionBinding(new SocketCaps.Limits(100, 100, 100));
    assertFalse(bindings.enter("s", true, "10.0.0.1", null, 0).allowed(), "no sending into a session nobody opened");
    SessionBinding.Verdict first = bindings.enter("s", false, "10.0.0.1", null, 0);
    assertTrue(first.allowed());
    assertNotNull(first.setCookie());
    assertTrue(bindings.enter("s", true, "10.0.0.1", first.setCookie(), 1).allowed());
    assertFalse(bindings.enter("s", true, "10.0.0.2", first.setCookie(), 1).allowed(), "the secret from elsewhere");
    assertFalse(bindings.enter("s", false, "10.0.0.1", null, 1).allowed(), "the address without the secret");
    // a session idle past the limit is forgotten, so the table does not grow
    bindings.done("s", 2);
    bindings.done("s", 2);
    bindings.enter("other", false, "10.0.0.3", null, 2 + SessionBinding.IDLE_MS + 1);
    assertEquals(1, bindings.size());
  }

  /** A fresh client (no pooled connection), with the given cookie jar or none. */
  private static HttpClient client(CookieManager cookies) {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5));
    if (cookies != null) {
      builder.cookieHandler(cookies);
    }
    return builder.build();
  }

  private static String batch(String message) {
    return new JsonArray().add(message).encode();
  }

  private static HttpResponse<String> post(CookieManager client, int port, String path, String body) throws Exception {
    return send(client, port, path, body, null);
  }

  private static HttpResponse<String> send(CookieManager client, int port, String path, String body, String cookie)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10))
      .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return client(client).send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One xhr poll of the pilot's session: the messages it carried. */
  private static List<JsonObject> poll(CookieManager client, int port, String server) throws Exception {
    HttpResponse<String> got = post(client, port, "/ws/interventions/" + server + "/" + SID + "/xhr", null);
    assertEquals(200, got.statusCode(), got.body());
    String frame = got.body().trim();
    return frame.startsWith("a") ? SockJsTransportTest.messages(List.of(frame)) : List.of();
  }
}
