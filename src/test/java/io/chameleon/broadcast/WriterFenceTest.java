package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer fence rebuilt from a log read back ({@link WriterFence#of}), as the Redis log does. */
class WriterFenceTest {

  /** Events chained from the genesis, {@code count} of them. */
  private static List<Event> chain(int count) {
    List<Event> events = new ArrayList<>();
    EventId id = EventId.ZERO;
    String hash = EventHash.GENESIS;
    for (int i = 0; i < count; i++) {
      id = id.next(1_000 + i);
      Event event = Event.chained(id, new EventDraft("e", new JsonObject().put("n", i)), hash);
      hash = event.hash();
      events.add(event);
    }
    return events;
  }

  /** Verifies that a rebuilt fence admits the fence event and the plain events after it, nothing before. */
  @Test
  void admitsTheFenceAndWhatFollows() {
    List<Event> events = chain(5);
    WriterFence fence = WriterFence.of(events.get(1).tip(), events.subList(2, 5));
    assertFalse(fence.admits(Tip.EMPTY));
    assertFalse(fence.admits(events.get(0).tip()));
    for (Event event : events.subList(1, 5)) {
      assertTrue(fence.admits(event.tip()), event.id());
    }
    assertFalse(fence.admits(new Tip(events.get(3).id(), events.get(2).hash())), "the id with another hash");
  }

  /** Verifies that a fence rebuilt at the empty log admits a writer that has applied nothing. */
  @Test
  void atTheEmptyLogAdmitsTheGenesis() {
    List<Event> events = chain(2);
    WriterFence fence = WriterFence.of(Tip.EMPTY, events);
    assertTrue(fence.admits(Tip.EMPTY));
    assertTrue(fence.admits(events.get(1).tip()));
  }

  /** Verifies that past MAX_TRACKED plain events the oldest are forgotten, the fence first. */
  @Test
  void forgetsTheOldestPastTheCap() {
    List<Event> events = chain(WriterFence.MAX_TRACKED + 2);
    WriterFence fence = WriterFence.of(events.get(0).tip(), events.subList(1, events.size()));
    assertFalse(fence.admits(events.get(0).tip()));
    assertFalse(fence.admits(events.get(1).tip()));
    assertTrue(fence.admits(events.get(2).tip()));
    assertTrue(fence.admits(events.get(events.size() - 1).tip()));
  }
}
