package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input backpressure: a VIEWER that stops reading and keeps asking for large replies (under the
 * rate cap) is no longer read, so what the server queues for it stays within the write budget plus
 * {@value WriteBudget#MAX_UNANSWERED} replies however many it asks for — on the raw WebSocket (the
 * socket is paused) and on a SockJS session (its messages wait in a bounded inbox). Once it reads
 * again it gets every reply, in order, without an error. The rate cap, the auth step and the close
 * paths still hold.
 */
class SlowRepliesTest {

  static final int MAX_QUEUED = 262_144;
  static final int STORED = 20;
  /** Requests sent once the input is held back: none is read until the client reads. */
  static final int ASKED_WHILE_HELD = 15;
  static final JsonObject PAGE = new JsonObject().put("limit", 500);

  @TempDir
  static Path dataDir;
  static TestNode node;
  static Vertx clientVertx;
  static WebSocketClient client;
  static SocketGauge gauge;
  static String token;
  /** One {@code get_pending} reply of the whole queue, in bytes. */
  static long replyBytes;
  /** What the server may queue for one client: the budget, the unanswered replies, one error frame. */
  static long bound;

  @BeforeAll
  static void start() {
    // replies of several budgets each: get_pending's byte cut (PendingPageTest) set to its largest
    node = TestNode.start(dataDir, new JsonObject().put("dashboard", new JsonObject().put("max_queued_bytes", MAX_QUEUED)
      .put("max_reply_bytes", 67_108_864)));
    fillTheQueue();
    gauge = SocketGauge.of(node.vertx);
    clientVertx = Vertx.vertx();
    // a client that does not read never sees the server's close frame: it drops the connection after 1 s
    client = clientVertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1 << 24).setMaxMessageSize(1 << 26).setClosingTimeout(1));
    token = node.token("viewer-1", "VIEWER");
    try (SocketClient reader = SocketClient.authenticated(client, node.http.port(), token)) {
      JsonObject reply = reader.request("get_pending", "size", PAGE);
      assertEquals(STORED, reply.getJsonObject("data").getJsonArray("requests").size());
      replyBytes = reply.encode().getBytes(StandardCharsets.UTF_8).length;
    }
    assertTrue(replyBytes > MAX_QUEUED * 4L, "each reply is several budgets: " + replyBytes + " B");
    bound = MAX_QUEUED + WriteBudget.MAX_UNANSWERED * (replyBytes + replyBytes / 10) + DashboardConfig.MAX_MESSAGE_BYTES;
  }

  @AfterAll
  static void stop() {
    TestNode.await(clientVertx.close());
    node.close();
  }

  @BeforeEach
  void everySocketClosed() {
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge.open() == 0);
  }

  @Test
  void verifiesThatARawSocketThatDoesNotReadIsPausedNotBufferedAndGetsEveryReplyAfter() {
    try (SocketClient slow = SocketClient.authenticated(client, node.http.port(), token)) {
      slow.ws.pause();
      int asked = keepAsking(i -> slow.send("get_pending", "p" + i, PAGE));
      long stalled = gauge.peakQueuedBytes();
      assertTrue(stalled <= bound, "queued for the stalled client: " + stalled + " B, bound " + bound + " B");
      assertEquals(1, gauge.heldBack(), "its input is held back");

      slow.ws.resume();
      await().atMost(Duration.ofSeconds(30)).until(() -> replies(slow.frames.stream().toList()).size() == asked);
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge.heldBack() == 0);
      assertEveryReplyInOrder(slow.frames.stream().toList(), asked);
      assertFalse(slow.closed());
      long peak = gauge.peakQueuedBytes();
      assertTrue(peak <= bound, "peak queued " + peak + " B, bound " + bound + " B");
      System.out.printf("slow replies (raw): %d asked of %d B each; peak queued %d B (budget %d B, bound %d B)%n",
        asked, replyBytes, peak, MAX_QUEUED, bound);
    }
  }

  @Test
  void verifiesThatASockJsSessionThatDoesNotReadIsHeldBackInABoundedInboxAndGetsEveryReplyAfter() {
    SockJs slow = SockJs.authenticated();
    try {
      slow.ws.pause();
      int asked = keepAsking(i -> slow.send(new JsonObject().put("type", "get_pending").put("id", "p" + i).put("payload", PAGE)));
      long stalled = gauge.peakQueuedBytes();
      assertTrue(stalled <= bound, "queued for the stalled client: " + stalled + " B, bound " + bound + " B");
      assertEquals(1, gauge.heldBack(), "its input is held back");

      slow.ws.resume();
      await().atMost(Duration.ofSeconds(30)).until(() -> replies(slow.messages()).size() == asked);
      assertEveryReplyInOrder(slow.messages(), asked);
      assertEquals(1, gauge.open());
    } finally {
      slow.ws.close();
    }
  }

  @Test
  void verifiesThatASockJsSessionWhoseHeldBackInputPassesTheBudgetIsClosed() {
    SockJs slow = SockJs.authenticated();
    try {
      slow.ws.pause();
      // large replies until the network's buffers are full and its input is held back ...
      holdBack(i -> slow.send(new JsonObject().put("type", "get_pending").put("id", "p" + i).put("payload", PAGE)));
      // ... then ~64 KiB messages pile up in the inbox
      String pad = "x".repeat(DashboardConfig.MAX_MESSAGE_BYTES - 1024);
      for (int i = 0; i < 2 + MAX_QUEUED / pad.length(); i++) {
        slow.send(new JsonObject().put("type", "get_metrics").put("id", "m" + i).put("payload", new JsonObject().put("pad", pad)));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge.open() == 0);
    } finally {
      slow.ws.close();
    }
  }

  @Test
  void verifiesThatAFloodReadFromABacklogIsStillRateLimited() {
    try (SocketClient flooder = SocketClient.authenticated(client, node.http.port(), token)) {
      flooder.ws.pause();
      holdBack(i -> flooder.send("get_pending", "p" + i, PAGE));
      for (int i = 0; i < 200; i++) {
        flooder.send("get_metrics", i, null);
      }
      flooder.ws.resume();
      assertEquals((short) 1008, flooder.awaitClose());
      assertEquals("message rate limit", flooder.closeReason);
      assertTrue(flooder.frames.stream().anyMatch(f -> f.getJsonObject("error") != null
        && "RATE_LIMITED".equals(f.getJsonObject("error").getString("code"))));
      long answered = flooder.frames.stream().filter(f -> "get_metrics".equals(f.getString("type"))).count();
      assertTrue(answered < 100, "answered " + answered);
    }
  }

  @Test
  void verifiesThatRequestsSentRightBehindAuthWaitForItAndAreAnswered() {
    try (SocketClient socket = SocketClient.connect(client, node.http.port())) {
      socket.send("auth", "a", new JsonObject().put("token", token));
      socket.send("get_metrics", "m", null);
      socket.send("request_detail", "d", new JsonObject().put("request_id", "nope"));
      socket.awaitFrame(f -> "d".equals(f.getValue("id")));
      assertEquals(List.of("a", "m", "d"), socket.frames.stream().map(f -> f.getString("id")).toList());
      assertTrue(socket.frames.stream().limit(2).allMatch(f -> f.getBoolean("success")));
    }
  }

  @Test
  void verifiesThatAClientThatGoesAwayWhileHeldBackEndsItsSession() {
    SocketClient gone = SocketClient.authenticated(client, node.http.port(), token);
    assertEquals(1, gauge.open());
    gone.ws.pause();
    holdBack(i -> gone.send("get_pending", "g" + i, PAGE));
    gone.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge.open() == 0 && gauge.heldBack() == 0);
  }

  /**
   * Sends {@code request(i)} ten times a second (under the rate cap of 20) until the socket's input
   * is held back (the network's buffers, the client's included, are full); returns how many.
   */
  static int holdBack(IntConsumer request) {
    long start = System.currentTimeMillis();
    int i = 0;
    for (; gauge.heldBack() == 0; i++) {
      assertTrue(i < 100, "input never held back");
      long due = start + i * 100L;
      await().pollInterval(Duration.ofMillis(5)).until(() -> System.currentTimeMillis() >= due);
      request.accept(i);
    }
    return i;
  }

  /** Asks until the input is held back, then {@value #ASKED_WHILE_HELD} more, at the same pace; returns how many. */
  static int keepAsking(IntConsumer request) {
    int asked = holdBack(request);
    long start = System.currentTimeMillis();
    for (int more = 0; more < ASKED_WHILE_HELD; more++) {
      long due = start + (more + 1) * 100L;
      await().pollInterval(Duration.ofMillis(5)).until(() -> System.currentTimeMillis() >= due);
      request.accept(asked++);
    }
    return asked;
  }

  static List<JsonObject> replies(List<JsonObject> frames) {
    return frames.stream().filter(f -> "get_pending".equals(f.getString("type"))).toList();
  }

  static void assertEveryReplyInOrder(List<JsonObject> frames, int asked) {
    List<JsonObject> replies = replies(frames);
    assertEquals(IntStream.range(0, asked).mapToObj(i -> "p" + i).toList(),
      replies.stream().map(f -> f.getString("id")).toList(), "every reply, in the order asked");
    assertTrue(replies.stream().allMatch(f -> f.getBoolean("success")
      && f.getJsonObject("data").getJsonArray("requests").size() == STORED));
    assertTrue(frames.stream().noneMatch(f -> Boolean.FALSE.equals(f.getBoolean("success"))), "no error");
  }

  /** Pending requests as large as the API lets them be: a 500-character title, 10,000-character description and ~50 KB of context. */
  static void fillTheQueue() {
    String operator = node.token("operator-1", "OPERATOR");
    for (int i = 0; i < STORED; i++) {
      JsonObject body = new JsonObject().put("uow_id", "ext-" + i).put("intervention_type", "resume")
        .put("title", ("t" + i + "-").repeat(200).substring(0, 500))
        .put("description", "d".repeat(10_000))
        .put("context", new JsonObject().put("notes", "c".repeat(50_000)));
      Http.Response created = node.http.post("/api/interventions", operator, body.encode());
      assertEquals(201, created.status(), created.body());
    }
  }

  /** A client of SockJS's own WebSocket transport, with its framing ({@code o}, {@code a[...]}, {@code c[...]}). */
  record SockJs(ClientWebSocket ws, List<String> frames) {

    static SockJs authenticated() {
      List<String> frames = new CopyOnWriteArrayList<>();
      ClientWebSocket ws = client.webSocket().textMessageHandler(frames::add);
      TestNode.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.http.port())
        .setURI("/ws/interventions/123/" + Long.toHexString(System.nanoTime()) + "/websocket")));
      SockJs socket = new SockJs(ws, frames);
      socket.send(new JsonObject().put("type", "auth").put("id", "a").put("payload", new JsonObject().put("token", token)));
      await().atMost(Duration.ofSeconds(10)).until(() -> socket.messages().stream().anyMatch(m -> "a".equals(m.getValue("id"))));
      return socket;
    }

    void send(JsonObject message) {
      TestNode.await(ws.writeTextMessage(new JsonArray().add(message.encode()).encode()));
    }

    List<JsonObject> messages() {
      return SockJsTransportTest.messages(frames);
    }
  }
}
