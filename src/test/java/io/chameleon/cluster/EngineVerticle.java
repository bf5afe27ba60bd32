package io.chameleon.cluster;

import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.chameleon.bus.StoreMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The example of docs/EVENT_BUS.md ("Other services on the bus"): a verticle of another service —
 * here a workflow engine — that joins Chameleon's cluster, registers its units of work through
 * {@code store.uow.register} and follows what pilots decide on {@code events.appended}. It talks
 * only over the bus, with the message the gateway sends ({@link StoreMessage}), and names itself as
 * the actor.
 */
public final class EngineVerticle extends VerticleBase {

  /** Who the engine says it is: whoever joins the bus can claim any actor (see the trust boundary). */
  static final Operation.Actor ACTOR = new Operation.Actor("engine:payments", Role.OPERATOR);

  /** The events about this engine's UOWs, as they were published. */
  final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final Set<String> mine = ConcurrentHashMap.newKeySet();

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer("events.appended", this::onEvent).completion();
  }

  /** Registers a unit of work under {@code instanceId} with an id (a UUID) of its own: a retry is then a 200, not a second UOW. */
  public Future<JsonObject> register(String uowId, String instanceId, JsonObject attributes) {
    mine.add(uowId);
    // the store's message, {actor, params, body, if_match?, idempotency?}, as the gateway builds it
    StoreMessage request = StoreMessage.command(ACTOR, Map.of(),
      Map.of("uow_id", uowId, "instance_id", instanceId, "attributes", attributes.getMap()));
    return vertx.eventBus().<JsonObject>request("store.uow.register", request.toJson(), new DeliveryOptions().setSendTimeout(5000))
      .map(Message::body); // {status: 201 (or 200 for a repeat), data: the UOW}; failures: ReplyException with the HTTP-like code
  }

  private void onEvent(Message<JsonObject> message) {
    // every event of the audit stream comes by, whichever node wrote it; keep those about our UOWs
    if (mine.contains(message.body().getJsonObject("payload", new JsonObject()).getString("uow_id"))) {
      seen.add(message.body());
    }
  }
}
