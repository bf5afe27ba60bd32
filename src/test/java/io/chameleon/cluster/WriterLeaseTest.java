package io.chameleon.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lease's timing rules, on a clock the test moves. */
class WriterLeaseTest {

  /** Verifies that a holder renews three times per time-to-live and steps down after half of it without a renewal. */
  @Test
  void aHolderStepsDownBeforeItsLeaseCanHaveExpired() {
    WriterLease lease = new WriterLease(6000);
    assertEquals(2000, lease.renewEveryMs());
    assertFalse(lease.mustStepDown(0), "nobody holds it yet");
    lease.took(7, 1_000);
    assertTrue(lease.held());
    assertEquals(7, lease.epoch());
    assertFalse(lease.mustStepDown(4_000));
    lease.renewed(3_000);
    assertFalse(lease.mustStepDown(6_000), "3 s since the last renewal: exactly half");
    assertTrue(lease.mustStepDown(6_001), "more than half the ttl without a renewal");
    lease.lost();
    assertFalse(lease.held());
    assertFalse(lease.mustStepDown(60_000));
  }

  /** Verifies that a node without the lease tries often enough to take over well inside the ttl, and that a tiny ttl is refused. */
  @Test
  void triesToTakeOverOften() {
    assertEquals(500, new WriterLease(5000).tryEveryMs());
    assertEquals(100, new WriterLease(1000).tryEveryMs());
    assertThrows(IllegalArgumentException.class, () -> new WriterLease(100));
  }
}
