package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-over from a replay to live pushes on its own: what is held, the overflow, and no event twice. */
class ReplayHandoverTest {

  private static Push event(String id) {
    return new Push(Push.EVENT, id, "{\"type\":\"event\",\"data\":{\"id\":\"" + id + "\"}}");
  }

  /** Verifies that pushes held during a replay are handed over in order, and events it covered are dropped. */
  @Test
  void verifiesTheHandOverWithoutDuplicates() {
    ReplayHandover handover = new ReplayHandover(1000);
    Push metrics = new Push(Push.METRICS_UPDATE, null, "{}");
    handover.hold(event("5-0"), 10);
    handover.hold(metrics, 10);
    handover.hold(event("7-0"), 10);
    ReplayHandover.Release release = handover.finish("6-0");
    assertFalse(release.overflowed());
    assertEquals(List.of(event("5-0"), metrics, event("7-0")), release.pushes());
    assertTrue(handover.replayedAlready(event("5-0")));
    assertTrue(handover.replayedAlready(event("6-0")));
    assertFalse(handover.replayedAlready(event("7-0")));
    assertFalse(handover.replayedAlready(metrics), "only event pushes are replayed");
    assertTrue(handover.finish("6-0").pushes().isEmpty(), "handed over once");

    handover.reset();
    assertFalse(handover.replayedAlready(event("5-0")), "a new subscription has replayed nothing");
  }

  /** Verifies that past the limit every held push is dropped and counted, for the resync. */
  @Test
  void verifiesTheOverflow() {
    ReplayHandover handover = new ReplayHandover(25);
    handover.hold(event("1-0"), 10);
    handover.hold(event("2-0"), 10);
    handover.hold(event("3-0"), 10); // past 25: all three dropped
    handover.hold(event("4-0"), 1);  // and every later one
    ReplayHandover.Release release = handover.finish("0-0");
    assertTrue(release.overflowed());
    assertEquals(4, release.dropped());
    assertTrue(release.pushes().isEmpty());
    assertFalse(handover.finish("0-0").overflowed(), "the overflow is reported once");
  }
}
