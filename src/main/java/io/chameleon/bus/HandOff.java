package io.chameleon.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Delivery of a {@link JsonObject} that hands it over instead of copying it. Vert.x's own codec
 * deep-copies a JsonObject on every local delivery (for each consumer of a publish), because a
 * sender might change it afterwards; a write went through about eight such copies. With this codec
 * the receiver gets the sender's object: the sender must not touch it once sent, and when it is
 * published (several consumers share one object) or kept by the sender (an event the log holds),
 * every receiver only reads it — a receiver that keeps what it got converts it at its edge
 * ({@link BusJson#toPlain}).
 *
 * <p>Only on a node that is not clustered: a codec of our own would travel by name, and another
 * service's node on the bus (docs/EVENT_BUS.md) that does not have it could not read a store reply
 * or an {@code events.appended} it receives. A clustered node sends with Vert.x's own codec.
 */
public final class HandOff implements MessageCodec<JsonObject, JsonObject> {

  public static final String NAME = "chameleon.hand-off";

  private static final Set<EventBus> REGISTERED = Collections.synchronizedSet(
    Collections.newSetFromMap(new WeakHashMap<>()));

  HandOff() {
  }

  /** Registers the codec on this instance's bus, once; every node registers it before it sends. */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    if (REGISTERED.add(bus)) {
      try {
        bus.registerCodec(new HandOff());
      } catch (IllegalStateException already) {
        // registered by another caller on the same bus
      }
    }
  }

  /** Options that hand the body over (the codec registered first); Vert.x's own codec when clustered. */
  public static DeliveryOptions options(Vertx vertx) {
    if (vertx.isClustered()) {
      return new DeliveryOptions();
    }
    register(vertx);
    return new DeliveryOptions().setCodecName(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
