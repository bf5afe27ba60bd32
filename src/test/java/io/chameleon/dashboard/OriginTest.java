package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BAR F27: with {@code dashboard.allowed_origin} set, a socket from any other Origin is refused. */
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
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
