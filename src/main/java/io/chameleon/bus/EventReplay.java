package io.chameleon.bus;

import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the audit log over the bus ({@code events.read}), page by page, handing every event of the
 * given types to {@code apply} in log order, and answers the tip it read up to. How a verticle that
 * keeps state rebuilds it — from the start, or from the event a snapshot covers — and catches up
 * with events it has not applied: the log is the truth.
 */
public final class EventReplay {

  static final int PAGE_SIZE = 1000;

  private EventReplay() {
  }

  /** Every event from the start of the log; completes with the tip read up to. */
  public static Future<Tip> replay(BusClient bus, Collection<String> types, Consumer<JsonObject> apply) {
    return replay(bus, Tip.EMPTY, types, apply);
  }

  /**
   * Every event after {@code from}, which the log must hold with that hash (a 409
   * {@link Failure} otherwise: the state to continue from is not the log's). {@code types} empty:
   * every type. Completes with the tip read up to ({@code from} when the log holds nothing after it).
   */
  public static Future<Tip> replay(BusClient bus, Tip from, Collection<String> types, Consumer<JsonObject> apply) {
    JsonObject query = new JsonObject().put("after", from.id()).put("after_hash", from.hash())
      .put("count", PAGE_SIZE);
    if (!types.isEmpty()) {
      query.put("types", new JsonArray(List.copyOf(types)));
    }
    return page(bus, query, from, apply);
  }

  private static Future<Tip> page(BusClient bus, JsonObject query, Tip reached, Consumer<JsonObject> apply) {
    String after = query.getString("after");
    return bus.request(Addresses.EVENTS_READ, query).compose(page -> {
      JsonArray events = page.getJsonArray("events", new JsonArray());
      for (int i = 0; i < events.size(); i++) {
        apply.accept(events.getJsonObject(i));
      }
      String scannedTo = page.getString("scanned_to", after);
      String hash = page.getString("scanned_to_hash");
      Tip tip = hash != null ? new Tip(scannedTo, hash) : reached;
      if (!page.getBoolean("more", false)) {
        return Future.succeededFuture(tip);
      }
      if (scannedTo.equals(after)) {
        return Future.failedFuture(new IllegalStateException(
          "events.read reported more events but did not advance past " + after));
      }
      JsonObject next = query.copy().put("after", scannedTo);
      next.remove("after_hash");
      return page(bus, next, tip, apply);
    });
  }
}
