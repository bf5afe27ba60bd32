package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules of a socket's input on their own: the inbox and its bound, hold-back, the rate cap and its credit. */
class InputGateTest {

  /** Verifies that messages wait in order, count their bytes, and that the inbox's bound is reported. */
  @Test
  void verifiesTheInboxInOrderAndItsBound() {
    InputGate<String> gate = new InputGate<>(10, 10);
    assertTrue(gate.offer("a", 4));
    assertTrue(gate.offer("b", 6));
    assertEquals(10, gate.inboxBytes());
    assertFalse(gate.offer("c", 1), "past the bound: the socket is to be closed");
    assertEquals("a", gate.next());
    assertEquals(7, gate.inboxBytes());
    assertEquals("b", gate.next());
    assertEquals("c", gate.next());
    assertNull(gate.next());
    assertEquals(0, gate.inboxBytes());
  }

  /** Verifies that only the outermost reader reads, so no message is read inside another. */
  @Test
  void verifiesThatOnlyTheOutermostReaderReads() {
    InputGate<String> gate = new InputGate<>(10, 100);
    assertTrue(gate.startReading());
    assertFalse(gate.startReading());
    gate.stopReading();
    assertTrue(gate.startReading());
  }

  /** Verifies hold and release: held while the session says so or while messages wait, each change once. */
  @Test
  void verifiesHoldAndRelease() {
    InputGate<String> gate = new InputGate<>(10, 100);
    assertEquals(InputGate.Change.NONE, gate.update(false, 0, true));
    assertEquals(InputGate.Change.HOLD, gate.update(true, 0, true));
    assertEquals(InputGate.Change.NONE, gate.update(true, 10, true));
    gate.offer("waiting", 1);
    assertEquals(InputGate.Change.NONE, gate.update(false, 20, true), "a message still waits: still held");
    gate.next();
    assertEquals(InputGate.Change.RELEASE, gate.update(false, 30, true));
    assertFalse(gate.heldBack());
    gate.update(true, 40, true);
    assertTrue(gate.clear(), "clear says it was held back");
    assertFalse(gate.heldBack());
  }

  /** Verifies the rate cap per window, and the credit a pause earns (only on a pausable socket, bounded). */
  @Test
  void verifiesTheRateCapAndTheCreditOfAPause() {
    InputGate<String> gate = new InputGate<>(2, 100);
    assertTrue(gate.withinRate(1000));
    assertTrue(gate.withinRate(1000));
    assertFalse(gate.withinRate(1000));
    assertTrue(gate.withinRate(2000), "a new window");

    InputGate<String> paused = new InputGate<>(2, 100);
    paused.update(true, 0, true);
    paused.update(false, 1500, true); // 1.5 s paused at 2/s: 3 messages of credit
    for (int i = 0; i < 2 + 3; i++) {
      assertTrue(paused.withinRate(5000), "message " + i);
    }
    assertFalse(paused.withinRate(5000));

    InputGate<String> notPausable = new InputGate<>(2, 100);
    notPausable.update(true, 0, false);
    notPausable.update(false, 1500, false);
    notPausable.withinRate(5000);
    notPausable.withinRate(5000);
    assertFalse(notPausable.withinRate(5000), "messages that waited in the inbox earn nothing");

    InputGate<String> longPause = new InputGate<>(1, 100);
    longPause.update(true, 0, true);
    longPause.update(false, 3_600_000, true);
    int allowed = 0;
    while (longPause.withinRate(10_000_000) && allowed < 100_000) {
      allowed++;
    }
    assertEquals(1 + InputGate.MAX_CREDIT_MS / 1000, allowed, "credit is capped at 30 s worth");
  }
}
