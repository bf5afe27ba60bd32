package io.chameleon.gateway;

import io.chameleon.auth.Pilot;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * HTTP ↔ bus for the guardian registry and evaluation (SPEC §4, §8). Every message carries the
 * caller {@code actor {pilot_id, role}}, which the evaluator checks as it would another service's.
 */
final class GuardianApi {

  private static final Set<String> CONFIG_FIELDS = Set.of("type", "name", "attributes");
  private static final Set<String> EVALUATE_FIELDS = Set.of("guardians", "operator", "uow");

  private final BusClient bus;

  GuardianApi(BusClient bus) {
    this.bus = bus;
  }

  void put(RoutingContext ctx) {
    String name = Ids.name(ctx.pathParam("name"), "guardian name");
    JsonObject config = JsonBodies.body(ctx, CONFIG_FIELDS);
    Object bodyName = config.getValue("name");
    if (bodyName != null && !name.equals(bodyName)) {
      throw Failure.badRequest("name: must equal the name in the path");
    }
    JsonObject request = new JsonObject().put("name", name).put("config", config).put("actor", actor(ctx));
    bus.request(Addresses.GUARDIAN_PUT, request).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject guardian = ar.result().getJsonObject("guardian");
      Envelope.ok(ctx, guardian.getBoolean("created", false) ? 201 : 200, guardian);
    });
  }

  void get(RoutingContext ctx) {
    String name = Ids.name(ctx.pathParam("name"), "guardian name");
    forward(ctx, Addresses.GUARDIAN_GET, new JsonObject().put("name", name).put("actor", actor(ctx)), "guardian");
  }

  void list(RoutingContext ctx) {
    forward(ctx, Addresses.GUARDIAN_LIST, new JsonObject().put("actor", actor(ctx)), null);
  }

  void delete(RoutingContext ctx) {
    String name = Ids.name(ctx.pathParam("name"), "guardian name");
    forward(ctx, Addresses.GUARDIAN_REMOVE, new JsonObject().put("name", name).put("actor", actor(ctx)), null);
  }

  void evaluate(RoutingContext ctx) {
    JsonObject body = JsonBodies.body(ctx, EVALUATE_FIELDS);
    if (!(body.getValue("guardians") instanceof io.vertx.core.json.JsonArray list) || list.isEmpty()) {
      throw Failure.badRequest("guardians: must be a non-empty array of names or configs");
    }
    if (!(body.getValue("uow") instanceof JsonObject)) {
      throw Failure.badRequest("uow: must be an object");
    }
    Object operator = body.getValue("operator");
    if (operator != null && !"AND".equals(operator) && !"OR".equals(operator)) {
      throw Failure.badRequest("operator: must be AND or OR");
    }
    forward(ctx, Addresses.GUARDIAN_EVALUATE, body.put("actor", actor(ctx)), null);
  }

  /** Sends, then answers 200 with the reply (or the named field of it). */
  private void forward(RoutingContext ctx, String address, JsonObject request, String field) {
    Envelope.reply(ctx, bus.request(address, request), reply -> field == null ? reply : reply.getValue(field));
  }

  /** The caller {@code {pilot_id, role}}: the evaluator checks it against the operation table too. */
  private static JsonObject actor(RoutingContext ctx) {
    return ctx.<Pilot>get(AccessControl.PILOT).toJson();
  }
}
