package io.chameleon.broadcast;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** An event as a command asks for it, before the log gives it an id, a timestamp and a hash. */
public record EventDraft(String eventType, JsonObject payload) {

  public EventDraft {
    Objects.requireNonNull(eventType, "event_type");
    Objects.requireNonNull(payload, "payload");
  }

  public static EventDraft fromJson(JsonObject json) {
    return new EventDraft(json.getString("event_type"), json.getJsonObject("payload"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("event_type", eventType).put("payload", payload);
  }
}
