package io.chameleon.gateway;

import io.chameleon.auth.Pilot;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation;
import io.chameleon.bus.StoreMessage;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * HTTP ↔ bus for the store (UOWs, pilot actions, intervention requests). The store validates
 * everything itself — it is the API for engines on the bus too — so a route only packs the caller,
 * the path and query parameters, the body and, on a write, the concurrency headers into one
 * {@link StoreMessage}, and answers with the status and data the store replies. The GET of one
 * UOW or request also sends its {@code version} as the {@code ETag}, the value {@code If-Match}
 * takes.
 */
final class StoreApi {

  /** The reads of one versioned item: their answer carries an {@code ETag}. */
  static final Set<Operation> VERSIONED = EnumSet.of(Operation.UOWS_GET, Operation.INTERVENTIONS_GET);

  private final BusClient bus;

  StoreApi(BusClient bus) {
    this.bus = bus;
  }

  Handler<RoutingContext> forward(Operation operation) {
    boolean write = !"GET".equals(operation.method);
    boolean versioned = VERSIONED.contains(operation);
    return ctx -> {
      JsonObject params = new JsonObject();
      ctx.pathParams().forEach(params::put);
      // no query, no parameters: queryParams().names() builds a sorted set even for none
      (ctx.request().query() == null ? Set.<String>of() : ctx.queryParams().names()).forEach(name -> {
        if (ctx.queryParams().getAll(name).size() > 1) {
          throw Failure.badRequest("query parameter '" + name + "' given more than once");
        }
        // the path names the target (and scopes an Idempotency-Key): a query cannot swap it
        if (params.containsKey(name)) {
          throw Failure.badRequest("query parameter '" + name + "' is not allowed: it is taken from the path");
        }
        params.put(name, ctx.queryParams().get(name));
      });
      JsonObject body = JsonBodies.body(ctx);
      // a GET ignores If-Match and Idempotency-Key (API.md): only a write sends them
      String ifMatch = write ? ctx.request().getHeader("If-Match") : null;
      String key = write ? ctx.request().getHeader("Idempotency-Key") : null;
      StoreMessage message = new StoreMessage(ctx.<Pilot>get(AccessControl.PILOT).actor(), params.getMap(),
        body == null ? null : body.getMap(),
        ifMatch == null ? null : ifMatch.trim().replace("\"", ""),
        key == null ? null
          : new StoreMessage.Idempotency(key, ctx.request().method().name(), ctx.normalizedPath()));
      bus.request(operation.busAddress, message.toJson()).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        Object data = ar.result().getValue("data");
        if (versioned && data instanceof JsonObject item && item.getValue("version") instanceof Number version) {
          ctx.response().putHeader("ETag", StoreMessage.etag(version.longValue()));
        }
        Envelope.ok(ctx, ar.result().getInteger("status", 200), data);
      });
    };
  }
}
