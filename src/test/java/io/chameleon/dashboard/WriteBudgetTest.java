package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-socket write budget and input hold, the rate window and event id order, as plain arithmetic. */
class WriteBudgetTest {

  @Test
  void verifiesThatPushesPastTheLimitAreDroppedUntilHalfDrainedThenResync() {
    WriteBudget budget = new WriteBudget(1000);
    for (int i = 0; i < 10; i++) {
      assertTrue(budget.admitPush(100));
    }
    assertFalse(budget.admitPush(1));
    assertTrue(budget.overflowed());
    budget.release(100);
    assertFalse(budget.admitPush(50), "once overflowed, pushes stay dropped until resync");
    assertFalse(budget.resyncDue());
    for (int i = 0; i < 4; i++) {
      budget.release(100);
    }
    assertTrue(budget.resyncDue());
    assertEquals(2, budget.resynced());
    assertTrue(budget.admitPush(100));
    assertEquals(1000, budget.peak());
  }

  @Test
  void verifiesThatRepliesAlwaysPassButHoldPushesBack() {
    WriteBudget budget = new WriteBudget(1000);
    budget.reserve(1500);
    assertFalse(budget.admitPush(10));
    assertEquals(1500, budget.peak());
    budget.release(1500);
    assertTrue(budget.resyncDue());
  }

  @Test
  void verifiesThatInputIsHeldPastTheLimitOrAtMaxUnansweredUntilHalfDrainedAndFewerUnanswered() {
    WriteBudget budget = new WriteBudget(1000);
    assertFalse(budget.holdInput(0));
    budget.reserve(1000);
    assertFalse(budget.holdInput(0), "at the limit: still read");
    budget.reserve(1);
    assertTrue(budget.holdInput(0), "past the limit: held");
    budget.release(400);
    assertTrue(budget.holdInput(0), "held until back to half");
    budget.release(101);
    assertFalse(budget.holdInput(0), "back to half: read again");
    budget.reserve(200);
    assertFalse(budget.holdInput(0), "under the limit again: no hold");

    WriteBudget idle = new WriteBudget(1000);
    assertFalse(idle.holdInput(WriteBudget.MAX_UNANSWERED - 1));
    assertTrue(idle.holdInput(WriteBudget.MAX_UNANSWERED), "too many requests unanswered");
    idle.reserve(600);
    assertTrue(idle.holdInput(WriteBudget.MAX_UNANSWERED - 1), "answered, but more than half the budget in flight");
    idle.release(100);
    assertFalse(idle.holdInput(WriteBudget.MAX_UNANSWERED - 1));
  }

  @Test
  void verifiesThatFramesAreChargedTheirUtf8Bytes() {
    assertEquals(3, WriteBudget.utf8Length("abc"));
    assertEquals("é€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8).length, WriteBudget.utf8Length("é€😀"));
    assertEquals(3, WriteBudget.utf8Length("\ud800"), "a lone surrogate is encoded as '?': counted as 3, an upper bound");
  }

  @Test
  void verifiesThatOnlyTheRawTransportIsPaused() {
    assertTrue(DashboardSession.isRawWebSocket("/ws/interventions/websocket"));
    assertTrue(DashboardSession.isRawWebSocket("/ws/interventions/websocket?token=x"));
    assertFalse(DashboardSession.isRawWebSocket("/ws/interventions/123/abcdefgh/websocket"));
    assertFalse(DashboardSession.isRawWebSocket("/ws/interventions/123/abcdefgh/xhr_send"));
    assertFalse(DashboardSession.isRawWebSocket(null));
  }

  @Test
  void verifiesThatTheRateWindowAllowsMaxPerSecond() {
    RateWindow rate = new RateWindow(3);
    assertTrue(rate.allow(10_000));
    assertTrue(rate.allow(10_100));
    assertTrue(rate.allow(10_200));
    assertFalse(rate.allow(10_900));
    assertTrue(rate.allow(11_000));
  }

  @Test
  void verifiesEventIdShapeAndOrder() {
    assertTrue(EventIds.valid("1764072000000-0"));
    assertFalse(EventIds.valid("0-0-0"));
    assertFalse(EventIds.valid("abc"));
    assertFalse(EventIds.valid(12));
    assertFalse(EventIds.valid("99999999999999999999-0"));
    assertTrue(EventIds.compare("10-2", "9-100") > 0);
    assertTrue(EventIds.compare("10-2", "10-10") < 0);
    assertEquals(0, EventIds.compare("10-2", "10-2"));
  }
}
