package io.chameleon.guardian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chameleon.bus.UtcTimestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlatViewTest {

  /**
   * Verifies that the hand-written reading of plain UTC timestamps answers what Instant.parse
   * answers, for edge cases and for random instants with every fraction length.
   */
  @Test
  void plainUtcReadsAsInstantParse() {
    List<String> cases = List.of("2026-11-25T12:00:00Z", "2026-11-25T12:00:00.1Z",
      "2026-11-25T12:00:00.123456789Z", "2024-02-29T23:59:59.999Z", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z", "2000-02-29T00:00:00Z");
    for (String text : cases) {
      assertEquals(Instant.parse(text), UtcTimestamps.parse(text), text);
    }
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong() % 253_402_300_799L + 1,
        random.nextInt(1_000_000_000)).truncatedTo(java.time.temporal.ChronoUnit.values()[random.nextInt(4)]);
      if (instant.getEpochSecond() < -62_167_219_200L) {
        continue; // before year 0: not the plain form
      }
      String text = instant.toString();
      assertEquals(instant, UtcTimestamps.parse(text), text);
      assertEquals(instant, FlatView.parseInstant(text), text);
    }
  }

  /** Verifies that what the fast path does not take is left to Instant.parse, invalid or not. */
  @Test
  void otherFormsFallBack() {
    for (String text : List.of("2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
      "2026-11-25T24:00:00Z", "2026-11-25T12:60:00Z", "2026-11-25T12:00:60Z", "2026-11-25T12:00:00.Z",
      "2026-11-25T12:00:00.1234567890Z", "2026-11-25 12:00:00Z", "2026-11-25T12:00:00+01:00",
      "+12026-11-25T12:00:00Z", "2026-1a-25T12:00:00Z", "2026-11-25T12:00:00z", "")) {
      assertNull(UtcTimestamps.parse(text), text);
      Instant expected;
      try {
        expected = Instant.parse(text);
      } catch (DateTimeParseException e) {
        expected = null;
      }
      if (expected != null) {
        assertEquals(expected, FlatView.parseInstant(text), text);
      }
    }
  }
}
