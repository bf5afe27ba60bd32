package io.chameleon.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 / BAR F28 on the raw WebSocket transport: any message over 64 KiB ends with a 1009 close
 * frame the client sees — also one far over the transport's own frame and message limits, in one
 * frame or in fragments, before or after auth — and the server stays up for everyone else.
 */
class SocketMessageSizeTest extends OneNodePerClass {

  static final String RAW_PATH = "/ws/interventions/websocket";

  static Vertx clientVertx;
  static WebSocketClient client;

  @BeforeAll
  static void setUp() {
    clientVertx = Vertx.vertx();
    client = clientVertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(2 << 20).setMaxMessageSize(4 << 20));
  }

  @AfterAll
  static void tearDown() {
    TestNode.await(clientVertx.close());
  }

  /** A socket whose handlers are set before it connects; it records every text frame and the close code. */
  static final class Socket {
    final ClientWebSocket ws = client.webSocket();
    final Queue<JsonObject> frames = new ConcurrentLinkedQueue<>();
    volatile Short closeStatus;

    Socket() {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.closeHandler(v -> closeStatus = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
      TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.http.port()).setURI(RAW_PATH)));
    }

    Socket authenticated() {
      ws.writeTextMessage(new JsonObject().put("type", "auth").put("id", "a")
        .put("payload", new JsonObject().put("token", node.token("viewer-size", "VIEWER"))).encode());
      JsonObject reply = await().atMost(Duration.ofSeconds(10))
        .until(() -> frames.stream().filter(f -> "a".equals(f.getValue("id"))).findFirst().orElse(null), f -> f != null);
      assertTrue(reply.getBoolean("success"), reply.encode());
      return this;
    }

    short awaitClose() {
      await().atMost(Duration.ofSeconds(10)).until(() -> closeStatus != null);
      return closeStatus;
    }
  }

  private static String message(int bytes) {
    String head = "{\"type\":\"get_metrics\",\"id\":\"big\",\"payload\":{\"pad\":\"";
    return head + "x".repeat(bytes - head.length() - 3) + "\"}}";
  }

  /** Verifies that one-frame messages of 65,537 and 262,144 bytes (seen by the session) close with 1009. */
  @Test
  void messagesTheSessionSeesCloseWith1009() {
    for (int size : new int[] {65_537, 262_144}) {
      Socket socket = new Socket().authenticated();
      socket.ws.writeTextMessage(message(size));
      assertEquals((short) 1009, socket.awaitClose(), size + " bytes");
    }
  }

  /** Verifies that one-frame messages over the transport's limit (262,145 bytes, 1 MiB) close with 1009. */
  @Test
  void framesOverTheTransportLimitCloseWith1009() {
    for (int size : new int[] {262_145, 1 << 20}) {
      Socket socket = new Socket().authenticated();
      socket.ws.writeTextMessage(message(size));
      assertEquals((short) 1009, socket.awaitClose(), size + " bytes");
    }
  }

  /** Verifies that a 300 KiB message sent before auth closes with 1009. */
  @Test
  void anOversizedMessageBeforeAuthClosesWith1009() {
    Socket socket = new Socket();
    socket.ws.writeTextMessage(message(300 * 1024));
    assertEquals((short) 1009, socket.awaitClose());
  }

  /** Verifies that a 1 MiB message in 16 KiB fragments (each frame small) closes with 1009. */
  @Test
  void aFragmentedOversizedMessageClosesWith1009() {
    Socket socket = new Socket().authenticated();
    Buffer whole = Buffer.buffer(message(1 << 20));
    int step = 16 * 1024;
    socket.ws.writeFrame(WebSocketFrame.textFrame(whole.getString(0, step), false));
    for (int at = step; at < whole.length(); at += step) {
      int end = Math.min(at + step, whole.length());
      socket.ws.writeFrame(WebSocketFrame.continuationFrame(whole.getBuffer(at, end), end == whole.length()));
    }
    assertEquals((short) 1009, socket.awaitClose());
    assertTrue(socket.frames.stream().noneMatch(f -> "error".equals(f.getString("type"))), socket.frames.toString());
  }

  /** Verifies that after all of the above a new socket still authenticates and reads. */
  @Test
  void otherSocketsAreUnaffected() {
    Socket big = new Socket().authenticated();
    big.ws.writeTextMessage(message(1 << 20));
    Socket other = new Socket().authenticated();
    assertEquals((short) 1009, big.awaitClose());
    other.ws.writeTextMessage(new JsonObject().put("type", "get_metrics").put("id", "m").encode());
    JsonObject reply = await().atMost(Duration.ofSeconds(10))
      .until(() -> other.frames.stream().filter(f -> "m".equals(f.getValue("id"))).findFirst().orElse(null), f -> f != null);
    assertEquals("get_metrics", reply.getString("type"));
    assertTrue(other.closeStatus == null);
  }

  /**
   * Verifies that socket messages go through the same strict reader as bodies (issue 8, items 8
   * and 9): a number beyond a double and a lone surrogate each get a BAD_REQUEST error frame naming
   * the field, and the authenticated socket goes on answering.
   */
  @Test
  void numbersBeyondADoubleAndLoneSurrogatesGetErrorFrames() {
    Socket socket = new Socket().authenticated();
    socket.ws.writeTextMessage("{\"type\":\"get_pending\",\"id\":\"n\",\"payload\":{\"limit\":1" + "0".repeat(309) + "}}");
    socket.ws.writeTextMessage("{\"type\":\"get_pending\",\"id\":\"s\",\"payload\":{\"pilot_id\":\"a\\ud800\"}}");
    socket.ws.writeTextMessage("{\"type\":\"get_pending\",\"id\":\"ok\"}");
    JsonObject answered = await().atMost(Duration.ofSeconds(10))
      .until(() -> socket.frames.stream().filter(f -> "ok".equals(f.getValue("id"))).findFirst().orElse(null), f -> f != null);
    assertTrue(answered.getBoolean("success"), answered.encode());
    java.util.List<String> errors = socket.frames.stream().filter(f -> f.getJsonObject("error") != null)
      .map(f -> f.getJsonObject("error").getString("message")).toList();
    assertTrue(errors.stream().anyMatch(m -> m.contains("'payload.limit'") && m.contains("cannot be kept exactly")), errors.toString());
    assertTrue(errors.stream().anyMatch(m -> m.contains("'payload.pilot_id'") && m.contains("lone surrogate")), errors.toString());
    assertEquals(null, socket.closeStatus);
  }
}
