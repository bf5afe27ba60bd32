package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Operation.Actor;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store's bus message: its JSON both ways, and each field's 400 (the actor's first). */
class StoreMessageTest {

  static final Actor ADMIN = new Actor("pilot-001", Role.ADMIN);

  /** Verifies that every field survives toJson → fromJson, and the JSON is the documented envelope. */
  @Test
  void roundTrip() {
    StoreMessage message = new StoreMessage(ADMIN, Map.of("uow_id", "7a0e5c1b-0000-4000-8000-00000000000a"),
      Map.of("reason", "within quarterly budget"), "3",
      new StoreMessage.Idempotency("k-77", "POST", "/pilot/waive/7a0e5c1b-0000-4000-8000-00000000000a/big-amount"));
    JsonObject json = message.toJson();
    assertEquals(new JsonObject("""
      {"actor": {"pilot_id": "pilot-001", "role": "ADMIN"},
       "params": {"uow_id": "7a0e5c1b-0000-4000-8000-00000000000a"},
       "body": {"reason": "within quarterly budget"},
       "if_match": "3",
       "idempotency": {"key": "k-77", "method": "POST", "path": "/pilot/waive/7a0e5c1b-0000-4000-8000-00000000000a/big-amount"}}
      """), json);
    // as a clustered receiver gets it: decoded from the wire
    StoreMessage back = StoreMessage.fromJson(new JsonObject(json.encode()));
    assertEquals(message.actor(), back.actor());
    assertEquals(message.params(), back.params());
    assertEquals(message.body(), back.body());
    assertEquals(message.ifMatch(), back.ifMatch());
    assertEquals(message.idempotency(), back.idempotency());
    assertEquals(3L, back.version());
    // as a local receiver gets it: a copy
    assertEquals(message.idempotency(), StoreMessage.fromJson(json.copy()).idempotency());
  }

  /** Verifies that a query carries no concurrency fields, and empty params and body read as {}. */
  @Test
  void queryHasOnlyTheActorAndParams() {
    JsonObject json = StoreMessage.query(ADMIN, Map.of()).toJson();
    assertEquals(Set.of("actor", "params", "body"), json.fieldNames());
    StoreMessage back = StoreMessage.fromJson(new JsonObject().put("actor", json.getJsonObject("actor")));
    assertTrue(back.params().isEmpty());
    assertTrue(back.body().isEmpty());
    assertNull(back.ifMatch());
    assertNull(back.idempotency());
    assertNull(back.version());
  }

  /** Verifies the version an If-Match names: a number, or an ETag's quoted number. */
  @Test
  void versionReadsAnEtag() {
    assertEquals("\"7\"", StoreMessage.etag(7));
    assertEquals(7L, withIfMatch(StoreMessage.etag(7)).version());
    assertEquals(7L, withIfMatch(" 7 ").version());
    assertEquals(7L, StoreMessage.fromJson(envelope().put("if_match", 7)).version());
    for (String bad : new String[] {"W/\"7\"", "seven", "\"", "7.0", ""}) {
      Failure failure = assertThrows(Failure.class, () -> withIfMatch(bad).version(), bad);
      assertEquals(400, failure.status());
      assertEquals("if_match: must be a version number", failure.getMessage());
    }
  }

  /** Verifies that each malformed field is a 400 naming it, the actor before anything else. */
  @Test
  void eachBadFieldIsA400NamingIt() {
    assertBad(new JsonObject(), "actor.pilot_id");
    assertBad(new JsonObject().put("actor", "pilot-001"), "actor.pilot_id");
    assertBad(new JsonObject().put("actor", new JsonObject().put("pilot_id", " ").put("role", "ADMIN")), "actor.pilot_id");
    assertBad(new JsonObject().put("actor", new JsonObject().put("pilot_id", "x".repeat(201)).put("role", "ADMIN")),
      "actor.pilot_id");
    assertBad(new JsonObject().put("actor", new JsonObject().put("pilot_id", "p").put("role", "admin")), "actor.role");
    // the actor first: a bad actor with a bad body names the actor
    assertBad(new JsonObject().put("body", "x"), "actor.pilot_id");
    assertBad(envelope().put("params", "x"), "params");
    assertBad(envelope().put("body", "x"), "body");
    assertBad(envelope().put("if_match", new JsonObject()), "if_match");
    assertBad(envelope().put("idempotency", "k"), "idempotency.key");
    assertBad(envelope().put("idempotency", new JsonObject().put("key", " ")), "idempotency.key");
    assertBad(envelope().put("idempotency", new JsonObject().put("key", "k".repeat(256))), "idempotency.key");
    assertThrows(Failure.class, () -> new StoreMessage.Idempotency("", "POST", "/x"));
    assertThrows(NullPointerException.class, () -> StoreMessage.query(null, Map.of()));
  }

  /** Verifies that reading for an operation checks the actor's role before the other fields. */
  @Test
  void readingForAnOperationChecksTheRoleFirst() {
    JsonObject viewer = new JsonObject().put("actor", new JsonObject().put("pilot_id", "v").put("role", "VIEWER"))
      .put("body", "not an object");
    Failure failure = assertThrows(Failure.class, () -> StoreMessage.read(viewer.getMap(), Operation.PILOT_WAIVE));
    assertEquals(403, failure.status());
    assertEquals("requires role ADMIN, pilot has VIEWER", failure.getMessage());
    assertEquals(ADMIN, StoreMessage.read(envelope().getMap(), Operation.PILOT_WAIVE).actor());
  }

  private static JsonObject envelope() {
    return StoreMessage.query(ADMIN, Map.of()).toJson();
  }

  private static StoreMessage withIfMatch(String ifMatch) {
    return new StoreMessage(ADMIN, Map.of(), Map.of(), ifMatch, null);
  }

  private static void assertBad(JsonObject json, String field) {
    Failure failure = assertThrows(Failure.class, () -> StoreMessage.fromJson(json), json.encode());
    assertEquals(400, failure.status());
    assertTrue(failure.getMessage().startsWith(field + ":"), failure.getMessage());
  }
}
