package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written timestamp writer spells what the formatters it replaces spell. */
class UtcTimestampsTest {

  private static final DateTimeFormatter FORMATTER =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Verifies the writer against DateTimeFormatter on fixed and random instants, millis truncated. */
  @Test
  void formatsLikeTheFormatter() {
    String[] fixed = {"2026-11-25T12:00:00.123Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
      "2000-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
      "1900-03-01T00:00:00.001Z"};
    for (String text : fixed) {
      Instant instant = Instant.parse(text);
      assertEquals(FORMATTER.format(instant), UtcTimestamps.formatMillis(instant), text);
    }
    Random random = new Random(24);
    long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    long min = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochMilli(min + Math.floorMod(random.nextLong(), max - min))
        .plusNanos(random.nextInt(1_000_000));
      assertEquals(FORMATTER.format(instant), UtcTimestamps.formatMillis(instant), instant::toString);
    }
    assertEquals("2026-11-25T12:00:00.123Z", UtcTimestamps.formatMillis(Instant.parse("2026-11-25T12:00:00.123999Z")));
  }

  /** Verifies that years the four-digit form cannot hold are left to the caller's formatter. */
  @Test
  void leavesOtherYearsToTheFormatter() {
    assertNull(UtcTimestamps.formatMillis(Instant.parse("+10000-01-01T00:00:00Z")));
    assertNull(UtcTimestamps.formatMillis(Instant.parse("0000-12-31T23:59:59Z")));
    assertNull(UtcTimestamps.formatMillis(Instant.parse("-0001-01-01T00:00:00Z")));
  }
}
