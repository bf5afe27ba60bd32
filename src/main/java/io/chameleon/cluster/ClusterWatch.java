package io.chameleon.cluster;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.WriterPresence;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this node has been cut off from its cluster. A node that was frozen for longer than
 * Hazelcast waits for a member's heartbeat (a long GC pause, a SIGSTOP, a network partition) comes
 * back as a cluster of its own, and Hazelcast would merge it only minutes later, with the event
 * bus's registrations out of date: its gateway would answer "no handler" while the others go on.
 * The writer lease in Redis tells: when the node that holds it is not among this node's members
 * for the lease's time-to-live plus {@link #SEPARATED_MS}, this node is separated, says so in its log, and runs
 * {@code onSeparated} — the {@code run} command exits (code 3) so its supervisor starts it again
 * and it joins afresh.
 *
 * <p>It also keeps this node's {@link WriterPresence} current — the lease's holder and the members,
 * checked every {@link WriterPresence#FAST_POLL_MS} ms — so that requests for a writer that died
 * fail at once instead of after the bus timeout.
 */
public final class ClusterWatch extends VerticleBase {

  /**
   * How long the writer may be missing from this node's members, beyond the lease's time-to-live,
   * before this node counts as separated: a writer that died loses its lease within the TTL and a
   * standby takes it, so only a holder that keeps renewing, unseen, stays missing longer.
   */
  static final long SEPARATED_MS = 5_000;
  static final long CHECK_EVERY_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

  private final Runnable onSeparated;
  private RedisClients redis;
  private RedisKeys keys;
  private ClusterManager manager;
  private WriterPresence presence;
  private long missingSince = -1;
  private long separatedAfterMs;
  private long lastRead = Long.MIN_VALUE / 2;
  private boolean reading;
  private boolean reported;

  public ClusterWatch(Runnable onSeparated) {
    this.onSeparated = onSeparated;
  }

  @Override
  public Future<?> start() {
    manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (manager == null) {
      return Future.succeededFuture();
    }
    JsonObject events = config().getJsonObject("events", new JsonObject()).getJsonObject("redis", new JsonObject());
    keys = new RedisKeys(events.getString("key_prefix", "chameleon:"), events.getString("stream", "chameleon:events"));
    redis = RedisClients.create(vertx, config().getJsonObject("redis", new JsonObject()));
    presence = WriterPresence.of(vertx);
    separatedAfterMs = config().getJsonObject("cluster", new JsonObject()).getLong("lease_ttl_ms", 5000L) + SEPARATED_MS;
    vertx.setPeriodic(WriterPresence.FAST_POLL_MS, t -> tick());
    // this node taking the lease is known here before Redis is read again
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_WRITER, m -> {
      if (presence != null && m.body().getBoolean("writer", false)) {
        presence.holderIs(m.body().getString("node"), manager.getNodes());
      }
    }).completion();
  }

  @Override
  public Future<?> stop() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }

  private void tick() {
    if (presence != null) {
      presence.membersAre(manager.getNodes());
    }
    long now = System.nanoTime() / 1_000_000L;
    boolean due = now - lastRead >= CHECK_EVERY_MS || presence != null && presence.writerMissing();
    if (due && !reading && !reported) {
      lastRead = now;
      reading = true;
      check().onComplete(done -> reading = false);
    }
  }

  private Future<?> check() {
    return redis.bounded(redis.api().get(keys.lease())).onSuccess(holder -> {
      long now = System.nanoTime() / 1_000_000L;
      String writer = holder == null ? null : holder.toString();
      if (presence != null) {
        presence.holderIs(writer, manager.getNodes());
      }
      if (writer == null || manager.getNodes().contains(writer)) {
        missingSince = -1;
        return;
      }
      if (missingSince < 0) {
        missingSince = now;
      } else if (now - missingSince >= separatedAfterMs && !reported) {
        reported = true;
        LOG.error("[node: {}, writer: {}, members: {}] this node is cut off from its cluster: the writer is not"
          + " among its members; it stops, to be started again and rejoin", manager.getNodeId(), writer,
          manager.getNodes().size());
        onSeparated.run();
      }
    });
  }
}
