package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client on the raw transport ({@code /ws/interventions/websocket}): it keeps
 * every frame it receives (decoded as UTF-8 text, whether the server sent text or binary) and the
 * close status. Blocking helpers with deadlines, for the test thread only.
 */
final class SocketClient implements AutoCloseable {

  static final String RAW_PATH = "/ws/interventions/websocket";

  final ClientWebSocket ws;
  final Queue<JsonObject> frames = new ConcurrentLinkedQueue<>();
  final AtomicInteger received = new AtomicInteger();
  volatile Short closeStatus;
  volatile String closeReason;
  private final boolean keep;

  /** Handlers are set before connecting: a frame sent right after the upgrade is never missed. */
  private SocketClient(ClientWebSocket ws, boolean keep) {
    this.ws = ws;
    this.keep = keep;
    ws.textMessageHandler(text -> onFrame(text));
    ws.binaryMessageHandler(bytes -> onFrame(bytes.toString("UTF-8")));
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closeStatus = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode();
    });
  }

  static WebSocketClient client(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
  }

  static SocketClient connect(WebSocketClient client, int port) {
    return connect(client, port, RAW_PATH, null, true);
  }

  /** {@code keep = false}: count frames without keeping them (for floods). */
  static SocketClient connect(WebSocketClient client, int port, String path, String origin, boolean keep) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    SocketClient socket = new SocketClient(client.webSocket(), keep);
    TestNode.await(socket.ws.connect(options));
    return socket;
  }

  /** Connects, authenticates with {@code token} and checks the reply. */
  static SocketClient authenticated(WebSocketClient client, int port, String token) {
    SocketClient socket = connect(client, port);
    JsonObject reply = socket.request("auth", "a1", new JsonObject().put("token", token));
    if (!reply.getBoolean("success")) {
      throw new IllegalStateException("auth failed: " + reply.encode());
    }
    return socket;
  }

  private void onFrame(String text) {
    received.incrementAndGet();
    if (keep) {
      frames.add(new JsonObject(text));
    }
  }

  void sendText(String text) {
    TestNode.await(ws.writeTextMessage(text));
  }

  void send(String type, Object id, JsonObject payload) {
    JsonObject message = new JsonObject().put("type", type).put("id", id);
    if (payload != null) {
      message.put("payload", payload);
    }
    sendText(message.encode());
  }

  /** Sends a request and waits for the reply with the same id. */
  JsonObject request(String type, Object id, JsonObject payload) {
    send(type, id, payload);
    return awaitFrame(f -> id.equals(f.getValue("id")) && type.equals(f.getString("type")));
  }

  JsonObject awaitFrame(Predicate<JsonObject> match) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().filter(match).findFirst().orElse(null),
      f -> f != null);
  }

  List<JsonObject> pushes(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type")) && !f.containsKey("success")).toList();
  }

  short awaitClose() {
    await().atMost(Duration.ofSeconds(10)).until(() -> closeStatus != null);
    return closeStatus;
  }

  boolean closed() {
    return closeStatus != null;
  }

  @Override
  public void close() {
    if (!closed()) {
      ws.close();
    }
  }

  static Buffer text(String s) {
    return Buffer.buffer(s);
  }
}
