package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The socket's read requests on their own: the get_pending payload rules and the store message. */
class RequestForwarderTest {

  /** Verifies which get_pending payloads are refused, and why. */
  @Test
  void verifiesTheGetPendingPayloadRules() {
    assertNull(RequestForwarder.badPendingField(new JsonObject()));
    assertNull(RequestForwarder.badPendingField(new JsonObject().put("pilot_id", "p").put("limit", 10L).put("offset", "5")));
    assertNull(RequestForwarder.badPendingField(new JsonObject().put("assignee", "p")));
    assertEquals("pilot_id: give pilot_id or assignee, not both",
      RequestForwarder.badPendingField(new JsonObject().put("pilot_id", "p").put("assignee", "p")));
    assertEquals("assignee: must be a non-empty string of at most 200",
      RequestForwarder.badPendingField(new JsonObject().put("assignee", " ")));
    assertNull(RequestForwarder.badPendingField(new JsonObject().putNull("limit")), "a null value is left out");
    assertEquals("unknown field 'status'", RequestForwarder.badPendingField(new JsonObject().put("status", "PENDING")));
    assertEquals("limit must be a string or an integer", RequestForwarder.badPendingField(new JsonObject().put("limit", 2.5)));
    assertEquals("offset must be a string or an integer", RequestForwarder.badPendingField(new JsonObject().put("offset", true)));
  }

  /** Verifies that values go to the store as strings, as from a URL, and nulls are left out. */
  @Test
  void verifiesTheParamsAndTheStoreMessage() {
    JsonObject params = RequestForwarder.pendingParams(new JsonObject().put("pilot_id", "op-1").put("limit", 10)
      .putNull("offset"));
    assertEquals(new JsonObject().put("actionable_by", "op-1").put("limit", "10"), params, "the list's names");
    JsonObject actor = new JsonObject().put("pilot_id", "v").put("role", "VIEWER");
    JsonObject message = RequestForwarder.storeMessage(actor, params);
    assertEquals(new JsonObject().put("actor", actor).put("params", params).put("body", new JsonObject()), message);
    message.getJsonObject("actor").put("role", "ADMIN");
    assertEquals("VIEWER", actor.getString("role"), "the actor is copied");
  }
}
