package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket pings count against the socket's message rate: a few are answered and the socket stays
 * open; a flood gets {@code RATE_LIMITED} and the socket is closed (1008 on the raw WebSocket), on
 * the raw transport and on SockJS's WebSocket transport alike — instead of the server answering
 * every ping with a pong, outside the write budget, for as long as the client sends them.
 */
class PingFloodTest {

  static final int RATE = 20;

  private static JsonObject overrides() {
    return ReplayTest.overrides().put("dashboard", new JsonObject().put("max_messages_per_second", RATE));
  }

  @Test
  void verifiesThatAPingFloodClosesTheRawSocketAndAFewPingsDoNot(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides())) {
      WebSocketClient client = SocketClient.client(clientVertx);
      String token = node.token("pinger", "VIEWER");

      try (SocketClient calm = SocketClient.authenticated(client, node.http.port(), token)) {
        AtomicInteger pongs = new AtomicInteger();
        calm.ws.pongHandler(b -> pongs.incrementAndGet());
        for (int i = 0; i < 5; i++) {
          TestNode.await(calm.ws.writePing(Buffer.buffer("p" + i)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pongs.get() == 5);
        assertTrue(calm.request("get_metrics", "m", null) != null);
        assertFalse(calm.closed());
      }

      SocketClient flood = SocketClient.authenticated(client, node.http.port(), token);
      for (int i = 0; i < RATE * 10 && !flood.closed(); i++) {
        flood.ws.writePing(Buffer.buffer("flood"));
      }
      assertEquals(DashboardSession.CLOSE_POLICY, flood.awaitClose());
      assertEquals("message rate limit", flood.closeReason);
      assertTrue(flood.frames.stream().anyMatch(f -> f.getJsonObject("error") != null
        && Frames.RATE_LIMITED.equals(f.getJsonObject("error").getString("code"))), flood.frames.toString());
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  @Test
  void verifiesThatAPingFloodClosesASockJsWebSocketSession(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides())) {
      List<String> frames = new CopyOnWriteArrayList<>();
      ClientWebSocket ws = clientVertx.createWebSocketClient().webSocket().textMessageHandler(frames::add);
      TestNode.await(ws.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(node.http.port()).setURI("/ws/interventions/123/pingpong/websocket")));
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.contains("o"));
      for (int i = 0; i < RATE * 10 && !ws.isClosed(); i++) {
        ws.writePing(Buffer.buffer("flood"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> f.startsWith("c")));
      assertTrue(SockJsTransportTest.messages(frames).stream().anyMatch(m -> m.getJsonObject("error") != null
        && Frames.RATE_LIMITED.equals(m.getJsonObject("error").getString("code"))), frames.toString());
      await().atMost(Duration.ofSeconds(10)).until(() -> SlowReplayTest.status(node).getInteger("sockets") == 0);
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
