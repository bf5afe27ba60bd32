package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chameleon.bus.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validation of the events.append and events.read bodies. */
class EventRequestsTest {

  /** Verifies that malformed append bodies are refused with 400. */
  @Test
  void refusesBadAppendBodies() {
    String[] bad = {
      "{}", "{\"events\": []}", "{\"events\": {}}", "{\"events\": [1]}",
      "{\"events\": [{\"payload\": {}}]}", "{\"events\": [{\"event_type\": \"\", \"payload\": {}}]}",
      "{\"events\": [{\"event_type\": 5, \"payload\": {}}]}",
      "{\"events\": [{\"event_type\": \"x\"}]}", "{\"events\": [{\"event_type\": \"x\", \"payload\": []}]}"
    };
    for (String body : bad) {
      Failure failure = assertThrows(Failure.class, () -> EventRequests.append(new JsonObject(body)),
        body);
      assertEquals(400, failure.status());
    }
    assertEquals(400, assertThrows(Failure.class, () -> EventRequests.append(null)).status());
  }

  /** Verifies that a good append body becomes drafts in order. */
  @Test
  void acceptsAppendBody() {
    JsonObject body = new JsonObject().put("events", new JsonArray()
      .add(new JsonObject().put("event_type", "a").put("payload", new JsonObject()))
      .add(new JsonObject().put("event_type", "b").put("payload", new JsonObject().put("k", 1))));
    var drafts = EventRequests.append(body);
    assertEquals(2, drafts.size());
    assertEquals("b", drafts.get(1).eventType());
  }

  /** Verifies the read defaults and the 400s for count, after, types and max_bytes. */
  @Test
  void checksReadBodies() {
    EventRequests.Read defaults = EventRequests.read(new JsonObject());
    assertEquals("0-0", defaults.after());
    assertEquals(100, defaults.count());
    assertEquals(Set.of(), defaults.types());
    assertEquals(EventLog.MAX_PAGE_BYTES, defaults.maxBytes());
    EventRequests.Read read = EventRequests.read(new JsonObject()
      .put("after", "5-1").put("count", 1000).put("types", new JsonArray().add("x")).put("max_bytes", 4096));
    assertEquals("5-1", read.after());
    assertEquals(4096, read.maxBytes());
    assertEquals(Set.of("x"), read.types());
    String[] bad = {
      "{\"count\": 0}", "{\"count\": 1001}", "{\"count\": -1}", "{\"count\": \"abc\"}",
      "{\"count\": 1.5}", "{\"count\": 9223372036854775807}", "{\"after\": \"x\"}",
      "{\"after\": 5}", "{\"after\": \"1-2-3\"}", "{\"types\": \"x\"}", "{\"types\": [1]}",
      "{\"max_bytes\": 0}", "{\"max_bytes\": 1048577}", "{\"max_bytes\": \"1\"}"
    };
    for (String body : bad) {
      Failure failure = assertThrows(Failure.class, () -> EventRequests.read(new JsonObject(body)),
        body);
      assertEquals(400, failure.status(), body);
    }
  }
}
