package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.Http;
import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard socket end to end: a real node, a real WebSocket client, SPEC §7 and BAR F27/F28. */
class DashboardSocketTest {

  static final long AUTH_TIMEOUT_MS = 1000;

  @TempDir
  static Path dataDir;
  static TestNode node;
  static FakeStore store;
  static Vertx clientVertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(dataDir, overrides());
    store = new FakeStore();
    TestNode.await(node.vertx.deployVerticle(store));
    clientVertx = Vertx.vertx();
    client = SocketClient.client(clientVertx);
  }

  static JsonObject overrides() {
    return new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)))
      .put("dashboard", new JsonObject().put("auth_timeout_ms", (int) AUTH_TIMEOUT_MS));
  }

  @AfterAll
  static void stop() {
    TestNode.await(clientVertx.close());
    node.close();
  }

  int port() {
    return node.http.port();
  }

  SocketClient viewer() {
    return SocketClient.authenticated(client, port(), node.token("viewer-1", "VIEWER"));
  }

  /** Appends events through the broadcaster, as the store would; returns them with their ids. */
  static JsonArray append(String type, JsonObject payload) {
    JsonObject events = new JsonObject().put("events", new JsonArray()
      .add(new JsonObject().put("event_type", type).put("payload", payload)));
    return TestNode.await(node.vertx.eventBus().<JsonObject>request(Addresses.EVENTS_APPEND, events)).body().getJsonArray("events");
  }

  // ---- authentication (F27)

  @Test
  void verifiesThatAValidTokenAuthenticatesAndNamesThePilot() {
    try (SocketClient socket = SocketClient.connect(client, port())) {
      JsonObject reply = socket.request("auth", "x-1", new JsonObject().put("token", node.token("op-7", "OPERATOR")));
      assertTrue(reply.getBoolean("success"));
      assertEquals(new JsonObject().put("pilot_id", "op-7").put("role", "OPERATOR"), reply.getJsonObject("data"));
      assertFalse(socket.closed());
    }
  }

  @Test
  void verifiesThatMissingBadExpiredAndAlgNoneTokensAreRefusedAndClosed() {
    long now = System.currentTimeMillis() / 1000;
    JsonObject admin = Jwts.claims("mallory", "ADMIN", 3600);
    String none = Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Jwts.b64(admin.encode()) + ".";
    String[] tokens = {
      null,
      "",
      "not-a-token",
      Jwts.hs256("another-secret-that-is-long-enough-0123456789", admin),
      Jwts.hs256(TestNode.SECRET, admin.copy().put("iat", now - 7200).put("exp", now - 3600)),
      none,
      none + "sig",
      Jwts.hs256(TestNode.SECRET, admin.copy().put("role", "admin")),
    };
    for (String token : tokens) {
      try (SocketClient socket = SocketClient.connect(client, port())) {
        JsonObject payload = token == null ? new JsonObject() : new JsonObject().put("token", token);
        JsonObject reply = socket.request("auth", 1, payload);
        assertFalse(reply.getBoolean("success"), "token " + token);
        assertEquals("UNAUTHENTICATED", reply.getJsonObject("error").getString("code"));
        if (token != null && !token.isEmpty()) {
          assertFalse(reply.encode().contains(token));
        }
        assertEquals((short) 1008, socket.awaitClose());
      }
    }
  }

  @Test
  void verifiesThatASocketThatDoesNotAuthenticateInTimeIsClosed() {
    long started = System.currentTimeMillis();
    try (SocketClient socket = SocketClient.connect(client, port())) {
      assertEquals((short) 1008, socket.awaitClose());
      assertTrue(System.currentTimeMillis() - started >= AUTH_TIMEOUT_MS - 50);
    }
  }

  @Test
  void verifiesThatAnyRequestBeforeAuthIsRefusedAndCloses() {
    try (SocketClient socket = SocketClient.connect(client, port())) {
      JsonObject reply = socket.request("get_metrics", "m", null);
      assertEquals("UNAUTHENTICATED", reply.getJsonObject("error").getString("code"));
      assertEquals((short) 1008, socket.awaitClose());
    }
  }

  @Test
  void verifiesThatATokenInTheUrlIsIgnored() {
    String path = SocketClient.RAW_PATH + "?token=" + node.token("viewer-1", "VIEWER");
    try (SocketClient socket = SocketClient.connect(client, port(), path, null, true)) {
      JsonObject reply = socket.request("subscribe", "s", null);
      assertEquals("UNAUTHENTICATED", reply.getJsonObject("error").getString("code"));
      socket.awaitClose();
    }
  }

  // ---- requests

  @Test
  void verifiesThatGetPendingForwardsThePilotAndParamsAsStringsAndAnswersTheList() {
    try (SocketClient socket = viewer()) {
      JsonObject reply = socket.request("get_pending", "p1",
        new JsonObject().put("pilot_id", "op-1").put("limit", 10).put("offset", "5"));
      assertTrue(reply.getBoolean("success"));
      JsonObject data = reply.getJsonObject("data");
      assertEquals(1, data.getJsonArray("requests").size());
      assertEquals(10, data.getInteger("limit"));
      assertEquals(5, data.getInteger("offset"));
      JsonObject sent = store.received.stream()
        .filter(m -> "op-1".equals(m.getJsonObject("params").getString("actionable_by"))).findFirst().orElseThrow();
      assertEquals(new JsonObject().put("pilot_id", "viewer-1").put("role", "VIEWER"), sent.getJsonObject("actor"));
      // the socket's pilot_id is the list's actionable_by (the seed's reading; SPEC §5's pilot_id is the socket's assignee)
      assertEquals(new JsonObject().put("actionable_by", "op-1").put("limit", "10").put("offset", "5"), sent.getJsonObject("params"));
      assertEquals(new JsonObject(), sent.getJsonObject("body"));

      JsonObject bad = socket.request("get_pending", "p2", new JsonObject().put("status", "PENDING"));
      assertEquals("BAD_REQUEST", bad.getJsonObject("error").getString("code"));
      JsonObject wrongType = socket.request("get_pending", "p3", new JsonObject().put("limit", 2.5));
      assertEquals("BAD_REQUEST", wrongType.getJsonObject("error").getString("code"));
    }
  }

  @Test
  void verifiesThatGetMetricsAnswersTheStoreMetrics() {
    try (SocketClient socket = viewer()) {
      JsonObject reply = socket.request("get_metrics", 42, null);
      assertEquals(42, reply.getInteger("id"));
      assertEquals(FakeStore.metrics(), reply.getJsonObject("data"));
    }
  }

  @Test
  void verifiesThatRequestDetailAnswersTheRequestOrNotFoundAndTheSocketStaysUsable() {
    try (SocketClient socket = viewer()) {
      JsonObject known = socket.request("request_detail", "d1", new JsonObject().put("request_id", FakeStore.KNOWN));
      assertEquals(FakeStore.KNOWN, known.getJsonObject("data").getString("request_id"));
      JsonObject unknown = socket.request("request_detail", "d2", new JsonObject().put("request_id", "nope"));
      assertFalse(unknown.getBoolean("success"));
      assertEquals("NOT_FOUND", unknown.getJsonObject("error").getString("code"));
      JsonObject missing = socket.request("request_detail", "d3", new JsonObject());
      assertEquals("BAD_REQUEST", missing.getJsonObject("error").getString("code"));
      assertTrue(socket.request("get_metrics", "d4", null).getBoolean("success"));
    }
  }

  @Test
  void verifiesThatUnknownTypesAndMalformedJsonGetErrorFramesAndTheSocketStaysUsable() {
    try (SocketClient socket = viewer()) {
      JsonObject unknown = socket.request("launch_missiles", "u1", null);
      assertEquals("UNKNOWN_MESSAGE", unknown.getJsonObject("error").getString("code"));

      int before = socket.frames.size();
      socket.sendText("{\"type\": \"get_metrics\", \"id\": ");
      JsonObject malformed = socket.awaitFrame(f -> "error".equals(f.getString("type")) && !f.containsKey("id"));
      assertFalse(malformed.getBoolean("success"));
      assertEquals("BAD_REQUEST", malformed.getJsonObject("error").getString("code"));
      socket.sendText("[1, 2]");
      socket.sendText("{\"type\": \"get_metrics\", \"type\": \"x\"}");
      org.awaitility.Awaitility.await().until(() -> socket.frames.size() >= before + 3);

      assertTrue(socket.request("get_metrics", "u2", null).getBoolean("success"));
      assertFalse(socket.closed());
    }
  }

  // ---- limits (F28)

  @Test
  void verifiesThatAMessageOver64KiBClosesTheSocketWith1009() {
    try (SocketClient socket = viewer()) {
      String big = new JsonObject().put("type", "get_metrics").put("id", "big")
        .put("payload", new JsonObject().put("pad", "x".repeat(70 * 1024))).encode();
      socket.ws.writeTextMessage(big);
      assertEquals((short) 1009, socket.awaitClose());
    }
    try (SocketClient other = viewer()) {
      assertTrue(other.request("get_metrics", "ok", null).getBoolean("success"));
    }
  }

  @Test
  void verifiesThatASteadyRateUnderTheCapKeepsTheSocketOpen() {
    try (SocketClient socket = viewer()) {
      long start = System.currentTimeMillis();
      for (int i = 0; i < 30; i++) {
        // 30 requests over ~3 windows: 10 per second, under the cap of 20.
        long due = start + i * 100L;
        org.awaitility.Awaitility.await().pollInterval(java.time.Duration.ofMillis(5))
          .until(() -> System.currentTimeMillis() >= due);
        assertTrue(socket.request("get_metrics", "r" + i, null).getBoolean("success"));
      }
      assertFalse(socket.closed());
    }
  }

  @Test
  void verifiesThatAMessageFloodIsAnsweredWithAnErrorThenCloseAndOthersAreUnaffected() {
    try (SocketClient flooder = viewer(); SocketClient other = viewer()) {
      for (int i = 0; i < 40; i++) {
        flooder.ws.writeTextMessage(new JsonObject().put("type", "get_metrics").put("id", i).encode());
      }
      assertEquals((short) 1008, flooder.awaitClose());
      assertTrue(flooder.frames.stream().anyMatch(f -> f.getJsonObject("error") != null
        && "RATE_LIMITED".equals(f.getJsonObject("error").getString("code"))));
      assertTrue(other.request("get_metrics", "still", null).getBoolean("success"));
    }
  }

  @Test
  void verifiesThatASecondSubscribeReplacesTheFirst() {
    try (SocketClient socket = viewer()) {
      assertTrue(socket.request("subscribe", "s1", null).getBoolean("success"));
      assertTrue(socket.request("subscribe", "s2", null).getBoolean("success"));
      JsonArray appended = append("guardian_registered", new JsonObject().put("name", "once"));
      String id = appended.getJsonObject(0).getString("id");
      socket.awaitFrame(f -> "event".equals(f.getString("type")) && id.equals(f.getJsonObject("data").getString("id")));
      // a round trip: a second copy would have been written before this reply
      socket.request("sync", "after", null); // answered on the socket's own context, behind any queued push
      assertEquals(1L, socket.pushes("event").stream().filter(f -> id.equals(f.getJsonObject("data").getString("id"))).count());
      assertFalse(socket.request("unsubscribe", "s3", null).getJsonObject("data").getBoolean("subscribed"));
    }
  }

  // ---- pushes

  @Test
  void verifiesThatEveryPushTypeArrivesWithItsPayload() {
    try (SocketClient socket = viewer()) {
      assertTrue(socket.request("subscribe", "s", null).getBoolean("success"));
      JsonObject request = FakeStore.request("req-push", "PENDING").put("create_fingerprint", "abc");
      String created = append("intervention_request", new JsonObject().put("request_id", "req-push")
        .put("uow_id", "uow-1").put("pilot_id", "op-1").put("request", request)).getJsonObject(0).getString("id");

      JsonObject event = socket.awaitFrame(f -> "event".equals(f.getString("type"))
        && created.equals(f.getJsonObject("data").getString("id")));
      assertEquals("intervention_request", event.getJsonObject("data").getString("event_type"));
      assertTrue(event.getJsonObject("data").containsKey("hash"));
      JsonObject fresh = socket.awaitFrame(f -> "new_request".equals(f.getString("type"))).getJsonObject("data");
      assertEquals("req-push", fresh.getString("request_id"));
      assertFalse(fresh.containsKey("create_fingerprint"));
      JsonObject metrics = socket.awaitFrame(f -> "metrics_update".equals(f.getString("type"))).getJsonObject("data");
      assertEquals(FakeStore.metrics(), metrics);

      append("intervention_claimed", new JsonObject().put("request_id", "req-push").put("uow_id", "uow-1")
        .put("old_status", "PENDING").put("new_status", "IN_PROGRESS").put("pilot_id", "op-1")
        .put("request", FakeStore.request("req-push", "IN_PROGRESS")));
      JsonObject claimed = socket.awaitFrame(f -> "status_changed".equals(f.getString("type"))).getJsonObject("data");
      assertEquals("req-push", claimed.getString("request_id"));
      assertEquals("PENDING", claimed.getString("old_status"));
      assertEquals("IN_PROGRESS", claimed.getString("new_status"));
      assertEquals("op-1", claimed.getString("updated_by"));

      append("intervention_expired", new JsonObject().put("request_id", "req-push").put("uow_id", "uow-1")
        .put("old_status", "IN_PROGRESS").put("new_status", "EXPIRED"));
      JsonObject expired = socket.awaitFrame(f -> "status_changed".equals(f.getString("type"))
        && "EXPIRED".equals(f.getJsonObject("data").getString("new_status"))).getJsonObject("data");
      assertTrue(expired.containsKey("updated_by") && expired.getValue("updated_by") == null);

      JsonObject uow = new JsonObject().put("uow_id", "uow-1").put("status", "ACTIVE").put("version", 3)
        .put("register_fingerprint", "f").put("waived_rule", "r").put("approval_granted", false);
      JsonObject parent = new JsonObject().put("uow_id", "uow-0").put("status", "ACTIVE").put("version", 9);
      append("uow_status_changed", new JsonObject().put("uow_id", "uow-1").put("old_status", "PENDING")
        .put("new_status", "ACTIVE").put("uow", uow).put("parent_uow", parent));
      org.awaitility.Awaitility.await().until(() -> socket.pushes("uow_changed").size() == 2);
      JsonObject changed = socket.pushes("uow_changed").get(0).getJsonObject("data");
      assertEquals(new JsonObject().put("uow_id", "uow-1").put("status", "ACTIVE").put("version", 3), changed);
      assertEquals(parent, socket.pushes("uow_changed").get(1).getJsonObject("data"));
    }
  }

  @Test
  void verifiesThatAnUnsubscribedSocketGetsNoPushes() {
    try (SocketClient quiet = viewer(); SocketClient loud = viewer()) {
      assertTrue(loud.request("subscribe", "s", null).getBoolean("success"));
      String id = append("guardian_removed", new JsonObject().put("name", "n")).getJsonObject(0).getString("id");
      loud.awaitFrame(f -> "event".equals(f.getString("type")) && id.equals(f.getJsonObject("data").getString("id")));
      assertTrue(quiet.pushes("event").isEmpty());
    }
  }

  // ---- readiness and static files

  @Test
  void verifiesThatDashboardStatusReportsUpAndTheOpenSockets() {
    try (SocketClient socket = viewer()) {
      JsonObject status = TestNode.await(node.vertx.eventBus().<JsonObject>request(Addresses.DASHBOARD_STATUS, new JsonObject())).body();
      assertEquals("UP", status.getString("status"));
      assertTrue(status.getInteger("sockets") >= 1);
    }
  }

  @Test
  void verifiesThatTheVendoredLibrariesAreServedWithNosniffAndAStrictPolicy() {
    Http.Response sockjs = node.http.get("/webjars/sockjs-client/1.6.1/dist/sockjs.min.js", null);
    assertEquals(200, sockjs.status());
    assertEquals("nosniff", sockjs.header("X-Content-Type-Options"));
    String policy = sockjs.header("Content-Security-Policy");
    assertTrue(policy.contains("default-src 'self'") && policy.contains("connect-src 'self';") && !policy.contains("ws:"), policy);
    assertEquals(200, node.http.get("/webjars/chart.js/4.4.7/dist/chart.umd.js", null).status());
    int traversal = node.http.get("/webjars/../../etc/passwd", null).status();
    assertTrue(traversal == 400 || traversal == 404, "status " + traversal);
    // The API keeps its own answers: the console's routes never shadow it.
    assertEquals(401, node.http.get("/api/events", null).status());
    assertEquals(404, node.http.get("/no-such-page.html", null).status());
  }
}
