package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A draft canonicalised ahead ({@link PreparedDraft}) chains into exactly the event
 * {@link Event#chained} builds — same timestamp, payload and hash — whether its id lands on the
 * millisecond it was prepared for or a later one.
 */
class PreparedDraftTest {

  private static final long MS = 1_796_666_152_652L;

  private static Object value(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> random.nextInt();
      case 1 -> random.nextDouble() * 1e6;
      case 2 -> text(random);
      case 3 -> random.nextBoolean();
      case 4 -> null;
      case 5 -> object(random, depth + 1);
      default -> {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(value(random, depth + 1));
        }
        yield array;
      }
    };
  }

  private static String text(Random random) {
    String[] parts = {"a", "Z", "é", "€", "😀", "\n", "\"", "\\", "\u0001", "0", " ", "\u2028"};
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      text.append(parts[random.nextInt(parts.length)]);
    }
    return text.toString();
  }

  private static JsonObject object(Random random, int depth) {
    JsonObject object = new JsonObject();
    for (int i = random.nextInt(6); i > 0; i--) {
      object.put(text(random) + i, value(random, depth));
    }
    return object;
  }

  /** Verifies that, over seeded random payloads, the prepared draft's event equals Event.chained's. */
  @Test
  void chainsIntoTheEventChainedBuilds() {
    Random random = new Random(20261207);
    String prev = EventHash.GENESIS;
    EventId id = EventId.ZERO;
    for (int i = 0; i < 2000; i++) {
      EventDraft draft = new EventDraft("type-" + random.nextInt(5), object(random, 0));
      long prepared = MS + i;
      // every third id lands a millisecond later than prepared for: the draft is hashed again
      id = id.next(i % 3 == 0 ? prepared + 1 : prepared);
      PreparedDraft early = PreparedDraft.of(draft, prepared);
      Event event = early.chain(id, prev);
      assertEquals(Event.chained(id, draft, prev), event);
      assertEquals(EventHash.of(event), event.hash());
      assertEquals(draft.payload().encode(), early.payloadText());
      prev = event.hash();
    }
  }

  /** Verifies that a draft's payload changed after it was prepared does not change its event. */
  @Test
  void theEventKeepsThePayloadAsPrepared() {
    JsonObject payload = new JsonObject().put("a", 1);
    EventDraft draft = new EventDraft("t", payload);
    PreparedDraft prepared = PreparedDraft.of(draft, MS);
    Event expected = Event.chained(new EventId(MS, 0), new EventDraft("t", new JsonObject().put("a", 1)),
      EventHash.GENESIS);
    payload.put("a", 2);
    assertEquals(expected, prepared.chain(new EventId(MS, 0), EventHash.GENESIS));
    assertEquals("{\"a\":1}", prepared.payloadText());
  }
}
