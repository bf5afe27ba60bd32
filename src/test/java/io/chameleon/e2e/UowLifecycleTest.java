package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.Pilots;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine commands on units of work over HTTP (SPEC §3): register, get, list, interactions, advance. */
class UowLifecycleTest extends OneNodePerClass {


  /** Verifies that register answers 201 with every SPEC field, and get returns it with its history. */
  @Test
  void registerThenGet() {
    String instance = Pilots.newId();
    JsonObject uow = p.register(instance, new JsonObject().put("max_interactions", 3));
    assertEquals("PENDING", uow.getString("status"));
    assertEquals(instance, uow.getString("instance_id"));
    assertEquals(3, uow.getInteger("max_interactions"));
    assertEquals(0, uow.getInteger("interaction_count"));
    assertEquals(0, uow.getInteger("child_count"));
    assertEquals(1, uow.getInteger("version"));
    assertEquals(64, uow.getString("content_hash").length());
    assertTrue(uow.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), uow.getString("created_at"));
    JsonObject fetched = p.uow(uow.getString("uow_id"));
    assertEquals(uow.getString("content_hash"), fetched.getString("content_hash"));
    JsonArray history = fetched.getJsonArray("history");
    assertEquals(1, history.size(), history.encode());
  }

  /** Verifies that an engine may give its own uow_id, a repeat is 200 and a different body 409. */
  @Test
  void registerWithOwnIdIsIdempotent() {
    String id = Pilots.newId();
    String body = new JsonObject().put("uow_id", id).put("instance_id", Pilots.newId()).encode();
    assertEquals(201, node.http.post("/api/uows", p.operator, body).status());
    assertEquals(200, node.http.post("/api/uows", p.operator, body).status());
    String other = new JsonObject().put("uow_id", id).put("instance_id", Pilots.newId()).encode();
    assertEquals(409, node.http.post("/api/uows", p.operator, other).status());
  }

  /** Verifies that a child counts on its parent, and finishing it counts as finished. */
  @Test
  void childrenAreCountedOnTheParent() {
    String instance = Pilots.newId();
    JsonObject parent = p.register(instance, null);
    String parentId = parent.getString("uow_id");
    Response child = node.http.post("/api/uows", p.operator, new JsonObject().put("instance_id", instance)
      .put("parent_uow_id", parentId).encode());
    assertEquals(201, child.status(), child.body());
    assertEquals(1, p.uow(parentId).getInteger("child_count"));
    String childId = child.data().getString("uow_id");
    p.advance(childId, "ACTIVE", null, 200);
    p.advance(childId, "COMPLETED", null, 200);
    JsonObject counted = p.uow(parentId);
    assertEquals(1, counted.getInteger("finished_child_count"));
    // every change of the parent is in its history, each entry with the hash before it
    JsonArray history = counted.getJsonArray("history");
    assertEquals(List.of("uow_registered", "CHILD_REGISTERED", "CHILD_FINISHED"),
      history.stream().map(e -> ((JsonObject) e).getString("event_type")).toList());
    assertEquals(counted.getLong("version"), (long) history.size());
    assertEquals(childId, history.getJsonObject(2).getJsonObject("details").getString("child_uow_id"));
    for (int i = 1; i < history.size(); i++) {
      assertNotEquals(history.getJsonObject(i - 1).getString("content_hash"), history.getJsonObject(i).getString("content_hash"));
    }
    Response orphan = node.http.post("/api/uows", p.operator, new JsonObject().put("instance_id", instance)
      .put("parent_uow_id", Pilots.newId()).encode());
    assertEquals(404, orphan.status(), orphan.body());
  }

  /** Verifies the allowed advances, the merge of attributes, version and content_hash changes. */
  @Test
  void advanceMovesThroughTheAllowedStatuses() {
    JsonObject uow = p.register(Pilots.newId(), null);
    String id = uow.getString("uow_id");
    JsonObject moved = p.advance(id, "ACTIVE", new JsonObject().put("step", "one"), 200);
    assertEquals("ADVANCED", moved.getString("outcome"));
    JsonObject active = moved.getJsonObject("uow");
    assertEquals("ACTIVE", active.getString("status"));
    assertEquals("one", active.getJsonObject("attributes").getString("step"));
    assertEquals(500, active.getJsonObject("attributes").getInteger("amount"));
    assertEquals(2, active.getInteger("version"));
    assertNotEquals(uow.getString("content_hash"), active.getString("content_hash"));
    JsonObject done = p.advance(id, "COMPLETED", null, 200).getJsonObject("uow");
    assertEquals("COMPLETED", done.getString("status"));
    JsonArray history = p.uow(id).getJsonArray("history");
    assertEquals(3, history.size(), history.encode());
    assertEquals(uow.getString("content_hash"), history.getJsonObject(1).getString("content_hash"),
      "each history entry carries the content_hash before it");
  }

  /** Verifies that every other move is a 409 naming the current status, and changes nothing. */
  @Test
  void refusedAdvancesNameTheStatus() {
    String pending = p.register(Pilots.newId(), null).getString("uow_id");
    for (String target : List.of("COMPLETED", "FAILED", "PAUSED", "PENDING", "ZOMBIED_SOFT")) {
      JsonObject error = p.advance(pending, target, null, 409);
      assertTrue(error.getJsonObject("error").getString("message").contains("PENDING"), error.encode());
    }
    String done = p.active(Pilots.newId(), null).getString("uow_id");
    p.advance(done, "FAILED", null, 200);
    JsonObject error = p.advance(done, "ACTIVE", null, 409);
    assertTrue(error.getJsonObject("error").getString("message").contains("FAILED"));
    assertEquals(3, p.uow(done).getInteger("version"));
  }

  /** Verifies that interactions count, and one past the maximum parks the UOW with a clarification request. */
  @Test
  void interactionsAboveTheMaximumLockTheUow() {
    String id = p.active(Pilots.newId(), new JsonObject().put("max_interactions", 2)).getString("uow_id");
    String before = p.lastEventId();
    for (int i = 1; i <= 2; i++) {
      Response r = node.http.post("/api/uows/" + id + "/interactions", p.operator, null);
      assertEquals(200, r.status(), r.body());
      assertEquals(i, r.data().getInteger("interaction_count"));
      assertEquals("ACTIVE", r.data().getString("status"));
    }
    Response locked = node.http.post("/api/uows/" + id + "/interactions", p.operator, null);
    assertEquals(200, locked.status(), locked.body());
    assertEquals("ZOMBIED_SOFT", locked.data().getString("status"));
    assertEquals(List.of("uow_interaction_recorded", "uow_interaction_recorded", "uow_interaction_recorded",
      "ambiguity_lock_detected", "intervention_request"), p.eventTypesAfter(before));
    List<JsonObject> open = p.openRequests(id);
    assertEquals(1, open.size());
    assertEquals("clarification", open.get(0).getString("intervention_type"));
    assertEquals("OPERATOR", open.get(0).getString("required_role"));
    assertEquals(409, node.http.post("/api/uows/" + id + "/interactions", p.operator, null).status());
  }

  /** Verifies list filters and paging, and the 400s for out-of-range paging. */
  @Test
  void listFiltersAndPages() {
    String instance = Pilots.newId();
    for (int i = 0; i < 5; i++) {
      p.register(instance, null);
    }
    p.active(instance, null);
    Response all = node.http.get("/api/uows?instance_id=" + instance, p.viewer);
    assertEquals(200, all.status(), all.body());
    assertEquals(6, all.data().getInteger("total"));
    Response pending = node.http.get("/api/uows?instance_id=" + instance + "&status=PENDING&limit=2&offset=1", p.viewer);
    assertEquals(5, pending.data().getInteger("total"));
    assertEquals(2, pending.data().getInteger("count"));
    assertEquals(2, pending.data().getJsonArray("uows").size());
    assertNull(pending.data().getJsonArray("uows").getJsonObject(0).getValue("history"));
    for (String bad : List.of("limit=0", "limit=501", "limit=-1", "offset=-1", "limit=abc", "limit=1e9", "offset=9223372036854775808")) {
      assertEquals(400, node.http.get("/api/uows?" + bad, p.viewer).status(), bad);
    }
  }

  /** Verifies 400 for malformed ids and bodies, 404 for unknown UOWs, 403 for a VIEWER. */
  @Test
  void badInputAndRoles() {
    assertEquals(400, node.http.get("/api/uows/not-a-uuid", p.viewer).status());
    assertEquals(400, node.http.get("/api/uows/%2e%2e%2fx", p.viewer).status());
    assertEquals(404, node.http.get("/api/uows/" + Pilots.newId(), p.viewer).status());
    assertEquals(404, node.http.post("/api/uows/" + Pilots.newId() + "/advance", p.operator, "{\"status\":\"ACTIVE\"}").status());
    assertEquals(400, node.http.post("/api/uows", p.operator, "{\"instance_id\":\"nope\"}").status());
    assertEquals(400, node.http.post("/api/uows", p.operator, "{}").status());
    assertEquals(400, node.http.post("/api/uows", p.operator,
      new JsonObject().put("instance_id", Pilots.newId()).put("attributes", "x").encode()).status());
    String id = p.register(Pilots.newId(), null).getString("uow_id");
    assertEquals(400, node.http.post("/api/uows/" + id + "/advance", p.operator, "{\"status\":5}").status());
    assertEquals(400, node.http.post("/api/uows/" + id + "/advance", p.operator, "{\"status\":\"ACTIVE\",\"version\":3}").status());
    assertEquals(403, node.http.post("/api/uows", p.viewer, "{\"instance_id\":\"" + Pilots.newId() + "\"}").status());
    assertEquals(403, node.http.post("/api/uows/" + id + "/advance", p.viewer, "{\"status\":\"ACTIVE\"}").status());
    assertEquals("PENDING", p.uow(id).getString("status"));
  }

  /** Verifies that a query parameter cannot replace the id the path names (nor dodge its check). */
  @Test
  void theTargetComesFromThePathOnly() {
    String a = p.register(Pilots.newId(), null).getString("uow_id");
    String b = p.register(Pilots.newId(), null).getString("uow_id");
    Response read = node.http.get("/api/uows/not-a-uuid?uow_id=" + b, p.viewer);
    assertEquals(400, read.status(), read.body());
    assertTrue(read.json().getJsonObject("error").getString("message").contains("uow_id"));
    assertEquals(400, node.http.post("/api/uows/" + a + "/advance?uow_id=" + b, p.operator, "{\"status\":\"ACTIVE\"}").status());
    assertEquals("PENDING", p.uow(a).getString("status"));
    assertEquals("PENDING", p.uow(b).getString("status"));
  }
}
