package io.chameleon.cluster;

import io.chameleon.bus.Addresses;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Response;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer lease of a clustered node (SPEC §9): exactly one node among those that run the store
 * holds it, and with it the current epoch, which the append script checks, so a writer that was
 * paused past its lease cannot append one event once another has taken over. It takes the lease
 * when it is free, renews it, steps down when it cannot renew (see {@link WriterLease}), frees it
 * at a clean shutdown, and tells the node's store and broadcaster: a node-local publish on
 * {@code cluster.writer} at every change, and {@code cluster.writer.status} on request.
 *
 * <p>Config: {@code cluster.lease_ttl_ms} (default 5000), {@code cluster.node_id} (set by the
 * node at start), {@code redis} and {@code events.redis} as for the Redis event log.
 */
public final class WriterLeaseVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WriterLeaseVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private RedisClients redis;
  private RedisKeys keys;
  private WriterLease lease;
  private String node;
  private String holder = "";
  private long tick = -1;
  private long watch = -1;
  private boolean stopping;

  @Override
  public Future<?> start() {
    JsonObject cluster = config().getJsonObject("cluster", new JsonObject());
    JsonObject events = config().getJsonObject("events", new JsonObject()).getJsonObject("redis", new JsonObject());
    lease = new WriterLease(cluster.getLong("lease_ttl_ms", 5000L));
    node = cluster.getString("node_id", deploymentID());
    keys = new RedisKeys(events.getString("key_prefix", "chameleon:"), events.getString("stream", "chameleon:events"));
    redis = RedisClients.create(vertx, config().getJsonObject("redis", new JsonObject()));
    registerGauges();
    // renewals may hang up to the Redis timeout: the step-down check runs on its own beat
    watch = vertx.setPeriodic(Math.max(20, lease.ttlMs() / 20), t -> stepDownIfStale());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_WRITER_STATUS, this::status)
      .completion()
      .onSuccess(ready -> schedule(0));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(tick);
    vertx.cancelTimer(watch);
    Future<?> released = lease.held()
      ? redis.bounded(redis.api().eval(List.of(LeaseScripts.RELEASE, "1", keys.lease(), node)))
        .onSuccess(r -> LOG.info("[node: {}, epoch: {}] writer lease released", node, lease.epoch()))
      : Future.succeededFuture();
    return released.otherwiseEmpty().eventually(() -> redis.redis().close());
  }

  private void schedule(long delayMs) {
    if (!stopping) {
      tick = vertx.setTimer(Math.max(1, delayMs), t -> (lease.held() ? renew() : tryTakeOver())
        .onComplete(done -> schedule(lease.held() ? lease.renewEveryMs() : lease.tryEveryMs())));
    }
  }

  private Future<Void> tryTakeOver() {
    return redis.bounded(redis.api().eval(List.of(LeaseScripts.TAKE_OVER, "2", keys.lease(), keys.tip(),
        node, String.valueOf(lease.ttlMs()))))
      .map(reply -> {
        if (reply.get(0).toLong() == 1) {
          lease.took(reply.get(1).toLong(), now());
          holder = node;
          LOG.info("[node: {}, epoch: {}] writer lease taken", node, lease.epoch());
          announce();
        } else {
          holder = reply.get(1).toString();
        }
        return (Void) null;
      })
      .recover(err -> {
        LOG.debug("[node: {}] cannot try the writer lease: {}", node, err.getMessage());
        return Future.succeededFuture();
      });
  }

  private Future<Void> renew() {
    long epoch = lease.epoch();
    long asked = now();
    return redis.bounded(redis.api().eval(List.of(LeaseScripts.RENEW, "2", keys.lease(), keys.tip(), node,
        String.valueOf(lease.ttlMs()), String.valueOf(epoch))))
      .map(Response::toLong)
      .map(renewed -> {
        if (!lease.held() || lease.epoch() != epoch) {
          return null;
        }
        if (renewed == 1) {
          lease.renewed(asked);
        } else {
          stepDown("another node holds the lease");
        }
        return (Void) null;
      })
      .recover(err -> {
        LOG.warn("[node: {}, epoch: {}] writer lease not renewed: {}", node, epoch, err.getMessage());
        return Future.succeededFuture();
      });
  }

  private void stepDownIfStale() {
    if (lease.mustStepDown(now())) {
      stepDown("no renewal for half the lease's time-to-live");
    }
  }

  private void stepDown(String why) {
    if (!lease.held()) {
      return;
    }
    lease.lost();
    holder = "";
    LOG.warn("[node: {}, epoch: {}] writer lease lost: {}; this node stops taking writes", node,
      lease.epoch(), why);
    announce();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.CLUSTER_WRITER, role(), LOCAL);
  }

  private JsonObject role() {
    return new JsonObject().put("writer", lease.held()).put("epoch", lease.held() ? lease.epoch() : null)
      .put("node", node);
  }

  private void status(Message<JsonObject> message) {
    message.reply(role().put("holder", holder.isEmpty() ? null : holder)
      .put("lease_ttl_ms", lease.ttlMs()));
  }

  /** {@code chameleon_cluster_lease_held} (1 while this node writes) and {@code chameleon_cluster_lease_epoch}. */
  private void registerGauges() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      Gauge.builder("chameleon.cluster.lease.held", lease, l -> l.held() ? 1 : 0)
        .description("1 while this node holds the writer lease").register(registry);
      Gauge.builder("chameleon.cluster.lease.epoch", lease, l -> l.held() ? l.epoch() : 0)
        .description("The writer epoch this node holds the lease under (0: it does not)").register(registry);
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000L;
  }
}
