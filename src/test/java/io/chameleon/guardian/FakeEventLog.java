package io.chameleon.guardian;

import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the event log in tests: an in-memory list answering {@code events.append} and
 * {@code events.read} with the real shapes. It can be told to refuse appends (503), and pages
 * reads with a small page size so that paging is exercised. The list outlives deployments.
 */
final class FakeEventLog extends VerticleBase {

  final List<JsonObject> events = new ArrayList<>();
  boolean refuseAppends;
  int pageSize = 2;

  @Override
  public Future<?> start() {
    return Future.all(
      vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_APPEND, this::append).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_READ, this::read).completion());
  }

  private void append(Message<JsonObject> message) {
    if (refuseAppends) {
      message.fail(503, "event log unavailable");
      return;
    }
    JsonArray appended = new JsonArray();
    for (Object item : message.body().getJsonArray("events")) {
      String prevHash = events.isEmpty() ? EventHash.GENESIS : events.get(events.size() - 1).getString("hash");
      JsonObject event = ((JsonObject) item).copy()
        .put("id", (events.size() + 1) + "-0")
        .put("timestamp", "2026-11-25T12:00:00.000Z")
        .put("prev_hash", prevHash);
      event.put("hash", EventHash.of(prevHash, event.getString("timestamp"), event.getString("event_type"),
        event.getJsonObject("payload")));
      events.add(event);
      appended.add(event);
    }
    message.reply(new JsonObject().put("events", appended));
  }

  private void read(Message<JsonObject> message) {
    String after = message.body().getString("after", "0-0");
    int start = Integer.parseInt(after.substring(0, after.indexOf('-')));
    int count = Math.min(message.body().getInteger("count", 100), pageSize);
    JsonArray types = message.body().getJsonArray("types");
    JsonArray page = new JsonArray();
    String scannedTo = after;
    int index = start;
    while (index < events.size() && page.size() < count) {
      JsonObject event = events.get(index++);
      scannedTo = event.getString("id");
      if (types == null || types.contains(event.getString("event_type"))) {
        page.add(event);
      }
    }
    message.reply(new JsonObject().put("events", page).put("scanned_to", scannedTo)
      .put("more", index < events.size()));
  }
}
