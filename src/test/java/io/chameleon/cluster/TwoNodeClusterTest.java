package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.ClusterNode;
import io.chameleon.support.Http;
import io.chameleon.support.Http.Response;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered nodes in this JVM over real Hazelcast on loopback (issue 9): node A runs only the
 * gateway and the dashboard socket, node B the guardian evaluator, the store and the broadcaster,
 * both on one test redis-server under a key prefix of their own. Every request through A is
 * served across the cluster by B, and A's sockets get the pushes of B's events.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterTest {

  @TempDir
  static Path dir;

  static RedisServer redis;
  /** Node B: guardian + store + broadcaster. */
  static ClusterNode backend;
  /** Node A: gateway + dashboard. */
  static ClusterNode front;
  static Http http;
  static Vertx clients;
  static long visibleMillis;

  @BeforeAll
  static void startCluster() {
    redis = RedisServer.start(dir.resolve("redis"));
    String name = ClusterNode.randomName();
    int[] ports = ClusterNode.freePorts(4);
    int hazelcastA = ports[0];
    int hazelcastB = ports[1];
    String prefix = "cluster-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    JsonObject redisBackend = ClusterNode.redis(redis.url(), prefix);
    backend = ClusterNode.start(dir.resolve("b"), ClusterNode.cluster(name, hazelcastB, ports[3], hazelcastA, hazelcastB)
      .mergeIn(redisBackend, true).mergeIn(ClusterNode.only("guardian", "store", "broadcaster"), true));
    front = ClusterNode.start(dir.resolve("a"), ClusterNode.cluster(name, hazelcastA, ports[2], hazelcastA, hazelcastB)
      .mergeIn(redisBackend, true).mergeIn(ClusterNode.only("gateway", "dashboard"), true));
    long joined = System.nanoTime();
    http = front.http();
    // B's consumers are not visible on A at once: A is not ready until they answer
    AtomicReference<Response> health = new AtomicReference<>();
    try {
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          health.set(http.get("/health", null));
          return health.get().status() == 200;
        });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("node A not ready in 15 s; its last /health: " + health.get().body(), e);
    }
    visibleMillis = (System.nanoTime() - joined) / 1_000_000;
    clients = Vertx.vertx();
    System.out.printf("cluster.measure two nodes: B joined alone in %d ms, A joined B in %d ms, A ready (B's consumers"
      + " visible) %d ms after its join%n", backend.joinMillis, front.joinMillis, visibleMillis);
  }

  @AfterAll
  static void stopCluster() {
    ClusterNode.closeAll(() -> {
      if (clients != null) {
        TestNode.await(clients.close());
      }
    }, front, backend, redis);
  }

  /** Verifies that the gateway node's /health shows both members, its own verticles, and B's backends as UP. */
  @Test
  @Order(1)
  void healthShowsTheClusterAndTheRemoteBackends() {
    Response health = http.get("/health", null);
    assertEquals(200, health.status(), health.body());
    JsonObject data = health.data();
    assertTrue(data.getBoolean("ready"));
    data.getJsonObject("backends").forEach(e -> assertEquals("UP", ((JsonObject) e.getValue()).getString("status"), e.getKey()));
    JsonObject cluster = data.getJsonObject("cluster");
    assertEquals(true, cluster.getBoolean("enabled"), cluster.encode());
    assertEquals(front.clusterManager().getNodeId(), cluster.getString("node_id"));
    Set<String> members = Set.copyOf(cluster.getJsonArray("members").stream()
      .map(m -> ((JsonObject) m).getString("node_id")).toList());
    assertEquals(Set.of(front.clusterManager().getNodeId(), backend.clusterManager().getNodeId()), members);
    cluster.getJsonArray("members").forEach(m ->
      assertTrue(((JsonObject) m).getString("bus", "").startsWith("127.0.0.1:"), "the bus stays on loopback: " + m));
    assertEquals(new JsonObject().put("gateway", 2).put("dashboard", 1), cluster.getJsonObject("verticles"));
    assertEquals(backend.clusterManager().getNodeId(), cluster.getJsonObject("writer").getString("node_id"),
      "the writer is B, the only store node: " + cluster.encode());
    assertTrue(cluster.getJsonObject("writer").getLong("epoch") >= 1);
    assertEquals(null, cluster.getValue("lease"), "a gateway-only node takes no part in the lease");
    // one JVM, one metrics registry: B's lease gauge shows on A's /metrics too
    String metrics = http.get("/metrics", null).body();
    assertTrue(metrics.contains("chameleon_cluster_lease_held 1.0"), "the writer's lease gauge");
    assertTrue(metrics.contains("chameleon_store_follower_lag_milliseconds"), "the standby lag gauge");
  }

  /**
   * Verifies the full pilot flow through node A (guardian, UOW, advance → parked, waive, advance →
   * completed, verify ok) served by node B, and that a socket on A receives every event of it.
   */
  @Test
  @Order(2)
  void pilotFlowThroughTheGatewayNodeAndPushesOnItsSocket() {
    String admin = front.token("admin-1", "ADMIN");
    String operator = front.token("operator-1", "OPERATOR");
    String viewer = front.token("viewer-1", "VIEWER");
    Socket socket = Socket.connect(clients, http.port());
    try {
      assertTrue(socket.request("auth", "a", new JsonObject().put("token", viewer)).getBoolean("success"));
      assertTrue(socket.request("subscribe", "s", null).getBoolean("success"));
      String before = lastEventId(viewer);

      Response guardian = http.send("PUT", "/api/guardians/min-amount", admin, new JsonObject()
        .put("type", "CRITERIA_GATE").put("attributes", new JsonObject().put("rules", new JsonArray().add(new JsonObject()
          .put("field", "amount").put("condition", "gte").put("value", 100)))).encode());
      assertTrue(guardian.status() == 200 || guardian.status() == 201, guardian.body());

      Response registered = http.post("/api/uows", operator, new JsonObject().put("instance_id", UUID.randomUUID().toString())
        .put("attributes", new JsonObject().put("amount", 500))
        .put("interaction_policy", new JsonObject().put("guardians", new JsonArray().add("min-amount"))).encode());
      assertEquals(201, registered.status(), registered.body());
      String uow = registered.data().getString("uow_id");

      assertEquals("ACTIVE", advance(operator, uow, new JsonObject().put("status", "ACTIVE")).getJsonObject("uow").getString("status"));
      JsonObject parked = advance(operator, uow, new JsonObject().put("status", "COMPLETED")
        .put("attributes", new JsonObject().put("amount", 1)));
      assertEquals("PAUSED", parked.getString("outcome"), parked.encode());
      assertEquals("GUARD_VIOLATION", parked.getJsonObject("uow").getJsonObject("pause").getString("reason"));

      Response waived = http.post("/pilot/waive/" + uow + "/min-amount", admin, new JsonObject().put("reason", "approved by finance").encode());
      assertEquals(200, waived.status(), waived.body());
      JsonObject done = advance(operator, uow, new JsonObject().put("status", "COMPLETED"));
      assertEquals("ADVANCED", done.getString("outcome"), done.encode());
      assertEquals("COMPLETED", done.getJsonObject("uow").getString("status"));

      Response verify = http.get("/api/events/verify", viewer);
      assertEquals(200, verify.status(), verify.body());
      assertEquals(true, verify.data().getBoolean("ok"), verify.body());

      List<String> logged = eventsAfter(viewer, before);
      assertTrue(logged.size() >= 10, "the flow's events: " + logged);
      // every event B appended reaches A's socket, in order, once
      await().atMost(Duration.ofSeconds(10)).until(() -> socket.eventIds().size() >= logged.size());
      assertEquals(logged, socket.eventIds());
      socket.await(f -> "new_request".equals(f.getString("type")) && uow.equals(f.getJsonObject("data").getString("uow_id")));
      assertEquals("waive_violation", socket.first(f -> "new_request".equals(f.getString("type")))
        .getJsonObject("data").getString("intervention_type"));
    } finally {
      socket.close();
    }
  }

  /** Verifies cross-node request/reply on the plain bus, and measures its latency from A to B. */
  @Test
  @Order(3)
  void crossNodeRequestReply() {
    String address = "test.echo." + UUID.randomUUID();
    MessageConsumer<JsonObject> echo = backend.vertx.eventBus().consumer(address, m -> m.reply(m.body()));
    TestNode.await(echo.completion());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(1000);
    long registered = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
      .until(() -> TestNode.await(front.vertx.eventBus().request(address, new JsonObject(), options)) != null);
    long visible = (System.nanoTime() - registered) / 1_000_000;
    long[] micros = new long[500];
    for (int i = 0; i < micros.length; i++) {
      long t0 = System.nanoTime();
      JsonObject reply = TestNode.<io.vertx.core.eventbus.Message<JsonObject>>await(
        front.vertx.eventBus().request(address, new JsonObject().put("i", i), options)).body();
      micros[i] = (System.nanoTime() - t0) / 1000;
      assertEquals(i, reply.getInteger("i"));
    }
    Arrays.sort(micros);
    System.out.printf("cluster.measure plain bus: a new consumer on B visible on A after %d ms; A→B request/reply"
      + " (one at a time, 500) p50 %d µs, p99 %d µs%n", visible, micros[250], micros[495]);
    TestNode.await(echo.unregister());
  }

  /** Verifies that a node that shuts down leaves the cluster at once, and the other node's gateway-less side sees it. */
  @Test
  @Order(4)
  void aClosedNodeLeavesTheCluster() {
    String leaving = front.clusterManager().getNodeId();
    long t0 = System.nanoTime();
    front.close();
    long closeMillis = (System.nanoTime() - t0) / 1_000_000;
    await().atMost(Duration.ofSeconds(5)).until(() -> !backend.clusterManager().getNodes().contains(leaving));
    assertEquals(List.of(backend.clusterManager().getNodeId()), backend.clusterManager().getNodes());
    System.out.printf("cluster.measure node A closed (undeploy + leave) in %d ms%n", closeMillis);
  }

  private static JsonObject advance(String token, String uow, JsonObject body) {
    Response r = http.post("/api/uows/" + uow + "/advance", token, body.encode());
    assertEquals(200, r.status(), r.body());
    return r.data();
  }

  private static String lastEventId(String token) {
    List<String> ids = eventsAfter(token, "0-0");
    return ids.isEmpty() ? "0-0" : ids.get(ids.size() - 1);
  }

  private static List<String> eventsAfter(String token, String after) {
    List<String> ids = new ArrayList<>();
    String last = after;
    while (true) {
      Response r = http.get("/api/events?count=1000&after=" + last, token);
      assertEquals(200, r.status(), r.body());
      JsonArray page = r.data().getJsonArray("events");
      if (page.isEmpty()) {
        return ids;
      }
      page.forEach(e -> ids.add(((JsonObject) e).getString("id")));
      last = ids.get(ids.size() - 1);
    }
  }

  /** A raw-transport dashboard socket that keeps every frame (text or binary). */
  private static final class Socket {
    final ClientWebSocket ws;
    final Queue<JsonObject> frames = new ConcurrentLinkedQueue<>();

    private Socket(ClientWebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      ws.binaryMessageHandler(bytes -> frames.add(new JsonObject(bytes.toString("UTF-8"))));
    }

    static Socket connect(Vertx vertx, int port) {
      Socket socket = new Socket(vertx.createWebSocketClient().webSocket());
      TestNode.await(socket.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/interventions/websocket")));
      return socket;
    }

    JsonObject request(String type, String id, JsonObject payload) {
      JsonObject message = new JsonObject().put("type", type).put("id", id);
      if (payload != null) {
        message.put("payload", payload);
      }
      TestNode.await(ws.writeTextMessage(message.encode()));
      return await(f -> id.equals(f.getValue("id")) && type.equals(f.getString("type")));
    }

    JsonObject await(Predicate<JsonObject> match) {
      return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first(match), f -> f != null);
    }

    JsonObject first(Predicate<JsonObject> match) {
      return frames.stream().filter(match).findFirst().orElse(null);
    }

    /** The ids of the "event" pushes, in the order they arrived. */
    List<String> eventIds() {
      return frames.stream().filter(f -> "event".equals(f.getString("type")) && !f.containsKey("success"))
        .map(f -> f.getJsonObject("data").getString("id")).toList();
    }

    void close() {
      TestNode.await(ws.close());
    }
  }
}
