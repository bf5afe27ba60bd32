package io.chameleon.broadcast;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One page of a read: the matching events, the id of the last event examined ({@code scannedTo},
 * the id to read after next time, even when a type filter skipped it) and whether the log holds
 * events after it.
 */
public record EventPage(List<Event> events, String scannedTo, boolean more) {

  public EventPage {
    events = List.copyOf(events);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    return new JsonObject().put("events", array).put("scanned_to", scannedTo).put("more", more);
  }
}
