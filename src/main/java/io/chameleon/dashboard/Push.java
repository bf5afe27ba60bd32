package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One push to subscribed sockets: its type, the audit event it was derived from (null for
 * {@code metrics_update}), and its frame {@code {type, data}} encoded once per node. On the bus
 * ({@link Addresses#DASHBOARD_PUSH}, local only) the body is the frame text and the rest travels
 * in headers, so neither a JSON copy nor a re-encoding happens per socket.
 */
public record Push(String type, String eventId, String frame) {

  public static final String EVENT = "event";
  public static final String NEW_REQUEST = "new_request";
  public static final String STATUS_CHANGED = "status_changed";
  public static final String UOW_CHANGED = "uow_changed";
  public static final String METRICS_UPDATE = "metrics_update";
  /** Not derived from an event: this node missed events, the client should replay from its last id. */
  public static final String RESYNC = "resync";

  static final String TYPE_HEADER = "push_type";
  static final String EVENT_ID_HEADER = "event_id";

  /** A push with its frame encoded now. */
  public static Push of(String type, String eventId, JsonObject data) {
    return new Push(type, eventId, new JsonObject().put("type", type).put("data", data).encode());
  }

  /** Publishes this push to every socket of this node (never to other nodes). */
  public void publish(Vertx vertx) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).addHeader(TYPE_HEADER, type);
    if (eventId != null) {
      options.addHeader(EVENT_ID_HEADER, eventId);
    }
    vertx.eventBus().publish(Addresses.DASHBOARD_PUSH, frame, options);
  }

  static Push fromMessage(Message<String> message) {
    return new Push(message.headers().get(TYPE_HEADER), message.headers().get(EVENT_ID_HEADER), message.body());
  }

  /** The frame's size in UTF-8 bytes: what a socket's write budget is charged. */
  int bytes() {
    return frame.getBytes(StandardCharsets.UTF_8).length;
  }
}
