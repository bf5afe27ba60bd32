package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the store's three read addresses (the store is built on another branch): answers
 * {@code {status, data}} like the store, knows one request ({@value #KNOWN}), and keeps every
 * message it got so tests can check what the socket sent.
 */
final class FakeStore extends VerticleBase {

  static final String KNOWN = "req-known";

  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  volatile int metricsCalls;

  static JsonObject request(String id, String status) {
    return new JsonObject().put("request_id", id).put("uow_id", "uow-1").put("intervention_type", "resume")
      .put("status", status).put("priority", "high").put("title", "approve step").put("version", 1);
  }

  static JsonObject metrics() {
    return new JsonObject().put("total_interventions", 3).put("pending_interventions", 1)
      .put("in_progress_interventions", 1).put("approved_interventions", 1).put("rejected_interventions", 0)
      .put("expired_interventions", 0).put("completed_interventions", 0).put("avg_resolution_time_seconds", 2.5)
      .put("by_type", new JsonObject().put("resume", 3)).put("by_priority", new JsonObject().put("high", 3))
      .put("top_pilots", new JsonArray());
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
      bus.<JsonObject>consumer(Addresses.STORE_INTERVENTION_PENDING, m -> {
        received.add(m.body());
        JsonObject params = m.body().getJsonObject("params");
        m.reply(new JsonObject().put("status", 200).put("data", new JsonObject()
          .put("requests", new JsonArray().add(request(KNOWN, "PENDING")))
          .put("total", 1).put("count", 1)
          .put("limit", Integer.parseInt(params.getString("limit", "50")))
          .put("offset", Integer.parseInt(params.getString("offset", "0")))));
      }).completion(),
      bus.<JsonObject>consumer(Addresses.STORE_INTERVENTION_METRICS, m -> {
        received.add(m.body());
        metricsCalls++;
        m.reply(new JsonObject().put("status", 200).put("data", metrics()));
      }).completion(),
      bus.<JsonObject>consumer(Addresses.STORE_INTERVENTION_GET, m -> {
        received.add(m.body());
        String id = m.body().getJsonObject("params").getString("request_id");
        if (KNOWN.equals(id)) {
          m.reply(new JsonObject().put("status", 200).put("data", request(KNOWN, "PENDING")));
        } else {
          m.fail(404, "no intervention request " + id);
        }
      }).completion());
  }
}
