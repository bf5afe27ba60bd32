package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.ChainFollower;
import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.chameleon.bus.StoreMessage;
import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's fan-out, one per node: it consumes every appended audit event (published
 * cluster-wide by the broadcaster), derives the pushes once ({@link PushDerivation}) and publishes
 * them on the node-local {@link Addresses#DASHBOARD_PUSH}, where each gateway instance's sockets
 * pick them up. After an event that changes intervention requests it fetches the metrics and
 * pushes {@code metrics_update} — at most one fetch per {@value #METRICS_INTERVAL_MS} ms.
 * Events are followed in chain order: one whose {@code prev_hash} is not the last event's hash
 * shows that this node missed events (a bus hiccup in a cluster), and every socket is sent
 * {@code resync}, so its client replays from its last event id instead of going on with a hole.
 * Answers {@link Addresses#DASHBOARD_STATUS} for readiness.
 */
public final class DashboardVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);
  static final long METRICS_INTERVAL_MS = 250;
  /** The actor the fan-out reads metrics as. */
  static final Operation.Actor ACTOR = new Operation.Actor("system:dashboard", Role.VIEWER);

  private BusClient bus;
  private SocketGauge gauge;
  private SocketCaps caps;
  private ReplayTurns reads;
  private long lastFetch = Long.MIN_VALUE / 2;
  private boolean fetchScheduled;
  private final ChainFollower chain = ChainFollower.noticing(this::derive, this::missed);

  @Override
  public Future<?> start() {
    long timeout = config().getJsonObject("bus", new JsonObject()).getInteger("timeout_ms", 5000);
    bus = new BusClient(vertx, timeout);
    gauge = SocketGauge.of(vertx);
    DashboardConfig settings = DashboardConfig.from(config());
    caps = SocketCaps.of(vertx, settings.caps());
    reads = ReplayTurns.of(vertx, settings.maxConcurrentReplays());
    MessageConsumer<JsonObject> events = vertx.eventBus().consumer(Addresses.EVENTS_APPENDED, this::onEvent);
    MessageConsumer<JsonObject> status = vertx.eventBus().consumer(Addresses.DASHBOARD_STATUS, this::onStatus);
    return Future.all(events.completion(), status.completion());
  }

  private void onEvent(Message<JsonObject> message) {
    chain.published(message.body());
  }

  private void missed(Tip after) {
    LOG.warn("[after: {}] this node missed events; every socket is told to resync", after.id());
    Push.of(Push.RESYNC, null, new JsonObject().put("missed_after", after.id())).publish(vertx);
  }

  private void derive(JsonObject event) {
    // no socket open on this node: no push is encoded for nobody (a socket that opens later and
    // subscribes with "after" replays from the log; without it, it asks for what comes next)
    if (gauge.open() > 0) {
      for (Push push : PushDerivation.derive(event)) {
        push.publish(vertx);
      }
    }
    if (PushDerivation.changesRequests(event)) {
      scheduleMetrics();
    }
  }

  private void scheduleMetrics() {
    if (fetchScheduled) {
      return;
    }
    fetchScheduled = true;
    long wait = lastFetch + METRICS_INTERVAL_MS - System.currentTimeMillis();
    if (wait <= 0) {
      fetchMetrics();
    } else {
      vertx.setTimer(wait, t -> fetchMetrics());
    }
  }

  private void fetchMetrics() {
    fetchScheduled = false;
    lastFetch = System.currentTimeMillis();
    JsonObject request = StoreMessage.query(ACTOR, Map.of()).toJson();
    bus.request(Addresses.STORE_INTERVENTION_METRICS, request).onComplete(ar -> {
      if (ar.succeeded() && ar.result().getValue("data") instanceof JsonObject metrics) {
        Push.of(Push.METRICS_UPDATE, null, metrics).publish(vertx);
      } else if (ar.failed()) {
        LOG.debug("metrics not pushed [cause: {}]", ar.cause().getMessage());
      }
    });
  }

  private void onStatus(Message<JsonObject> message) {
    message.reply(new JsonObject()
      .put("status", "UP")
      .put("sockets", gauge.open())
      .put("peak_queued_bytes", gauge.peakQueuedBytes())
      .put("resyncs", gauge.resyncs())
      .put("gaps", chain.gaps())
      .put("replays", gauge.replays())
      .put("held_back", gauge.heldBack())
      .put("refused", new JsonObject()
        .put("node", caps.refused(SocketCaps.Cap.NODE))
        .put("address", caps.refused(SocketCaps.Cap.ADDRESS))
        .put("pilot", caps.refused(SocketCaps.Cap.PILOT)))
      .put("replay_turns", new JsonObject()
        .put("max", reads.max())
        .put("in_flight", reads.inFlight())
        .put("peak", reads.peak())
        .put("waiting", reads.waiting())
        .put("granted", reads.granted())
        .put("cancelled", reads.cancelled())));
  }
}
