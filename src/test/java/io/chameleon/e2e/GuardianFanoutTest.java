package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardian fan-out through named references (issue 8, item 6), through the API of a real node with
 * {@code guardian.max_visits} 200 and {@code guardian.max_trace_bytes} 8192.
 */
@OneNodePerClass.Config("{\"guardian\":{\"max_visits\":200,\"max_trace_bytes\":8192}}")
class GuardianFanoutTest extends OneNodePerClass {

  static String admin;

  @BeforeAll
  static void setUp() {
    admin = node.token("admin-1", "ADMIN");
  }

  private static JsonObject orOf(String name, int n) {
    JsonArray refs = new JsonArray();
    for (int i = 0; i < n; i++) {
      refs.add(name);
    }
    return new JsonObject().put("type", "COMPOSITE")
      .put("attributes", new JsonObject().put("operator", "OR").put("guardians", refs));
  }

  private static final JsonObject DENY = new JsonObject().put("type", "CRITERIA_GATE").put("attributes",
    new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("field", "missing").put("condition", "exists"))));

  /**
   * Verifies that COMPOSITE OR chains of 10 references per level are registered while an
   * evaluation visits at most 200 guardians (levels 1 and 2: 11 and 111), and level 3 (1111) is a
   * 400 naming the reference where it goes over; nothing of it is registered.
   */
  @Test
  void aRegistrationThatFansOutPastTheLimitIs400NamingThePath() {
    assertEquals(201, node.http.send("PUT", "/api/guardians/fan0", admin, DENY.encode()).status());
    assertEquals(201, node.http.send("PUT", "/api/guardians/fan1", admin, orOf("fan0", 10).encode()).status());
    assertEquals(201, node.http.send("PUT", "/api/guardians/fan2", admin, orOf("fan1", 10).encode()).status());
    Response refused = node.http.send("PUT", "/api/guardians/fan3", admin, orOf("fan2", 10).encode());
    assertEquals(400, refused.status(), refused.body());
    String message = refused.json().getJsonObject("error").getString("message");
    assertTrue(message.startsWith("attributes.guardians[1]: ") && message.contains("guardian.max_visits"), message);
    assertEquals(404, node.http.get("/api/guardians/fan3", admin).status());
  }

  /**
   * Verifies that an evaluation list is counted as a whole (two references to a guardian of 111
   * visits is a 400 naming {@code guardians[1]}), and that a trace over 8192 bytes is answered
   * shortened, each decision keeping its answer and rule id.
   */
  @Test
  void anEvaluationIsBoundedInVisitsAndTraceBytes() {
    assertEquals(201, node.http.send("PUT", "/api/guardians/ev0", admin, DENY.encode()).status());
    assertEquals(201, node.http.send("PUT", "/api/guardians/ev1", admin, orOf("ev0", 10).encode()).status());
    assertEquals(201, node.http.send("PUT", "/api/guardians/ev2", admin, orOf("ev1", 10).encode()).status());
    JsonObject uow = new JsonObject().put("uow_id", "u1");
    Response refused = node.http.post("/api/guardians/evaluate", admin, new JsonObject()
      .put("guardians", new JsonArray().add("ev2").add("ev2")).put("uow", uow).encode());
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.json().getJsonObject("error").getString("message").startsWith("guardians[1]: "), refused.body());
    Response shortened = node.http.post("/api/guardians/evaluate", admin, new JsonObject()
      .put("guardians", new JsonArray().add("ev2")).put("uow", uow).encode());
    assertEquals(200, shortened.status(), shortened.body());
    assertTrue(shortened.body().length() < 8192, shortened.body());
    JsonObject decision = shortened.data().getJsonArray("decisions").getJsonObject(0);
    assertEquals(false, decision.getBoolean("allowed"));
    assertEquals("ev2", decision.getString("name"));
    assertEquals(true, decision.getJsonObject("metadata").getBoolean("trace_omitted"));
  }
}
