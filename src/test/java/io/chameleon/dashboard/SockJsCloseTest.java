package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On every SockJS polling transport, a session closed for a message over 64 KiB or for the rate cap
 * gets the close frame the raw WebSocket gets — {@code c[1009,"message over 65536 bytes"]},
 * {@code c[1008,"message rate limit"]} — not SockJS's {@code c[3000,"Go away!"]}, after the error
 * frame that says why. Real HTTP requests, each transport framed as sockjs-client reads it.
 */
class SockJsCloseTest {

  @TempDir
  static Path dataDir;
  static TestNode node;
  private static final Pattern SCRIPT_CALL = Pattern.compile("p\\(\"(.*)\"\\);|/\\*\\*/cb\\(\"(.*)\"\\);");

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Verifies the 1009 close frame of a message over 64 KiB (sent before auth). */
  @ParameterizedTest
  @ValueSource(strings = {"xhr", "xhr_streaming", "eventsource", "htmlfile", "jsonp"})
  void verifiesThatAMessageOverTheLimitClosesWith1009(String transport) throws Exception {
    Session session = new Session(transport, "big");
    session.open();
    session.send(List.of(new JsonObject().put("type", "auth").put("pad", "x".repeat(70_000)).encode()));
    assertEquals("c[1009,\"message over 65536 bytes\"]", session.awaitClose(), session.frames.toString());
  }

  /** Verifies the RATE_LIMITED error, then the 1008 close frame, of a client past the rate cap. */
  @ParameterizedTest
  @ValueSource(strings = {"xhr", "xhr_streaming", "eventsource", "htmlfile", "jsonp"})
  void verifiesThatARateLimitedClientGetsTheErrorThen1008(String transport) throws Exception {
    Session session = new Session(transport, "rate");
    session.open();
    List<String> burst = new ArrayList<>();
    burst.add(new JsonObject().put("type", "auth").put("id", "a")
      .put("payload", new JsonObject().put("token", node.token("pilot-r", "VIEWER"))).encode());
    for (int i = 0; i < 40; i++) {
      burst.add(new JsonObject().put("type", "get_metrics").put("id", i).encode());
    }
    session.send(burst);
    assertEquals("c[1008,\"message rate limit\"]", session.awaitClose(), session.frames.toString());
    assertTrue(SockJsTransportTest.messages(session.frames).stream().anyMatch(m -> m.getJsonObject("error") != null
      && "RATE_LIMITED".equals(m.getJsonObject("error").getString("code"))), session.frames.toString());
  }

  /** Verifies the same close frame on SockJS's own WebSocket transport (SockJS framing, not the raw socket). */
  @Test
  void verifiesThatSockJsWebSocketClosesWith1009() {
    Vertx clientVertx = Vertx.vertx();
    try {
      List<String> got = new CopyOnWriteArrayList<>();
      ClientWebSocket ws = clientVertx.createWebSocketClient().webSocket().textMessageHandler(got::add);
      TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.http.port())
        .setURI("/ws/interventions/000/bigws/websocket")));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("o"));
      ws.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "auth").put("pad", "x".repeat(70_000)).encode()).encode());
      await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(f -> f.startsWith("c[")));
      assertEquals("c[1009,\"message over 65536 bytes\"]", got.stream().filter(f -> f.startsWith("c[")).findFirst().orElseThrow());
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /** One SockJS session over one receive transport, with xhr_send (or jsonp_send for jsonp) to send. */
  private static final class Session {
    final String transport;
    final String base;
    final CookieManager cookies = new CookieManager();
    final List<String> frames = new CopyOnWriteArrayList<>();

    Session(String transport, String name) {
      this.transport = transport;
      this.base = "http://127.0.0.1:" + node.http.port() + "/ws/interventions/000/" + name + transport.replace("_", "");
    }

    boolean polling() {
      return transport.equals("xhr") || transport.equals("jsonp");
    }

    void open() throws Exception {
      if (polling()) {
        poll();
      } else {
        stream();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.contains("o"));
    }

    void send(List<String> messages) throws Exception {
      String array = new JsonArray(new ArrayList<>(messages)).encode();
      HttpResponse<String> sent = transport.equals("jsonp")
        ? post(base + "/jsonp_send", "d=" + URLEncoder.encode(array, StandardCharsets.UTF_8),
          "application/x-www-form-urlencoded")
        : post(base + "/xhr_send", array, "text/plain");
      assertTrue(sent.statusCode() == 204 || sent.statusCode() == 200, sent.statusCode() + " " + sent.body());
    }

    /** Polls (or watches the stream) until a close frame comes; returns the first one. */
    String awaitClose() throws Exception {
      if (polling()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (frames.stream().noneMatch(f -> f.startsWith("c[")) && System.nanoTime() < deadline) {
          poll();
        }
      } else {
        await().atMost(Duration.ofSeconds(15)).until(() -> frames.stream().anyMatch(f -> f.startsWith("c[")));
      }
      return frames.stream().filter(f -> f.startsWith("c[")).findFirst().orElse("no close frame");
    }

    private void poll() throws Exception {
      HttpResponse<String> got = transport.equals("xhr") ? post(base + "/xhr", "", "text/plain")
        : client().send(HttpRequest.newBuilder(URI.create(base + "/jsonp?c=cb")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      got.body().lines().forEach(this::line);
    }

    private void stream() {
      String path = switch (transport) {
        case "htmlfile" -> "/htmlfile?c=cb";
        default -> "/" + transport;
      };
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      if (transport.equals("xhr_streaming")) {
        request.POST(HttpRequest.BodyPublishers.noBody());
      }
      client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> CompletableFuture.runAsync(() -> {
          try (Stream<String> lines = r.body()) {
            lines.forEach(this::line);
          }
        }));
    }

    /** One line of a response, as the transport frames it. */
    private void line(String line) {
      String frame = switch (transport) {
        case "xhr", "xhr_streaming" -> line.matches("h{2,}") ? "h" : line;
        case "eventsource" -> line.startsWith("data: ") ? line.substring(6) : null;
        default -> {
          Matcher m = SCRIPT_CALL.matcher(line);
          yield m.find() ? unescape(m.group(1) != null ? m.group(1) : m.group(2)) : null;
        }
      };
      if (frame != null && !frame.isEmpty()) {
        frames.add(frame);
      }
    }

    private static String unescape(String js) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < js.length(); i++) {
        char c = js.charAt(i);
        if (c == '\\' && i + 1 < js.length()) {
          char next = js.charAt(++i);
          if (next == 'u' && i + 4 < js.length()) {
            out.append((char) Integer.parseInt(js.substring(i + 1, i + 5), 16));
            i += 4;
          } else {
            out.append(next == 'n' ? '\n' : next);
          }
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    /** A fresh client per request: Vert.x's SockJS closes the connection after each poll. */
    private HttpClient client() {
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    }

    private HttpResponse<String> post(String url, String body, String type) throws Exception {
      return client().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    }
  }
}
