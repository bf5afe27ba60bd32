package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Operation;
import io.chameleon.bus.StoreMessage;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * A socket's reads, forwarded to the store as the HTTP gateway makes them (the same actor, bus
 * address, timeout and failure mapping): {@code get_pending}, {@code get_metrics} and
 * {@code request_detail}. The reply's {@code data} is the answer ({@code get_pending}'s cut to
 * {@code dashboard.max_reply_bytes}, see {@link PendingPage}). It counts the requests still
 * unanswered, which hold the socket's input back past {@value WriteBudget#MAX_UNANSWERED}.
 */
final class RequestForwarder {

  /**
   * {@code get_pending}'s fields: {@code pilot_id} what that pilot can act on (the seed's reading:
   * the list's {@code actionable_by}), {@code assignee} what it has claimed (the list's
   * {@code pilot_id}, SPEC §5), {@code limit}, {@code offset}.
   */
  static final Set<String> PENDING_FIELDS = Set.of("pilot_id", "assignee", "limit", "offset");
  /** A socket field → the pending list's query parameter of the same meaning. */
  private static final Map<String, String> PENDING_PARAMS = Map.of("pilot_id", "actionable_by",
    "assignee", "pilot_id", "limit", "limit", "offset", "offset");

  /** Where the answers go. */
  interface Replies {
    void send(String frame);

    /** A request was answered (or failed): input may be read again. */
    void answered();

    boolean closed();
  }

  private final BusClient bus;
  private final int maxReplyBytes;
  private final Replies replies;
  /** Requests forwarded to the store and not yet answered. */
  private int unanswered;

  RequestForwarder(BusClient bus, int maxReplyBytes, Replies replies) {
    this.bus = bus;
    this.maxReplyBytes = maxReplyBytes;
    this.replies = replies;
  }

  int unanswered() {
    return unanswered;
  }

  void pending(JsonObject actor, Object id, JsonObject payload) {
    String bad = badPendingField(payload);
    if (bad != null) {
      replies.send(Frames.error("get_pending", id, "BAD_REQUEST", bad));
      return;
    }
    forward(actor, "get_pending", id, Addresses.STORE_INTERVENTION_PENDING, pendingParams(payload));
  }

  void metrics(JsonObject actor, Object id) {
    forward(actor, "get_metrics", id, Addresses.STORE_INTERVENTION_METRICS, new JsonObject());
  }

  void detail(JsonObject actor, Object id, JsonObject payload) {
    if (!(payload.getValue("request_id") instanceof String requestId) || requestId.isEmpty()) {
      replies.send(Frames.error("request_detail", id, "BAD_REQUEST", "request_id must be a non-empty string"));
      return;
    }
    forward(actor, "request_detail", id, Addresses.STORE_INTERVENTION_GET, new JsonObject().put("request_id", requestId));
  }

  /** What is wrong with a {@code get_pending} payload, or null: only its fields, each a string or an integer. */
  static String badPendingField(JsonObject payload) {
    for (Map.Entry<String, Object> field : payload) {
      String name = field.getKey();
      Object value = field.getValue();
      if (!PENDING_FIELDS.contains(name)) {
        return "unknown field '" + name + "'";
      }
      if (value != null && !(value instanceof String || value instanceof Integer || value instanceof Long)) {
        return name + " must be a string or an integer";
      }
      String badId = value == null || "limit".equals(name) || "offset".equals(name) ? null
        : Operation.Actor.badId(name, value.toString());
      if (badId != null) {
        return badId;
      }
    }
    if (payload.getValue("pilot_id") != null && payload.getValue("assignee") != null) {
      return "pilot_id: give pilot_id or assignee, not both";
    }
    return null;
  }

  /** A valid {@code get_pending} payload as the query parameters the store reads (strings, as from a URL). */
  static JsonObject pendingParams(JsonObject payload) {
    JsonObject params = new JsonObject();
    for (Map.Entry<String, Object> field : payload) {
      if (field.getValue() != null) {
        params.put(PENDING_PARAMS.get(field.getKey()), field.getValue().toString());
      }
    }
    return params;
  }

  /** The store's bus message for a read, as the HTTP gateway builds it. */
  static JsonObject storeMessage(JsonObject actor, JsonObject params) {
    return StoreMessage.query(Operation.Actor.read(actor.getMap()), params.getMap()).toJson();
  }

  private void forward(JsonObject actor, String type, Object id, String address, JsonObject params) {
    unanswered++;
    bus.request(address, storeMessage(actor, params)).onComplete(ar -> {
      unanswered--;
      if (replies.closed()) {
        return;
      }
      if (ar.succeeded()) {
        Object data = ar.result().getValue("data");
        replies.send(Frames.reply(type, id, "get_pending".equals(type) ? PendingPage.fit(data, maxReplyBytes) : data));
      } else {
        replies.send(Frames.error(type, id, BusClient.toFailure(address, ar.cause())));
      }
      replies.answered();
    });
  }
}
