package io.chameleon.gateway;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: liveness (this process answers) and readiness (each backend answers its
 * status address in time). 200 with the states when ready; 503 with the error envelope and the
 * same states in {@code data} when not. Both carry this node's cluster facts. On a clustered node
 * the backends may live on other nodes: until their consumers are visible here (a second or two
 * after joining) they are DOWN, so the node never claims ready before it can serve.
 */
final class HealthApi {

  private static final Map<String, String> BACKENDS = new LinkedHashMap<>();
  /** How long a member's event bus address may take to look up before it is left out. */
  private static final long MEMBER_INFO_TIMEOUT_MS = 500;

  static {
    BACKENDS.put("event_log", Addresses.EVENTS_STATUS);
    BACKENDS.put("guardian_evaluator", Addresses.GUARDIAN_STATUS);
    BACKENDS.put("store", Addresses.STORE_STATUS);
    BACKENDS.put("dashboard", Addresses.DASHBOARD_STATUS);
  }

  private final BusClient bus;

  HealthApi(BusClient bus) {
    this.bus = bus;
  }

  void health(RoutingContext ctx) {
    JsonObject backends = new JsonObject();
    JsonObject writer = new JsonObject();
    Future<?>[] checks = BACKENDS.entrySet().stream()
      .map(e -> bus.request(e.getValue(), new JsonObject())
        .map(status -> {
          if (status.getValue("writer") instanceof JsonObject answered) {
            writer.mergeIn(answered); // the store that answered is the writer's: who, under which epoch
          }
          JsonObject state = new JsonObject().put("status", status.getString("status", "UP"));
          if (status.getValue("reason") instanceof String reason) {
            state.put("reason", reason);
          }
          return state;
        })
        .otherwise(new JsonObject().put("status", "DOWN"))
        .onSuccess(state -> backends.put(e.getKey(), state)))
      .toArray(Future[]::new);
    Future<JsonObject> cluster = cluster(ctx.vertx(), ctx.vertx().getOrCreateContext());
    List<Future<?>> all = new ArrayList<>(List.of(checks));
    all.add(cluster);
    Future.join(all).onComplete(done -> {
      boolean ready = backends.stream().allMatch(e -> "UP".equals(((JsonObject) e.getValue()).getString("status")));
      JsonObject facts = cluster.result();
      if (facts.getBoolean("enabled")) {
        facts.put("writer", writer.isEmpty() ? null : writer);
      }
      JsonObject data = new JsonObject().put("live", true).put("ready", ready).put("backends", backends)
        .put("cluster", facts);
      if (ready) {
        Envelope.ok(ctx, 200, data);
      } else {
        // not ready is a failure (error envelope), but the backend states are what an operator needs
        Envelope.error(ctx, Failure.unavailable("not ready"), data);
      }
    });
  }

  /**
   * This node's place in the cluster: {@code {"enabled": false}} on a single node; else its id,
   * the members the cluster manager sees (with their event bus address, where known in time) and
   * the verticles this node runs, from the configuration it started with (the gateway's own, the
   * context this handler runs on), and — on a node that runs the store — its part in the writer
   * lease ({@code lease}: whether it holds it, under which epoch, who holds it).
   */
  private static Future<JsonObject> cluster(Vertx vertx, Context context) {
    ClusterManager manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (manager == null) {
      return Future.succeededFuture(new JsonObject().put("enabled", false));
    }
    JsonObject verticles = new JsonObject();
    JsonObject configured = context.config().getJsonObject("verticles", new JsonObject());
    for (String name : configured.fieldNames()) {
      JsonObject verticle = configured.getJsonObject(name);
      if (verticle.getBoolean("enabled", false)) {
        verticles.put(name, verticle.getInteger("instances"));
      }
    }
    List<Future<JsonObject>> members = manager.getNodes().stream().sorted().map(id -> member(manager, id, context)).toList();
    // node-local: only a store node has a lease verticle; elsewhere there is no lease to show
    Future<JsonObject> lease = vertx.eventBus().<JsonObject>request(Addresses.CLUSTER_WRITER_STATUS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(MEMBER_INFO_TIMEOUT_MS))
      .map(Message::body)
      .map(status -> new JsonObject().put("held", status.getBoolean("writer")).put("epoch", status.getValue("epoch"))
        .put("holder", status.getValue("holder")))
      .otherwise((JsonObject) null);
    List<Future<?>> all = new ArrayList<>(members);
    all.add(lease);
    return Future.join(all).transform(done -> Future.succeededFuture(new JsonObject()
      .put("enabled", true)
      .put("node_id", manager.getNodeId())
      .put("members", new JsonArray(members.stream().map(Future::result).toList()))
      .put("verticles", verticles)
      .put("lease", lease.result())));
  }

  /** One member, its answer brought back to this handler's event loop (Hazelcast answers on its own threads). */
  private static Future<JsonObject> member(ClusterManager manager, String id, Context context) {
    CompletableFuture<NodeInfo> info = new CompletableFuture<>();
    manager.getNodeInfo(id, (node, err) -> {
      if (err != null) {
        info.completeExceptionally(err);
      } else {
        info.complete(node);
      }
    });
    JsonObject member = new JsonObject().put("node_id", id);
    return Future.fromCompletionStage(info, context)
      .timeout(MEMBER_INFO_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(node -> node == null ? member : member.put("bus", node.host() + ":" + node.port()))
      .otherwise(member);
  }
}
