package io.chameleon.bus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Reads the audit log from the start over the bus ({@code events.read}), page by page, handing
 * every event of the given types to {@code apply} in log order. How a verticle that keeps state
 * rebuilds it on start: the log is the truth.
 */
public final class EventReplay {

  static final int PAGE_SIZE = 1000;

  private EventReplay() {
  }

  /** Completes once every event up to the end of the log has been applied. */
  public static Future<Void> replay(BusClient bus, Collection<String> types, Consumer<JsonObject> apply) {
    return replayFrom(bus, "0-0", new JsonArray(java.util.List.copyOf(types)), apply);
  }

  private static Future<Void> replayFrom(BusClient bus, String after, JsonArray types, Consumer<JsonObject> apply) {
    JsonObject query = new JsonObject().put("after", after).put("count", PAGE_SIZE).put("types", types);
    return bus.request(Addresses.EVENTS_READ, query).compose(page -> {
      JsonArray events = page.getJsonArray("events", new JsonArray());
      for (int i = 0; i < events.size(); i++) {
        apply.accept(events.getJsonObject(i));
      }
      String scannedTo = page.getString("scanned_to", after);
      if (!page.getBoolean("more", false)) {
        return Future.succeededFuture();
      }
      if (scannedTo.equals(after)) {
        return Future.failedFuture("events.read reported more events but did not advance past " + after);
      }
      return replayFrom(bus, scannedTo, types, apply);
    });
  }
}
