package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code get_pending {pilot_id}} lists what that pilot can act on — the requests nobody has claimed
 * plus those it has claimed — as the seed's example expects ("Returns: 1 pending clarification
 * request" for {@code pilot-001} right after the system opened one). {@code assignee} keeps the
 * claimed-only filter. Both doors, the socket and {@code GET /api/interventions/pending}, answer
 * the same.
 */
class PendingForPilotTest extends OneNodePerClass {

  private static Vertx clientVertx;

  @BeforeAll
  static void startClient() {
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stopClient() {
    TestNode.await(clientVertx.close());
  }

  /** Verifies the seed's example, then the two filters through a real socket and over HTTP. */
  @Test
  void verifiesThatPilotIdListsUnclaimedAndOwnRequestsAndAssigneeOnlyOwn() {
    try (SocketClient socket = SocketClient.authenticated(SocketClient.client(clientVertx), node.http.port(),
      node.token("pilot-001", "OPERATOR"))) {
      String seed = create("req-001", "high");
      assertEquals(List.of(seed), ids(pending(socket, "s1", new JsonObject().put("pilot_id", "pilot-001"))));
      assertEquals(List.of(), ids(pending(socket, "s2", new JsonObject().put("assignee", "pilot-001"))));

      String mine = create("req-002", "low");
      String theirs = create("req-003", "critical");
      claim(mine, "pilot-001");
      claim(theirs, "pilot-002");

      JsonObject actionable = pending(socket, "s3", new JsonObject().put("pilot_id", "pilot-001"));
      assertEquals(List.of(seed, mine), ids(actionable), "unclaimed and own, in queue order; not pilot-002's");
      assertEquals(2, actionable.getInteger("total"));
      assertEquals(List.of(mine), ids(pending(socket, "s4", new JsonObject().put("assignee", "pilot-001"))));
      assertEquals(List.of(theirs, seed), ids(pending(socket, "s5", new JsonObject().put("pilot_id", "pilot-002"))));
      assertEquals(List.of(theirs, seed, mine), ids(pending(socket, "s6", new JsonObject())));
      JsonObject second = pending(socket, "s7", new JsonObject().put("pilot_id", "pilot-001").put("limit", 1).put("offset", 1));
      assertEquals(List.of(mine), ids(second), "a page of the merged list");
      assertEquals(2, second.getInteger("total"));

      // the HTTP list answers the same for the same filters: its actionable_by is the socket's
      // pilot_id, its pilot_id (SPEC §5: assigned to) the socket's assignee
      Map<String, String> socketName = Map.of("actionable_by", "pilot_id", "pilot_id", "assignee",
        "limit", "limit", "offset", "offset");
      for (String query : List.of("actionable_by=pilot-001", "pilot_id=pilot-001", "actionable_by=pilot-002", "",
        "actionable_by=pilot-001&limit=1&offset=1")) {
        JsonObject payload = new JsonObject();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
          String[] kv = pair.split("=");
          payload.put(socketName.get(kv[0]), kv[1]);
        }
        assertEquals(pending(socket, "q-" + query, payload),
          node.http.get("/api/interventions/pending?" + query, p.viewer).data(), query);
      }

      JsonObject both = socket.request("get_pending", "b",
        new JsonObject().put("pilot_id", "pilot-001").put("assignee", "pilot-001"));
      assertEquals("BAD_REQUEST", both.getJsonObject("error").getString("code"));
      assertEquals(400, node.http.get("/api/interventions/pending?pilot_id=a&actionable_by=a", p.viewer).status());
      JsonObject blank = socket.request("get_pending", "e", new JsonObject().put("assignee", " "));
      assertTrue(blank.getJsonObject("error").getString("message").startsWith("assignee:"), blank.encode());
      assertEquals(400, node.http.get("/api/interventions/pending?pilot_id=" + "x".repeat(201), p.viewer).status());
      JsonObject long_ = socket.request("get_pending", "l", new JsonObject().put("pilot_id", "x".repeat(201)));
      assertTrue(long_.getJsonObject("error").getString("message").startsWith("pilot_id:"), long_.encode());
    }
  }

  private static String create(String requestId, String priority) {
    JsonObject body = new JsonObject().put("request_id", requestId).put("uow_id", "uow-" + requestId)
      .put("intervention_type", "clarification").put("title", "Vendor Clarification").put("priority", priority);
    Response r = node.http.post("/api/interventions", p.operator, body.encode());
    assertEquals(201, r.status(), r.body());
    return r.data().getString("request_id");
  }

  private static void claim(String requestId, String pilot) {
    Response r = node.http.post("/api/interventions/" + requestId + "/claim", node.token(pilot, "OPERATOR"), "{}");
    assertEquals(200, r.status(), r.body());
  }

  private static JsonObject pending(SocketClient socket, String id, JsonObject payload) {
    JsonObject reply = socket.request("get_pending", id, payload);
    assertTrue(reply.getBoolean("success"), reply.encode());
    return reply.getJsonObject("data");
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("requests").stream().map(r -> ((JsonObject) r).getString("request_id")).toList();
  }
}
