package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Operation;
import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The role × endpoint matrix of SPEC §2, asserted cell by cell against a running node: no token,
 * VIEWER, OPERATOR and ADMIN on every route that exists, with the exact status of each cell.
 */
class PermissionMatrixTest extends OneNodePerClass {


  /** One row: a request and the status expected with no token / VIEWER / OPERATOR / ADMIN. */
  record Row(Operation endpoint, String method, String path, String body, int none, int viewer, int operator, int admin) {
  }

  static final String GATE = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";
  static final String EVALUATE = "{\"guardians\":[\"matrix-gate\"],\"uow\":{\"uow_id\":\"u-1\"}}";

  static final List<Row> ROWS = List.of(
    new Row(Operation.HEALTH, "GET", "/health", null, 200, 200, 200, 200),
    new Row(Operation.METRICS, "GET", "/metrics", null, 200, 200, 200, 200),
    new Row(Operation.EVENTS_LIST, "GET", "/api/events", null, 401, 200, 200, 200),
    new Row(Operation.EVENTS_VERIFY, "GET", "/api/events/verify", null, 401, 200, 200, 200),
    new Row(Operation.EVENTS_HEAD, "GET", "/api/events/head", null, 401, 200, 200, 200),
    new Row(Operation.GUARDIANS_LIST, "GET", "/api/guardians", null, 401, 200, 200, 200),
    new Row(Operation.GUARDIANS_GET, "GET", "/api/guardians/matrix-gate", null, 401, 200, 200, 200),
    new Row(Operation.GUARDIANS_EVALUATE, "POST", "/api/guardians/evaluate", EVALUATE, 401, 403, 200, 200),
    // replacing an existing guardian answers 200 (creation answered 201 in setUp)
    new Row(Operation.GUARDIANS_PUT, "PUT", "/api/guardians/matrix-gate", GATE, 401, 403, 403, 200),
    // the ADMIN cell deletes a guardian that exists only for it
    new Row(Operation.GUARDIANS_DELETE, "DELETE", "/api/guardians/matrix-delete", null, 401, 403, 403, 200),
    // store routes: writes aim at a COMPLETED UOW or a decided request, so a cell that passes the
    // role check gets the state's 409 and changes nothing — except creation, which is repeatable
    new Row(Operation.UOWS_REGISTER, "POST", "/api/uows", "{\"instance_id\":\"{instance}\"}", 401, 403, 201, 201),
    new Row(Operation.UOWS_LIST, "GET", "/api/uows", null, 401, 200, 200, 200),
    new Row(Operation.UOWS_GET, "GET", "/api/uows/{done}", null, 401, 200, 200, 200),
    new Row(Operation.UOWS_INTERACTION, "POST", "/api/uows/{done}/interactions", null, 401, 403, 409, 409),
    new Row(Operation.UOWS_ADVANCE, "POST", "/api/uows/{done}/advance", "{\"status\":\"ACTIVE\"}", 401, 403, 409, 409),
    new Row(Operation.PILOT_KILL_SWITCH, "POST", "/pilot/kill-switch",
      "{\"instance_id\":\"{instance}\",\"reason\":\"matrix\",\"dry_run\":true}", 401, 403, 403, 200),
    new Row(Operation.PILOT_KILL_SWITCH_RELEASE, "POST", "/pilot/kill-switch/release",
      "{\"instance_id\":\"{instance}\",\"reason\":\"matrix\"}", 401, 403, 403, 409),
    new Row(Operation.PILOT_CLARIFICATION, "POST", "/pilot/clarification/{done}", "{\"text\":\"t\"}", 401, 403, 409, 409),
    new Row(Operation.PILOT_WAIVE, "POST", "/pilot/waive/{done}/rule-1", "{\"reason\":\"r\"}", 401, 403, 403, 409),
    new Row(Operation.PILOT_RESUME, "POST", "/pilot/resume/{done}", "{}", 401, 403, 409, 409),
    new Row(Operation.PILOT_CANCEL, "POST", "/pilot/cancel/{done}", "{\"reason\":\"r\"}", 401, 403, 409, 409),
    new Row(Operation.INSTANCES_HALTED, "GET", "/api/instances/halted", null, 401, 200, 200, 200),
    new Row(Operation.INTERVENTIONS_CREATE, "POST", "/api/interventions",
      "{\"uow_id\":\"ext-1\",\"intervention_type\":\"resume\",\"title\":\"t\"}", 401, 403, 201, 201),
    new Row(Operation.INTERVENTIONS_PENDING, "GET", "/api/interventions/pending", null, 401, 200, 200, 200),
    new Row(Operation.INTERVENTIONS_METRICS, "GET", "/api/interventions/metrics", null, 401, 200, 200, 200),
    new Row(Operation.INTERVENTIONS_GET, "GET", "/api/interventions/{decided}", null, 401, 200, 200, 200),
    new Row(Operation.INTERVENTIONS_CLAIM, "POST", "/api/interventions/{decided}/claim", "{}", 401, 403, 409, 409),
    new Row(Operation.INTERVENTIONS_APPROVE, "POST", "/api/interventions/{decided}/approve", "{\"reason\":\"r\"}", 401, 403, 409, 409),
    new Row(Operation.INTERVENTIONS_REJECT, "POST", "/api/interventions/{decided}/reject", "{\"reason\":\"r\"}", 401, 403, 409, 409)
  );

  /** Values for the placeholders of the rows, made in setUp. */
  static final java.util.Map<String, String> VALUES = new java.util.HashMap<>();

  static String fill(String template) {
    if (template == null) {
      return null;
    }
    String out = template;
    for (var e : VALUES.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }

  @BeforeAll
  static void setUp() {
    String admin = node.token("admin-1", "ADMIN");
    assertEquals(201, node.http.send("PUT", "/api/guardians/matrix-gate", admin, GATE).status());
    assertEquals(201, node.http.send("PUT", "/api/guardians/matrix-delete", admin, GATE).status());
    String instance = java.util.UUID.randomUUID().toString();
    VALUES.put("instance", instance);
    String done = node.http.post("/api/uows", admin, "{\"instance_id\":\"" + instance + "\"}").data().getString("uow_id");
    assertEquals(200, node.http.post("/api/uows/" + done + "/advance", admin, "{\"status\":\"ACTIVE\"}").status());
    assertEquals(200, node.http.post("/api/uows/" + done + "/advance", admin, "{\"status\":\"COMPLETED\"}").status());
    VALUES.put("done", done);
    String decided = node.http.post("/api/interventions", admin,
      "{\"uow_id\":\"ext-1\",\"intervention_type\":\"resume\",\"title\":\"t\"}").data().getString("request_id");
    assertEquals(200, node.http.post("/api/interventions/" + decided + "/approve", admin, "{\"reason\":\"r\"}").status());
    VALUES.put("decided", decided);
  }

  /** Verifies that the test table covers every route the gateway mounts. */
  @Test
  void everyEndpointHasARow() {
    Set<Operation> covered = EnumSet.noneOf(Operation.class);
    ROWS.forEach(r -> covered.add(r.endpoint()));
    assertEquals(EnumSet.allOf(Operation.class), covered);
  }

  /** Verifies that each cell of the matrix answers exactly its expected status. */
  @Test
  void everyCellAnswersItsStatus() {
    List<String> wrong = new ArrayList<>();
    String[] roles = {null, "VIEWER", "OPERATOR", "ADMIN"};
    for (Row row : ROWS) {
      int[] expected = {row.none(), row.viewer(), row.operator(), row.admin()};
      for (int i = 0; i < roles.length; i++) {
        String token = roles[i] == null ? null : node.token("pilot-" + roles[i].toLowerCase(), roles[i]);
        Response response = node.http.send(row.method(), fill(row.path()), token, fill(row.body()));
        if (response.status() != expected[i]) {
          wrong.add(row.method() + " " + row.path() + " as " + roles[i] + ": expected " + expected[i]
            + ", got " + response.status() + " " + response.body());
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /** Verifies that a 403 names both roles, and is recorded as a pilot_auth_denied event. */
  @Test
  void forbiddenIsExplainedAndRecorded() {
    String viewer = node.token("viewer-audit", "VIEWER");
    Response denied = node.http.send("PUT", "/api/guardians/denied-one", viewer, GATE);
    assertEquals(403, denied.status());
    assertEquals("FORBIDDEN", denied.errorCode());
    String message = denied.json().getJsonObject("error").getString("message");
    assertTrue(message.contains("ADMIN") && message.contains("VIEWER"), message);

    JsonArray events = node.http.get("/api/events?count=1000", viewer).data().getJsonArray("events");
    boolean recorded = events.stream().map(JsonObject.class::cast)
      .filter(e -> e.getString("event_type").equals("pilot_auth_denied"))
      .map(e -> e.getJsonObject("payload"))
      .anyMatch(p -> p.getString("pilot_id").equals("viewer-audit")
        && p.getString("role").equals("VIEWER")
        && p.getString("required_role").equals("ADMIN")
        && p.getString("method").equals("PUT")
        && p.getString("path").equals("/api/guardians/denied-one"));
    assertTrue(recorded, "no pilot_auth_denied event for the 403: " + events.encode());
    assertEquals(404, node.http.get("/api/guardians/denied-one", viewer).status());
  }

  /** Verifies that a 401 is not written to the audit log (anyone could flood it). */
  @Test
  void unauthenticatedIsNotAnEvent() {
    String viewer = node.token("viewer-2", "VIEWER");
    int before = node.http.get("/api/events?count=1000", viewer).data().getJsonArray("events").size();
    assertEquals(401, node.http.send("PUT", "/api/guardians/x", null, GATE).status());
    assertEquals(401, node.http.send("PUT", "/api/guardians/x", "not.a.token", GATE).status());
    int after = node.http.get("/api/events?count=1000", viewer).data().getJsonArray("events").size();
    assertEquals(before, after);
  }
}
