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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same protocol through a real SockJS transport (the one sockjs-client picks first): the
 * SockJS WebSocket at {@code /ws/interventions/<server>/<session>/websocket}, with SockJS framing —
 * {@code o} to open, {@code a[...]} carrying messages, {@code c[code,reason]} to close.
 */
class SockJsTransportTest {

  @Test
  void verifiesThatAuthAndRequestsWorkOverSockJsFraming(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      List<String> frames = new CopyOnWriteArrayList<>();
      // the handler is set before connecting: the server sends "o" right after the upgrade
      ClientWebSocket ws = clientVertx.createWebSocketClient().webSocket().textMessageHandler(frames::add);
      TestNode.await(ws.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(node.http.port()).setURI("/ws/interventions/123/abcdefgh/websocket")));
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.contains("o"));

      String auth = new JsonObject().put("type", "auth").put("id", "a")
        .put("payload", new JsonObject().put("token", node.token("pilot-9", "ADMIN"))).encode();
      ws.writeTextMessage(new JsonArray().add(auth).encode());
      JsonObject reply = await().atMost(Duration.ofSeconds(10)).until(() -> messages(frames).stream()
        .filter(m -> "auth".equals(m.getString("type"))).findFirst().orElse(null), m -> m != null);
      assertTrue(reply.getBoolean("success"));
      assertEquals("pilot-9", reply.getJsonObject("data").getString("pilot_id"));

      ws.writeTextMessage(new JsonArray().add("{not json").encode());
      ws.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "nope").put("id", 2).encode()).encode());
      JsonObject unknown = await().atMost(Duration.ofSeconds(10)).until(() -> messages(frames).stream()
        .filter(m -> "nope".equals(m.getString("type"))).findFirst().orElse(null), m -> m != null);
      assertEquals("UNKNOWN_MESSAGE", unknown.getJsonObject("error").getString("code"));
      assertTrue(messages(frames).stream().anyMatch(m -> "error".equals(m.getString("type")) && !m.containsKey("id")));
      ws.close();
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /** Every message carried by {@code a[...]} frames so far, decoded. */
  static List<JsonObject> messages(List<String> frames) {
    return frames.stream().filter(f -> f.startsWith("a"))
      .flatMap(f -> new JsonArray(f.substring(1)).stream())
      .map(m -> new JsonObject((String) m)).toList();
  }
}
