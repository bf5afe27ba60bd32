package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The hash chain formula and the event's JSON shape. */
class EventHashTest {

  /** Verifies that the hash is SHA-256 over prev_hash followed by the RFC 8785 form. */
  @Test
  void hashesPrevHashThenCanonicalJson() throws Exception {
    JsonObject payload = new JsonObject().put("z", 1.0).put("a", "x");
    String hash = EventHash.of(EventHash.GENESIS, "2026-11-25T12:00:00.123Z", "uow_registered",
      payload);
    String canonical = "{\"event_type\":\"uow_registered\",\"payload\":{\"a\":\"x\",\"z\":1},"
      + "\"timestamp\":\"2026-11-25T12:00:00.123Z\"}";
    byte[] digest = MessageDigest.getInstance("SHA-256")
      .digest((EventHash.GENESIS + canonical).getBytes(StandardCharsets.UTF_8));
    assertEquals(HexFormat.of().formatHex(digest), hash);
    assertEquals(64, EventHash.GENESIS.length());
  }

  /** Verifies that field order in the payload does not change the hash, but a value does. */
  @Test
  void fieldOrderDoesNotMatter() {
    JsonObject ab = new JsonObject().put("a", 1).put("b", 2);
    JsonObject ba = new JsonObject().put("b", 2).put("a", 1);
    String t = "2026-11-25T12:00:00.000Z";
    assertEquals(EventHash.of(EventHash.GENESIS, t, "x", ab), EventHash.of(EventHash.GENESIS, t, "x", ba));
    assertNotEquals(EventHash.of(EventHash.GENESIS, t, "x", ab),
      EventHash.of(EventHash.GENESIS, t, "x", ab.copy().put("a", 3)));
  }

  /** Verifies that a chained event carries a millisecond UTC timestamp and round-trips its JSON. */
  @Test
  void eventRoundTripsItsJson() {
    Event event = Event.chained(new EventId(1764072000000L, 0),
      new EventDraft("uow_registered", new JsonObject().put("uow_id", "u1")), EventHash.GENESIS);
    assertEquals("2025-11-25T12:00:00.000Z", event.timestamp());
    JsonObject json = event.toJson();
    assertEquals(java.util.List.of("id", "timestamp", "event_type", "payload", "prev_hash", "hash"),
      java.util.List.copyOf(json.fieldNames()));
    assertEquals(event, Event.fromJson(new JsonObject(json.encode())));
    assertEquals(event.hash(), EventHash.of(event));
  }
}
