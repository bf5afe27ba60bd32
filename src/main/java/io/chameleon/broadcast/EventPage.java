package io.chameleon.broadcast;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One page of a read: the matching events, the id of the last event examined ({@code scannedTo},
 * the id to read after next time, even when a type filter skipped it) and its hash
 * ({@code scannedToHash}: with it a reader that filtered by type still knows the tip it has read up
 * to; null when nothing was examined), and whether the log holds events after it.
 */
public record EventPage(List<Event> events, String scannedTo, boolean more, String scannedToHash) {

  public EventPage {
    events = List.copyOf(events);
  }

  public EventPage(List<Event> events, String scannedTo, boolean more) {
    this(events, scannedTo, more, null);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    JsonObject json = new JsonObject().put("events", array).put("scanned_to", scannedTo).put("more", more);
    if (scannedToHash != null) {
      json.put("scanned_to_hash", scannedToHash);
    }
    return json;
  }
}
