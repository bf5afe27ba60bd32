package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caps on open sockets — per node, per client address, per pilot — with real clients: the
 * socket over a cap gets a {@code TOO_MANY_SOCKETS} error and is closed with 1013 and a reason
 * naming the cap (SockJS sessions: SockJS's own close), counted in the dashboard's
 * status and in {@code chameleon_dashboard_sockets_refused_total}; the sockets under it keep
 * working, and a closed socket frees its place.
 */
class SocketCapsTest {

  private static JsonObject overrides(int node, int perPilot, int perAddress) {
    return new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)))
      .put("dashboard", new JsonObject().put("max_sockets", node).put("max_sockets_per_pilot", perPilot)
        .put("max_sockets_per_address", perAddress));
  }

  /** Verifies that the socket past max_sockets_per_address is closed with 1013, and a closed one frees a place. */
  @Test
  void verifiesThatTheSocketOverTheAddressCapIsClosedWith1013(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides(100, 100, 3))) {
      WebSocketClient client = SocketClient.client(clientVertx);
      List<SocketClient> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(SocketClient.connect(client, node.http.port()));
      }
      SocketClient over = SocketClient.connect(client, node.http.port());
      assertEquals(SocketCaps.CLOSE_CAP, over.awaitClose());
      assertEquals("too many sockets from this address", over.closeReason);
      assertEquals("TOO_MANY_SOCKETS", over.frames.peek().getJsonObject("error").getString("code"));
      assertEquals(1L, refused(node).getLong("address"));

      // the three under the cap work
      String token = node.token("pilot-1", "VIEWER");
      for (SocketClient socket : open) {
        assertTrue(socket.request("auth", "a", new JsonObject().put("token", token)).getBoolean("success"));
        assertFalse(socket.closed());
      }
      // closing one frees its place
      open.get(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> SlowReplayTest.status(node).getInteger("sockets") == 2);
      try (SocketClient again = SocketClient.authenticated(client, node.http.port(), token)) {
        assertFalse(again.closed());
      }
      assertTrue(refusedMetric(node, "address") >= 1, "the refusal is in /metrics");
      open.forEach(SocketClient::close);
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /**
   * Verifies that a pilot's socket past max_sockets_per_pilot is refused at auth (TOO_MANY_SOCKETS,
   * then 1013) while another pilot's socket from the same address is accepted.
   */
  @Test
  void verifiesThatAPilotsSocketOverItsCapIsRefusedAtAuth(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides(100, 2, 100))) {
      WebSocketClient client = SocketClient.client(clientVertx);
      String token = node.token("pilot-1", "VIEWER");
      SocketClient first = SocketClient.authenticated(client, node.http.port(), token);
      SocketClient second = SocketClient.authenticated(client, node.http.port(), token);

      SocketClient third = SocketClient.connect(client, node.http.port());
      JsonObject reply = third.request("auth", "a3", new JsonObject().put("token", token));
      assertFalse(reply.getBoolean("success"));
      assertEquals("TOO_MANY_SOCKETS", reply.getJsonObject("error").getString("code"));
      assertEquals(SocketCaps.CLOSE_CAP, third.awaitClose());
      assertEquals("too many sockets for this pilot", third.closeReason);
      assertEquals(1L, refused(node).getLong("pilot"));

      try (SocketClient other = SocketClient.authenticated(client, node.http.port(), node.token("pilot-2", "VIEWER"))) {
        assertFalse(other.closed());
      }
      // a refused socket does not hold a place: after one closes, the pilot gets one more, not zero
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> SlowReplayTest.status(node).getInteger("sockets") == 1);
      try (SocketClient again = SocketClient.authenticated(client, node.http.port(), token)) {
        assertFalse(again.closed());
      }
      assertTrue(refusedMetric(node, "pilot") >= 1, "the refusal is in /metrics");
      second.close();
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /** Verifies that the node cap holds on the SockJS transport too: its socket past max_sockets gets TOO_MANY_SOCKETS and is closed. */
  @Test
  void verifiesThatTheSocketOverTheNodeCapIsClosedOnSockJsToo(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides(2, 100, 100))) {
      WebSocketClient client = SocketClient.client(clientVertx);
      SocketClient raw = SocketClient.connect(client, node.http.port());
      List<String> firstFrames = new CopyOnWriteArrayList<>();
      ClientWebSocket first = sockJs(clientVertx, node, "aaaaaaaa", firstFrames);
      await().atMost(Duration.ofSeconds(10)).until(() -> firstFrames.contains("o"));

      List<String> frames = new CopyOnWriteArrayList<>();
      sockJs(clientVertx, node, "bbbbbbbb", frames);
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> f.startsWith("c")));
      // a SockJS session closes with SockJS's own c[3000,"Go away!"]: the error frame before it says why
      JsonObject error = SockJsTransportTest.messages(frames).get(0);
      assertEquals("TOO_MANY_SOCKETS", error.getJsonObject("error").getString("code"));
      assertEquals("too many sockets on this node", error.getJsonObject("error").getString("message"));
      assertEquals(1L, refused(node).getLong("node"));
      assertEquals(2, SlowReplayTest.status(node).getInteger("sockets"));

      // the two under the cap work
      assertTrue(raw.request("auth", "a", new JsonObject().put("token", node.token("p", "VIEWER"))).getBoolean("success"));
      first.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "auth").put("id", "s")
        .put("payload", new JsonObject().put("token", node.token("p", "VIEWER"))).encode()).encode());
      await().atMost(Duration.ofSeconds(10)).until(() -> SockJsTransportTest.messages(firstFrames).stream()
        .anyMatch(m -> "auth".equals(m.getString("type")) && m.getBoolean("success")));
      assertTrue(refusedMetric(node, "node") >= 1, "the refusal is in /metrics");
      raw.close();
      first.close();
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  private static ClientWebSocket sockJs(Vertx vertx, TestNode node, String session, List<String> frames) {
    ClientWebSocket ws = vertx.createWebSocketClient().webSocket().textMessageHandler(frames::add);
    TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.http.port())
      .setURI("/ws/interventions/123/" + session + "/websocket")));
    return ws;
  }

  private static JsonObject refused(TestNode node) {
    return SlowReplayTest.status(node).getJsonObject("refused");
  }

  /** The value of {@code chameleon_dashboard_sockets_refused_total{cap}} in /metrics; -1 when absent. */
  private static double refusedMetric(TestNode node, String cap) {
    String text = node.http.get("/metrics", null).body();
    Matcher m = Pattern.compile("(?m)^chameleon_dashboard_sockets_refused_total\\{cap=\"" + cap + "\"[^}]*} ([0-9.eE+]+)$")
      .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
