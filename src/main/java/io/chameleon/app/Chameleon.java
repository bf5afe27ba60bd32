package io.chameleon.app;

import io.chameleon.app.Settings.ConfigException;
import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.bus.HandOff;
import io.chameleon.bus.WriterPresence;
import io.chameleon.cluster.ClusterWatch;
import io.chameleon.cluster.WriterLeaseVerticle;
import io.chameleon.dashboard.DashboardRoutes;
import io.chameleon.dashboard.DashboardVerticle;
import io.chameleon.gateway.GatewayVerticle;
import io.chameleon.guardian.GuardianVerticle;
import io.chameleon.store.StoreVerticle;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of Chameleon: the verticles this node runs, deployed in dependency order (the
 * broadcaster first, since the others rebuild their state from the event log; the guardian
 * evaluator before the store, whose gate uses it; the gateway last, so the port opens only when
 * everything behind it is ready).
 */
public final class Chameleon {

  private static final Logger LOG = LoggerFactory.getLogger(Chameleon.class);

  private final Vertx vertx;
  private final List<String> deployments;
  private final List<GatewayVerticle> gateways;

  private Chameleon(Vertx vertx, List<String> deployments, List<GatewayVerticle> gateways) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.gateways = gateways;
  }

  /** A Vert.x instance with Micrometer metrics behind a Prometheus registry. */
  public static Vertx createVertx() {
    Vertx vertx = builder(new VertxOptions()).build();
    HandOff.register(vertx);
    return vertx;
  }

  /**
   * A clustered Vert.x instance (Hazelcast, see {@link Clustering}) with the same metrics, for a
   * prepared configuration with {@code cluster.enabled}. Completes once this node has joined; the
   * other nodes' consumers become visible a moment later, which /health shows.
   */
  public static Future<Vertx> createClusteredVertx(JsonObject config) {
    JsonObject cluster = config.getJsonObject("cluster");
    EventBusOptions bus = Clustering.eventBusOptions(cluster);
    HazelcastClusterManager manager = new HazelcastClusterManager(Clustering.hazelcastConfig(cluster));
    long started = System.nanoTime();
    return builder(new VertxOptions().setEventBusOptions(bus))
      .withClusterManager(manager)
      .buildClustered()
      // before any verticle: a node decodes the hand-off codec's messages by its name
      .onSuccess(HandOff::register)
      .onSuccess(vertx -> LOG.info("joined the cluster [node: {}, members: {}, tls: {}, took_ms: {}]", manager.getNodeId(),
        manager.getNodes().size(), bus.isSsl(), (System.nanoTime() - started) / 1_000_000));
  }

  private static VertxBuilder builder(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Vert.x's own method label takes whatever method a client sends, so every invented one would
    // be a new series (and a cached meter) forever: the label is ours, with unknown methods folded.
    // No path or route label is on, so unmatched paths add nothing.
    Set<Label> labels = EnumSet.copyOf(MicrometerMetricsOptions.DEFAULT_LABELS);
    labels.remove(Label.HTTP_METHOD);
    return Vertx.builder()
      .with(options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setLabels(labels)
        .setServerRequestTagsProvider(request -> Tags.of(Label.HTTP_METHOD.toString(), MethodLabel.of(request.method())))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
      .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * Completes the configuration from the data directory (generated secret, PEM files) and checks
   * what only the file system can tell; throws {@link ConfigException} naming the key.
   */
  public static JsonObject prepare(JsonObject config) {
    JsonObject resolved = config.copy();
    Path dataDir = Path.of(resolved.getJsonObject("data").getString("dir"));
    try {
      JwtSecret.createDataDir(dataDir);
    } catch (IOException e) {
      throw new ConfigException("data.dir: cannot create " + dataDir + " (" + e.getMessage() + ")");
    }
    JsonObject auth = resolved.getJsonObject("auth");
    if ("HS256".equals(auth.getString("algorithm"))) {
      auth.put("secret", JwtSecret.resolve(auth.getString("secret"), dataDir));
    } else {
      String keyFile = auth.getString("public_key_file");
      if (auth.getString("public_key") == null && keyFile != null) {
        try {
          auth.put("public_key", Files.readString(Path.of(keyFile)));
        } catch (IOException e) {
          throw new ConfigException("auth.public_key_file: cannot read " + keyFile);
        }
      }
      String pem = auth.getString("public_key");
      if (pem == null || !pem.contains("-----BEGIN PUBLIC KEY-----")) {
        throw new ConfigException("auth.public_key: " + auth.getString("algorithm")
          + " needs a PEM public key (auth.public_key or auth.public_key_file)");
      }
    }
    return resolved;
  }

  /** Deploys the enabled verticles over a prepared configuration. */
  public static Future<Chameleon> deploy(Vertx vertx, JsonObject prepared) {
    return deploy(vertx, prepared, () -> { });
  }

  /**
   * As {@link #deploy(Vertx, JsonObject)}; a clustered node runs {@code onSeparated} when it finds
   * itself cut off from its cluster ({@link ClusterWatch}; the {@code run} command exits).
   */
  public static Future<Chameleon> deploy(Vertx vertx, JsonObject prepared, Runnable onSeparated) {
    // a clustered node's verticles know its id (the writer lease holds it; /health shows it)
    JsonObject config = prepared.getJsonObject("cluster").getBoolean("enabled") ? withNodeId(vertx, prepared) : prepared;
    if (config.getJsonObject("cluster").getBoolean("enabled")) {
      // before any verticle: their bus clients find it when they send to the writer
      WriterPresence.install(vertx);
    }
    JsonObject verticles = config.getJsonObject("verticles");
    List<String> ids = new CopyOnWriteArrayList<>();
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    chain = step(chain, vertx, config, verticles, "broadcaster", BroadcasterVerticle::new, ids);
    chain = step(chain, vertx, config, verticles, "guardian", GuardianVerticle::new, ids);
    chain = step(chain, vertx, config, verticles, "store", StoreVerticle::new, ids);
    if (config.getJsonObject("cluster").getBoolean("enabled") && verticles.getJsonObject("store").getBoolean("enabled")) {
      // a store node competes for the writer lease once its store is loaded and following
      chain = chain.compose(v -> vertx.deployVerticle(new WriterLeaseVerticle(), new DeploymentOptions().setConfig(config)))
        .onSuccess(id -> {
          ids.add(id);
          LOG.info("deployed [verticle: writer lease, instances: 1]");
        })
        .mapEmpty();
    }
    chain = step(chain, vertx, config, verticles, "dashboard", DashboardVerticle::new, ids);
    chain = step(chain, vertx, config, verticles, "gateway", () -> {
      GatewayVerticle gateway = verticles.getJsonObject("dashboard").getBoolean("enabled")
        ? new GatewayVerticle((v, router) -> DashboardRoutes.mount(v, router, config))
        : new GatewayVerticle();
      gateways.add(gateway);
      return gateway;
    }, ids);
    if (config.getJsonObject("cluster").getBoolean("enabled")) {
      chain = chain.compose(v -> vertx.deployVerticle(new ClusterWatch(onSeparated), new DeploymentOptions().setConfig(config)))
        .onSuccess(ids::add)
        .mapEmpty();
    }
    Chameleon node = new Chameleon(vertx, ids, gateways);
    return chain.map(node).recover(err -> node.undeploy().transform(ignored -> Future.failedFuture(err)));
  }

  /** The configuration with {@code cluster.node_id}: the cluster manager's id of this node (as /health shows it). */
  private static JsonObject withNodeId(Vertx vertx, JsonObject config) {
    JsonObject copy = config.copy();
    String nodeId = vertx instanceof VertxInternal internal && internal.clusterManager() != null
      ? internal.clusterManager().getNodeId() : java.util.UUID.randomUUID().toString();
    copy.getJsonObject("cluster").put("node_id", nodeId);
    return copy;
  }

  private static Future<Void> step(Future<Void> previous, Vertx vertx, JsonObject config, JsonObject verticles,
                                   String name, Supplier<io.vertx.core.Deployable> factory, List<String> ids) {
    JsonObject settings = verticles.getJsonObject(name);
    if (!settings.getBoolean("enabled")) {
      return previous;
    }
    DeploymentOptions options = new DeploymentOptions().setConfig(config).setInstances(settings.getInteger("instances"));
    return previous
      .compose(v -> vertx.deployVerticle(factory, options))
      .onSuccess(id -> {
        ids.add(id);
        LOG.info("deployed [verticle: {}, instances: {}]", name, settings.getInteger("instances"));
      })
      .mapEmpty();
  }

  /** The HTTP port the gateway bound (the configured one, or the free one picked for port 0). */
  public int httpPort() {
    if (gateways.isEmpty()) {
      throw new IllegalStateException("the gateway is not deployed on this node");
    }
    return gateways.get(0).actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Undeploys in reverse order: the gateway stops taking requests before the log closes. */
  public Future<Void> undeploy() {
    List<String> reversed = new ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return chain.onComplete(v -> deployments.clear());
  }
}
