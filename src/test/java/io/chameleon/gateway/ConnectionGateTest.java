package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The connection caps as rules: per address, per node, and who makes room at the node's cap. */
class ConnectionGateTest {

  private static final ConnectionGate.Closeable NOTHING = () -> { };

  /** Verifies that an address at its cap is refused while another address is admitted. */
  @Test
  void perAddressCapRefusesOnlyThatAddress() {
    ConnectionGate gate = new ConnectionGate(100, 2);
    gate.admit("a", NOTHING);
    gate.admit("a", NOTHING);
    assertEquals(ConnectionGate.Refusal.PER_ADDRESS, gate.admit("a", NOTHING).refusal());
    assertNotNull(gate.admit("b", NOTHING).entry());
    assertEquals(2, gate.open("a"));
  }

  /** Verifies that at the node's cap the oldest idle connection that never authenticated makes room. */
  @Test
  void atTheNodeCapTheOldestIdleStrangerIsEvicted() {
    ConnectionGate gate = new ConnectionGate(3, 0);
    ConnectionGate.Entry pilot = gate.admit("p", NOTHING).entry();
    pilot.authenticated = true;
    ConnectionGate.Entry busy = gate.admit("x", NOTHING).entry();
    busy.busy = true;
    ConnectionGate.Entry idle = gate.admit("y", NOTHING).entry();
    ConnectionGate.Admission next = gate.admit("z", NOTHING);
    assertSame(idle, next.evicted());
    assertNotNull(next.entry());
    assertEquals(3, gate.open());
    assertEquals(0, gate.open("y"));
    gate.release(idle); // its close arrives later: no double count
    assertEquals(3, gate.open());
  }

  /** Verifies that when every connection is busy or authenticated, the new one is refused. */
  @Test
  void nobodyToEvictMeansRefused() {
    ConnectionGate gate = new ConnectionGate(2, 0);
    gate.admit("p", NOTHING).entry().authenticated = true;
    gate.admit("q", NOTHING).entry().busy = true;
    ConnectionGate.Admission refused = gate.admit("r", NOTHING);
    assertNull(refused.entry());
    assertEquals(ConnectionGate.Refusal.NODE, refused.refusal());
  }

  /** Verifies that a released connection frees its place, once. */
  @Test
  void releaseFreesThePlace() {
    ConnectionGate gate = new ConnectionGate(16, 1);
    ConnectionGate.Entry entry = gate.admit("a", NOTHING).entry();
    gate.release(entry);
    gate.release(entry);
    assertEquals(0, gate.open());
    assertNotNull(gate.admit("a", NOTHING).entry());
  }
}
