package io.chameleon.gateway;

import io.chameleon.auth.Pilot;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * HTTP ↔ bus for the store (UOWs, pilot actions, intervention requests). The store validates
 * everything itself — it is the API for engines on the bus too — so a route only packs the caller,
 * the path and query parameters, the body and the concurrency headers into one message, and
 * answers with the status and data the store replies.
 */
final class StoreApi {

  private final BusClient bus;

  StoreApi(BusClient bus) {
    this.bus = bus;
  }

  Handler<RoutingContext> forward(String address) {
    return ctx -> {
      JsonObject params = new JsonObject();
      ctx.pathParams().forEach(params::put);
      ctx.queryParams().names().forEach(name -> {
        if (ctx.queryParams().getAll(name).size() > 1) {
          throw Failure.badRequest("query parameter '" + name + "' given more than once");
        }
        // the path names the target (and scopes an Idempotency-Key): a query cannot swap it
        if (params.containsKey(name)) {
          throw Failure.badRequest("query parameter '" + name + "' is not allowed: it is taken from the path");
        }
        params.put(name, ctx.queryParams().get(name));
      });
      JsonObject message = new JsonObject()
        .put("actor", ctx.<Pilot>get(AccessControl.PILOT).toJson())
        .put("params", params)
        .put("body", JsonBodies.body(ctx) == null ? new JsonObject() : JsonBodies.body(ctx));
      String ifMatch = ctx.request().getHeader("If-Match");
      if (ifMatch != null) {
        message.put("if_match", ifMatch.trim().replace("\"", ""));
      }
      String key = ctx.request().getHeader("Idempotency-Key");
      if (key != null) {
        message.put("idempotency", new JsonObject()
          .put("key", key)
          .put("method", ctx.request().method().name())
          .put("path", ctx.normalizedPath()));
      }
      bus.request(address, message).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
        } else {
          Envelope.ok(ctx, ar.result().getInteger("status", 200), ar.result().getValue("data"));
        }
      });
    };
  }
}
