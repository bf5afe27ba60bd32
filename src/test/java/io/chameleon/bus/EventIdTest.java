package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Event ids: parsing, order, and the next id when the clock stands still or goes back. */
class EventIdTest {

  /** Verifies that an id round-trips through its text form. */
  @Test
  void parsesAndPrints() {
    EventId id = EventId.parse("1764072000123-7");
    assertEquals(1764072000123L, id.ms());
    assertEquals(7, id.seq());
    assertEquals("1764072000123-7", id.toString());
  }

  /** Verifies that ids order by milliseconds, then sequence, and that 0-0 precedes every id. */
  @Test
  void ordersByMillisThenSequence() {
    assertTrue(EventId.parse("5-0").isAfter(EventId.parse("4-99")));
    assertTrue(EventId.parse("5-1").isAfter(EventId.parse("5-0")));
    assertTrue(EventId.parse("0-1").isAfter(EventId.ZERO));
    assertEquals(0, EventId.parse("0-0").compareTo(EventId.ZERO));
  }

  /** Verifies that the next id is strictly greater whether the clock advances, stalls or goes back. */
  @Test
  void nextIdStrictlyIncreases() {
    EventId id = EventId.parse("1000-3");
    assertEquals("1001-0", id.next(1001).toString());
    assertEquals("1000-4", id.next(1000).toString());
    assertEquals("1000-4", id.next(400).toString());
  }

  /** Verifies that malformed ids are refused. */
  @Test
  void refusesMalformedIds() {
    for (String bad : new String[] {"", "5", "5-", "-5", "a-1", "1-2-3", "1 -2", "-1-0",
      "99999999999999999999-0", "1-0 "}) {
      assertThrows(IllegalArgumentException.class, () -> EventId.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> EventId.parse(null));
  }
}
