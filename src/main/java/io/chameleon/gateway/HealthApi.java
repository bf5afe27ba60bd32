package io.chameleon.gateway;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: liveness (this process answers) and readiness (each backend answers its
 * status address in time). 200 with the states when ready; 503 with the error envelope and the
 * same states in {@code data} when not.
 */
final class HealthApi {

  private static final Map<String, String> BACKENDS = new LinkedHashMap<>();

  static {
    BACKENDS.put("event_log", Addresses.EVENTS_STATUS);
    BACKENDS.put("guardian_evaluator", Addresses.GUARDIAN_STATUS);
    BACKENDS.put("store", Addresses.STORE_STATUS);
    BACKENDS.put("dashboard", Addresses.DASHBOARD_STATUS);
  }

  private final BusClient bus;

  HealthApi(BusClient bus) {
    this.bus = bus;
  }

  void health(RoutingContext ctx) {
    JsonObject backends = new JsonObject();
    Future<?>[] checks = BACKENDS.entrySet().stream()
      .map(e -> bus.request(e.getValue(), new JsonObject())
        .map(status -> {
          JsonObject state = new JsonObject().put("status", status.getString("status", "UP"));
          if (status.getValue("reason") instanceof String reason) {
            state.put("reason", reason);
          }
          return state;
        })
        .otherwise(new JsonObject().put("status", "DOWN"))
        .onSuccess(state -> backends.put(e.getKey(), state)))
      .toArray(Future[]::new);
    Future.join(java.util.List.of(checks)).onComplete(done -> {
      boolean ready = backends.stream().allMatch(e -> "UP".equals(((JsonObject) e.getValue()).getString("status")));
      JsonObject data = new JsonObject().put("live", true).put("ready", ready).put("backends", backends);
      if (ready) {
        Envelope.ok(ctx, 200, data);
      } else {
        // not ready is a failure (error envelope), but the backend states are what an operator needs
        Envelope.error(ctx, Failure.unavailable("not ready"), data);
      }
    });
  }
}
