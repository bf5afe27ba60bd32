package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event → pushes rules, without Vert.x running. */
class PushDerivationTest {

  static JsonObject event(String type, JsonObject payload) {
    return new JsonObject().put("id", "5-1").put("timestamp", "2026-11-25T12:00:00.123Z")
      .put("event_type", type).put("payload", payload).put("prev_hash", "0".repeat(64)).put("hash", "h");
  }

  static JsonObject data(Push push) {
    return new JsonObject(push.frame()).getJsonObject("data");
  }

  @Test
  void verifiesThatEveryEventIsPushedAsItIsFirst() {
    JsonObject e = event("guard_pass", new JsonObject().put("uow_id", "u"));
    List<Push> pushes = PushDerivation.derive(e);
    assertEquals(1, pushes.size());
    assertEquals("event", pushes.get(0).type());
    assertEquals("5-1", pushes.get(0).eventId());
    assertEquals(e, data(pushes.get(0)));
    assertFalse(PushDerivation.changesRequests(e));
  }

  @Test
  void verifiesThatANewRequestIsTakenFromThePayloadRequestOrThePayload() {
    JsonObject request = new JsonObject().put("request_id", "r").put("status", "PENDING").put("create_fingerprint", "x");
    List<Push> pushes = PushDerivation.derive(event("intervention_request", new JsonObject().put("request", request)));
    assertEquals(List.of("event", "new_request"), pushes.stream().map(Push::type).toList());
    assertEquals(new JsonObject().put("request_id", "r").put("status", "PENDING"), data(pushes.get(1)));
    JsonObject flat = new JsonObject().put("request_id", "r2").put("title", "t");
    assertEquals(flat, data(PushDerivation.derive(event("intervention_request", flat)).get(1)));
    assertTrue(PushDerivation.changesRequests(event("intervention_request", flat)));
  }

  @Test
  void verifiesThatRequestStatusChangesNameTheTransitionAndThePilot() {
    for (String type : List.of("intervention_claimed", "intervention_approved", "intervention_rejected",
      "intervention_expired", "intervention_completed")) {
      JsonObject payload = new JsonObject().put("request_id", "r").put("old_status", "PENDING").put("new_status", "X");
      if (!type.equals("intervention_expired")) {
        payload.put("pilot_id", "p");
      }
      Push push = PushDerivation.derive(event(type, payload)).get(1);
      assertEquals("status_changed", push.type(), type);
      JsonObject change = data(push);
      assertEquals("r", change.getString("request_id"));
      assertEquals("PENDING", change.getString("old_status"));
      assertEquals("X", change.getString("new_status"));
      assertEquals(type.equals("intervention_expired") ? null : "p", change.getString("updated_by"));
      assertTrue(change.containsKey("updated_by"));
    }
  }

  @Test
  void verifiesThatEveryEventCarryingAUowPushesItWithoutStoreInternals() {
    JsonObject uow = new JsonObject().put("uow_id", "u").put("status", "PAUSED").put("register_fingerprint", "f")
      .put("waived_rule", null).put("approval_granted", false);
    JsonObject parent = new JsonObject().put("uow_id", "p").put("status", "ACTIVE");
    List<Push> pushes = PushDerivation.derive(event("uow_status_changed",
      new JsonObject().put("uow", uow).put("parent_uow", parent)));
    assertEquals(List.of("event", "uow_changed", "uow_changed"), pushes.stream().map(Push::type).toList());
    assertEquals(new JsonObject().put("uow_id", "u").put("status", "PAUSED"), data(pushes.get(1)));
    assertEquals(parent, data(pushes.get(2)));
    assertEquals("uow_changed", PushDerivation.derive(event("pilot_clarification_submitted",
      new JsonObject().put("uow", uow))).get(1).type());
  }

  @Test
  void verifiesThatOddEventsStillYieldTheirEventPush() {
    JsonObject odd = new JsonObject().put("id", "1-0").put("event_type", "intervention_claimed").put("payload", "text");
    List<Push> pushes = PushDerivation.derive(odd);
    assertEquals("event", pushes.get(0).type());
    assertEquals("status_changed", pushes.get(1).type());
  }
}
