package io.chameleon.gateway;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** HTTP ↔ bus for reading and verifying the audit event stream (SPEC §6). */
final class EventApi {

  /** A walk of the whole chain reads every event: seconds per million, not the usual bus timeout. */
  static final long VERIFY_TIMEOUT_MS = 300_000;

  private final BusClient bus;
  private final BusClient verifyBus;

  EventApi(Vertx vertx, BusClient bus) {
    this.bus = bus;
    this.verifyBus = new BusClient(vertx, VERIFY_TIMEOUT_MS);
  }

  void list(RoutingContext ctx) {
    String after = ctx.queryParams().get("after");
    JsonObject request = new JsonObject()
      .put("after", after == null ? "0-0" : Ids.eventId(after, "after"))
      .put("count", Ids.intParam(ctx.queryParams().get("count"), "count", 1, 1000, 100));
    Envelope.reply(ctx, bus.request(Addresses.EVENTS_READ, request),
      page -> new JsonObject().put("events", page.getJsonArray("events")));
  }

  void head(RoutingContext ctx) {
    Envelope.reply(ctx, bus.request(Addresses.EVENTS_HEAD, new JsonObject()), head -> head);
  }

  /** {@code ?head=<id>:<hash>}: a head an auditor pinned earlier, which the log must still hold. */
  void verify(RoutingContext ctx) {
    JsonObject request = new JsonObject();
    String head = ctx.queryParams().get("head");
    if (head != null) {
      request.put("head", head); // the broadcaster reads it: a malformed one is its 400
    }
    Envelope.reply(ctx, verifyBus.request(Addresses.EVENTS_VERIFY, request), report -> report);
  }
}
