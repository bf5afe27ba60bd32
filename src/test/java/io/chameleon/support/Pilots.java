package io.chameleon.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.Http.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Scenario steps against a running node, as engines and pilots call them over HTTP. Each step
 * asserts its own expected status so a test reads as the story it tells.
 */
public final class Pilots {

  public final TestNode node;
  public final String admin;
  public final String operator;
  public final String viewer;

  public Pilots(TestNode node) {
    this.node = node;
    this.admin = node.token("admin-1", "ADMIN");
    this.operator = node.token("operator-1", "OPERATOR");
    this.viewer = node.token("viewer-1", "VIEWER");
  }

  public Http http() {
    return node.http;
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** Registers a UOW in {@code instance} with the given policy (may be null); returns it. */
  public JsonObject register(String instance, JsonObject policy) {
    JsonObject body = new JsonObject().put("instance_id", instance).put("attributes", new JsonObject().put("amount", 500));
    if (policy != null) {
      body.put("interaction_policy", policy);
    }
    Response r = node.http.post("/api/uows", operator, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.data();
  }

  /** Registers and advances to ACTIVE. */
  public JsonObject active(String instance, JsonObject policy) {
    JsonObject uow = register(instance, policy);
    return advance(uow.getString("uow_id"), "ACTIVE", null, 200).getJsonObject("uow");
  }

  public JsonObject advance(String uowId, String status, JsonObject attributes, int expected) {
    JsonObject body = new JsonObject().put("status", status);
    if (attributes != null) {
      body.put("attributes", attributes);
    }
    Response r = node.http.post("/api/uows/" + uowId + "/advance", operator, body.encode());
    assertEquals(expected, r.status(), r.body());
    return r.status() == 200 ? r.data() : r.json();
  }

  public JsonObject uow(String uowId) {
    Response r = node.http.get("/api/uows/" + uowId, viewer);
    assertEquals(200, r.status(), r.body());
    return r.data();
  }

  public JsonObject request(String requestId) {
    Response r = node.http.get("/api/interventions/" + requestId, viewer);
    assertEquals(200, r.status(), r.body());
    return r.data();
  }

  /** The open requests of a UOW, from the pending list. */
  public List<JsonObject> openRequests(String uowId) {
    Response r = node.http.get("/api/interventions/pending?limit=500", viewer);
    assertEquals(200, r.status(), r.body());
    return r.data().getJsonArray("requests").stream().map(JsonObject.class::cast)
      .filter(q -> uowId.equals(q.getString("uow_id"))).toList();
  }

  /** Every event of the log (up to 1000 after {@code after}). */
  public JsonArray events(String after) {
    Response r = node.http.get("/api/events?count=1000&after=" + after, viewer);
    assertEquals(200, r.status(), r.body());
    return r.data().getJsonArray("events");
  }

  /** The event types appended after {@code after}, in order. */
  public List<String> eventTypesAfter(String after) {
    return events(after).stream().map(e -> ((JsonObject) e).getString("event_type")).toList();
  }

  /** The id of the newest event, or 0-0. */
  public String lastEventId() {
    String last = "0-0";
    while (true) {
      JsonArray page = events(last);
      if (page.isEmpty()) {
        return last;
      }
      last = page.getJsonObject(page.size() - 1).getString("id");
    }
  }

  /** A policy with blocking guardians (inline configs). */
  public static JsonObject blocking(JsonObject... guardians) {
    return new JsonObject().put("guardians", new JsonArray(List.of((Object[]) guardians)));
  }

  /** Attributes that make {@link #minAmount} gates of 100 fail on the next advance. */
  public static JsonObject smallAmount() {
    return new JsonObject().put("amount", 1);
  }

  /** A CRITERIA_GATE that passes when amount >= min (registered UOWs start with amount 500). */
  public static JsonObject minAmount(String name, int min) {
    JsonObject gate = new JsonObject().put("type", "CRITERIA_GATE").put("attributes", new JsonObject()
      .put("rules", new JsonArray().add(new JsonObject().put("field", "amount").put("condition", "gte").put("value", min))));
    if (name != null) {
      gate.put("name", name);
    }
    return gate;
  }
}
