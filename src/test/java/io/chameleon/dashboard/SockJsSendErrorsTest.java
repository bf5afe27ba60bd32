package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad xhr_send body gets the API's JSON envelope, with the transport's real limit, and the session lives on. */
class SockJsSendErrorsTest {

  private static final String SESSION = "/ws/interventions/000/senderr1";

  @Test
  void verifiesThatBadXhrSendBodiesGetTheEnvelope(@TempDir Path dataDir) throws Exception {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      // a client per request (see post): the cookie jar carries the session's cookie over
      CookieManager client = new CookieManager();
      String base = "http://127.0.0.1:" + node.http.port() + SESSION;
      assertEquals("o", post(client, base + "/xhr", "").body().trim());

      for (String bad : new String[] {"", "   ", "{not json", "{}", "[1]", "[\"ok\", null]"}) {
        HttpResponse<String> got = post(client, base + "/xhr_send", bad);
        assertEquals(400, got.statusCode(), bad + " -> " + got.body());
        JsonObject error = new JsonObject(got.body()).getJsonObject("error");
        assertEquals("BAD_REQUEST", error.getString("code"), got.body());
        assertTrue(error.getString("message").contains("JSON array of strings"), got.body());
      }

      // over 256 KiB: the 413 names that limit, not the API's 64 KiB
      String huge = new JsonArray().add("x".repeat(300 * 1024)).encode();
      HttpResponse<String> tooBig = post(client, base + "/xhr_send", huge);
      assertEquals(413, tooBig.statusCode(), tooBig.body());
      assertTrue(new JsonObject(tooBig.body()).getJsonObject("error").getString("message").contains("262144"),
        tooBig.body());

      // the session was not touched: a good message is still answered
      String auth = new JsonObject().put("type", "auth").put("id", "after")
        .put("payload", new JsonObject().put("token", node.token("pilot-2", "ADMIN"))).encode();
      assertEquals(204, post(client, base + "/xhr_send", new JsonArray().add(auth).encode()).statusCode());
      String frame = post(client, base + "/xhr", "").body().trim();
      assertTrue(frame.startsWith("a[") && frame.contains("after"), frame);
    }
  }

  /** Verifies that bad jsonp_send bodies, form-encoded or plain, get the envelope and leave the session as it was. */
  @Test
  void verifiesThatBadJsonpSendBodiesGetTheEnvelope(@TempDir Path dataDir) throws Exception {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      CookieManager client = new CookieManager();
      String base = "http://127.0.0.1:" + node.http.port() + "/ws/interventions/000/jsonperr1";
      assertEquals("/**/cb(\"o\");", get(client, base + "/jsonp?c=cb").body().trim());

      String form = "application/x-www-form-urlencoded";
      String[][] bad = {{form, ""}, {form, "d="}, {form, "x=[\"a\"]"}, {form, "d=%ZZ"}, {form, "d=%7B%7D"},
        {form, "d=" + URLEncoder.encode("[1]", StandardCharsets.UTF_8)}, {"text/plain", ""}, {"text/plain", "{not json"},
        {"text/plain", "[\"ok\", null]"}};
      for (String[] body : bad) {
        HttpResponse<String> got = post(client, base + "/jsonp_send", body[1], body[0]);
        assertEquals(400, got.statusCode(), body[0] + " " + body[1] + " -> " + got.body());
        JsonObject error = new JsonObject(got.body()).getJsonObject("error");
        assertEquals("BAD_REQUEST", error.getString("code"), got.body());
        assertTrue(error.getString("message").contains("JSON array of strings"), got.body());
      }
      HttpResponse<String> json = post(client, base + "/jsonp_send", "[\"x\"]", "application/json");
      assertEquals(415, json.statusCode(), json.body());
      assertEquals("UNSUPPORTED_MEDIA_TYPE", new JsonObject(json.body()).getJsonObject("error").getString("code"));

      String huge = "d=" + URLEncoder.encode(new JsonArray().add("x".repeat(300 * 1024)).encode(), StandardCharsets.UTF_8);
      HttpResponse<String> tooBig = post(client, base + "/jsonp_send", huge, form);
      assertEquals(413, tooBig.statusCode(), tooBig.body());
      assertTrue(new JsonObject(tooBig.body()).getJsonObject("error").getString("message").contains("262144"),
        tooBig.body());

      // the session was not touched: a good message, form-encoded, is still answered
      String auth = new JsonObject().put("type", "auth").put("id", "after")
        .put("payload", new JsonObject().put("token", node.token("pilot-2", "ADMIN"))).encode();
      HttpResponse<String> good = post(client, base + "/jsonp_send",
        "d=" + URLEncoder.encode(new JsonArray().add(auth).encode(), StandardCharsets.UTF_8), form);
      assertEquals(200, good.statusCode(), good.body());
      String frame = get(client, base + "/jsonp?c=cb").body().trim();
      assertTrue(frame.startsWith("/**/cb(\"a[") && frame.contains("after"), frame);
    }
  }

  @Test
  void verifiesThatAPollingClientGetsTheErrorBeforeTheClose(@TempDir Path dataDir) throws Exception {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      // a client per request (see post): the cookie jar carries the session's cookie over
      CookieManager client = new CookieManager();
      String base = "http://127.0.0.1:" + node.http.port() + "/ws/interventions/000/closing1";
      assertEquals("o", post(client, base + "/xhr", "").body().trim());
      // not auth first: the WebSocket transports get an error frame, then 1008; so must a polling client
      String early = new JsonObject().put("type", "nope").put("id", "early").encode();
      assertEquals(204, post(client, base + "/xhr_send", new JsonArray().add(early).encode()).statusCode());
      java.util.List<String> frames = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (frames.stream().noneMatch(f -> f.startsWith("c[")) && System.nanoTime() < deadline) {
        frames.add(post(client, base + "/xhr", "").body().trim());
      }
      assertTrue(frames.get(frames.size() - 1).startsWith("c["), frames.toString());
      assertTrue(SockJsTransportTest.messages(frames).stream()
        .anyMatch(m -> m.getJsonObject("error") != null), "the error frame before the close: " + frames);
    }
  }

  /** On a fresh client: Vert.x's SockJS closes the connection after each xhr poll, so a pooled one may be dead. */
  private static HttpResponse<String> post(CookieManager cookies, String url, String body) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
      .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(CookieManager cookies, String url, String body, String type) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Content-Type", type)
      .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(CookieManager cookies, String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
  }
}
