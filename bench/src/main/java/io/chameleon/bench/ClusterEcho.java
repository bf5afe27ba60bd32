package io.chameleon.bench;

import com.hazelcast.config.Config;
import io.chameleon.app.Clustering;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The limit of a gateway whose backend is on another node: a bare clustered Vert.x request/reply
 * echo, built from the same Hazelcast configuration as a Chameleon node ({@link Clustering}: the
 * repository's {@code cluster.xml} with {@code cluster.name}, {@code members}, {@code port}). One
 * node serves HTTP (2 verticle instances, as the gateway) and forwards every request over the
 * clustered event bus — a JSON object with the method, the path and the body, if any — to the
 * other node's consumer, which answers a JSON object the size of the store's metrics answer; the
 * HTTP node answers 200 with it. No router, no auth, no metrics, no logging.
 *
 * <pre>
 * java -Dhazelcast.wait.seconds.before.join=0 -cp benchmarks.jar io.chameleon.bench.ClusterEcho \
 *   --role consumer|http --cluster-name bench-echo --members 127.0.0.1:5801,127.0.0.1:5802 --cluster-port 5801 \
 *   [--http-port 18090] [--instances 2]
 * </pre>
 */
public final class ClusterEcho {

  static final String ADDRESS = "bench.echo";

  /** About what GET /api/interventions/metrics answers (its {@code data}). */
  static final JsonObject REPLY = new JsonObject().put("total_interventions", 120_000).put("pending_interventions", 40_000)
    .put("in_progress_interventions", 20_000).put("approved_interventions", 60_000).put("rejected_interventions", 0)
    .put("expired_interventions", 0).put("completed_interventions", 0).put("avg_resolution_time_seconds", 12.5)
    .put("by_type", new JsonObject().put("cancel", 120_000))
    .put("by_priority", new JsonObject().put("critical", 30_000).put("high", 30_000).put("low", 30_000).put("normal", 30_000))
    .put("top_pilots", new JsonArray().add(new JsonObject().put("pilot_id", "load-1").put("interventions", 60_000)));

  private ClusterEcho() {
  }

  public static void main(String[] args) {
    String role = null;
    String name = "bench-echo";
    String members = null;
    Integer clusterPort = null;
    int httpPort = 0;
    int instances = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--role" -> role = args[++i];
        case "--cluster-name" -> name = args[++i];
        case "--members" -> members = args[++i];
        case "--cluster-port" -> clusterPort = Integer.parseInt(args[++i]);
        case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!"http".equals(role) && !"consumer".equals(role)) {
      throw new IllegalArgumentException("--role http|consumer");
    }
    JsonObject cluster = new JsonObject().put("name", name).put("members", members).put("port", clusterPort)
      .put("bus_port", 0).put("tls", new JsonObject().put("enabled", false));
    Config hazelcast = Clustering.hazelcastConfig(cluster);
    String r = role;
    int port = httpPort;
    int n = instances;
    Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(Clustering.eventBusOptions(cluster)))
      .withClusterManager(new HazelcastClusterManager(hazelcast))
      .buildClustered()
      .compose(vertx -> "consumer".equals(r)
        ? vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> m.reply(REPLY)).completion().map("consumer on " + ADDRESS)
        : vertx.deployVerticle(() -> new Http(port), new DeploymentOptions().setInstances(n)).map("http on " + port))
      .onSuccess(what -> System.out.println("echo ready: " + what))
      .onFailure(e -> {
        e.printStackTrace();
        System.exit(1);
      });
  }

  /** The HTTP side: every request becomes one bus request/reply. */
  static final class Http extends VerticleBase {
    private final int port;

    Http(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(5000);
      return vertx.createHttpServer().requestHandler(req -> req.body().onComplete(body -> {
        JsonObject message = new JsonObject().put("method", req.method().name()).put("path", req.path());
        Buffer b = body.succeeded() ? body.result() : null;
        if (b != null && b.length() > 0) {
          message.put("body", new JsonObject(b));
        }
        vertx.eventBus().<JsonObject>request(ADDRESS, message, options).onComplete(reply -> {
          if (reply.succeeded()) {
            req.response().setStatusCode(200).putHeader("content-type", "application/json")
              .end(new JsonObject().put("success", true).put("data", reply.result().body()).toBuffer());
          } else {
            req.response().setStatusCode(503).end(String.valueOf(reply.cause().getMessage()));
          }
        });
      })).listen(port, "127.0.0.1");
    }
  }
}
