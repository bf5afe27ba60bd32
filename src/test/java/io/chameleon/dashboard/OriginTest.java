package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR F27: with {@code dashboard.allowed_origin} set, a socket from any other Origin is refused;
 * BAR B16: CORS is off by default, and names only the configured origin when one is set.
 */
class OriginTest {

  static final String ALLOWED = "https://pilots.example.com";

  @Test
  void verifiesThatAForeignOriginIsRefusedAndTheConfiguredOneAccepted(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)))
      .put("dashboard", new JsonObject().put("allowed_origin", ALLOWED));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      WebSocketClient client = SocketClient.client(clientVertx);
      int port = node.http.port();
      Throwable refused = null;
      try {
        SocketClient.connect(client, port, SocketClient.RAW_PATH, "https://evil.example.net", true);
      } catch (RuntimeException e) {
        refused = e.getCause() != null ? e.getCause() : e;
      }
      assertTrue(refused instanceof UpgradeRejectedException, String.valueOf(refused));
      assertEquals(403, ((UpgradeRejectedException) refused).getStatus());
      // SockJS's own XHR handshake obeys the same rule.
      assertEquals(403, node.http.raw("GET /ws/interventions/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Origin: https://evil.example.net\r\nConnection: close\r\n\r\n"));
      assertEquals(200, node.http.raw("GET /ws/interventions/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Origin: " + ALLOWED + "\r\nConnection: close\r\n\r\n"));

      try (SocketClient socket = SocketClient.connect(client, port, SocketClient.RAW_PATH, ALLOWED, true)) {
        JsonObject reply = socket.request("auth", "a", new JsonObject().put("token", node.token("v", "VIEWER")));
        assertTrue(reply.getBoolean("success"));
      }

      // CORS answers name the configured origin only, and nothing without an Origin
      HttpResponse<String> allowed = send(port, "GET", "/ws/interventions/info", ALLOWED);
      assertEquals(200, allowed.statusCode());
      assertEquals(ALLOWED, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      HttpResponse<String> preflight = send(port, "OPTIONS", "/ws/interventions/000/origin1/xhr_send", ALLOWED);
      assertEquals(ALLOWED, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertNoCors(send(port, "GET", "/ws/interventions/info", null));
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /**
   * Verifies BAR B16 for the SockJS endpoints: with no origin configured (the default), no CORS
   * header is sent to any Origin — SockJS by itself would echo it, with credentials — while the
   * same-origin console's handshake and XHR transport still work.
   */
  @Test
  void verifiesThatCorsIsOffByDefault(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      int port = node.http.port();
      String foreign = "https://evil.example.net";
      HttpResponse<String> info = send(port, "GET", "/ws/interventions/info", foreign);
      assertEquals(200, info.statusCode());
      assertNoCors(info);
      assertNoCors(send(port, "OPTIONS", "/ws/interventions/info", foreign));
      assertNoCors(send(port, "OPTIONS", "/ws/interventions/000/cors1/xhr_send", foreign));
      HttpResponse<String> opened = send(port, "POST", "/ws/interventions/000/cors1/xhr", foreign);
      assertEquals(200, opened.statusCode());
      assertNoCors(opened);

      String self = "http://127.0.0.1:" + port;
      HttpResponse<String> sameOrigin = send(port, "GET", "/ws/interventions/info", self);
      assertEquals(200, sameOrigin.statusCode());
      assertTrue(new JsonObject(sameOrigin.body()).getBoolean("websocket"));
      HttpResponse<String> xhr = send(port, "POST", "/ws/interventions/000/cors2/xhr", self);
      assertEquals(200, xhr.statusCode());
      assertEquals("o", xhr.body().trim());
      assertNoCors(xhr);
    }
  }

  private static void assertNoCors(HttpResponse<String> response) {
    List<String> cors = response.headers().map().keySet().stream()
      .filter(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"))
      .toList();
    assertTrue(cors.isEmpty(), response.uri() + " sent " + cors + ": " + response.headers().map());
  }

  private static HttpResponse<String> send(int port, String method, String path, String origin) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10))
      .method(method, HttpRequest.BodyPublishers.noBody());
    if (origin != null) {
      request.header("Origin", origin);
    }
    if (method.equals("OPTIONS")) {
      request.header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type");
    }
    try {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }
}
