package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.gateway.DenialWindow.Denial;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coalescing of 403s into the audit log, on a clock given by hand. */
class DenialWindowTest {

  /** Verifies the first denial of a window is recorded, the rest only counted into one summary. */
  @Test
  void firstAtOnceTheRestAsOneSummary() {
    DenialWindow window = new DenialWindow(1000, 100);
    assertNotNull(window.deny(0, "v", "VIEWER", "ADMIN", "PUT", "/api/guardians/a"));
    for (int i = 1; i <= 49; i++) {
      assertNull(window.deny(i * 10, "v", "VIEWER", "ADMIN", "PUT", "/api/guardians/b" + i));
    }
    assertTrue(window.flush(999, false).isEmpty(), "the window is not over yet");
    List<Denial> summaries = window.flush(1000, false);
    assertEquals(1, summaries.size());
    assertEquals(49, summaries.get(0).repeated());
    assertEquals("/api/guardians/b49", summaries.get(0).path(), "the last one's path");
    assertEquals(0, window.pilotsHeld());
    // a new window: recorded at once again
    assertNotNull(window.deny(1500, "v", "VIEWER", "ADMIN", "PUT", "/api/guardians/c"));
    assertTrue(window.flush(2600, false).isEmpty(), "nothing was only counted");
  }

  /** Verifies pilots are windowed apart: one pilot's flood does not hide another's denial. */
  @Test
  void pilotsApart() {
    DenialWindow window = new DenialWindow(1000, 100);
    assertNotNull(window.deny(0, "a", "VIEWER", "ADMIN", "PUT", "/x"));
    assertNull(window.deny(1, "a", "VIEWER", "ADMIN", "PUT", "/x"));
    assertNotNull(window.deny(2, "b", "VIEWER", "ADMIN", "PUT", "/x"));
  }

  /** Verifies a long path is cut to the bound and marked. */
  @Test
  void longPathsAreCut() {
    Denial denial = new DenialWindow(1000, 100).deny(0, "v", "VIEWER", "ADMIN", "GET",
      "/" + "x".repeat(15_000));
    assertEquals(DenialWindow.MAX_PATH, denial.path().length());
    assertTrue(denial.pathTruncated());
  }

  /** Verifies that past the pilots it can remember, each denial is recorded: none is lost. */
  @Test
  void pastItsMemoryEachIsRecorded() {
    DenialWindow window = new DenialWindow(1000, 2);
    window.deny(0, "a", "VIEWER", "ADMIN", "PUT", "/x");
    window.deny(0, "b", "VIEWER", "ADMIN", "PUT", "/x");
    assertNotNull(window.deny(1, "c", "VIEWER", "ADMIN", "PUT", "/x"));
    assertNotNull(window.deny(2, "c", "VIEWER", "ADMIN", "PUT", "/x"));
    assertEquals(2, window.pilotsHeld());
  }

  /** Verifies a shutdown flush gives every summary, over or not. */
  @Test
  void flushAll() {
    DenialWindow window = new DenialWindow(1000, 100);
    window.deny(0, "a", "VIEWER", "ADMIN", "PUT", "/x");
    window.deny(1, "a", "VIEWER", "ADMIN", "PUT", "/x");
    assertEquals(1, window.flush(2, true).get(0).repeated());
  }
}
