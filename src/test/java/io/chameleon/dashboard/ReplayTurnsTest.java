package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The node's line of replay turns on its own: at most max at once, first come first served, cancelled tickets never start. */
class ReplayTurnsTest {

  @Test
  void verifiesTurnsCancellationAndHandOver() {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      ReplayTurns reads = new ReplayTurns(2);
      ReplayTurns.Ticket a = reads.ask(context);
      ReplayTurns.Ticket b = reads.ask(context);
      ReplayTurns.Ticket c = reads.ask(context);
      ReplayTurns.Ticket d = reads.ask(context);
      TestNode.await(a.turn());
      TestNode.await(b.turn());
      assertEquals(2, reads.inFlight());
      assertEquals(2, reads.waiting());
      assertFalse(c.turn().isComplete());

      c.cancel(); // replaced while waiting: leaves the line, never reads
      assertTrue(c.turn().failed());
      assertEquals(1, reads.waiting());
      a.cancel(); // a read in flight keeps its place until done
      assertEquals(2, reads.inFlight());
      assertFalse(d.turn().isComplete());

      a.done(); // the next in line (d, c having left) reads
      TestNode.await(d.turn());
      assertEquals(2, reads.inFlight());
      b.done();
      d.done();
      d.done(); // twice is once
      await().atMost(Duration.ofSeconds(5)).until(() -> reads.inFlight() == 0);
      assertEquals(0, reads.waiting());
      assertEquals(2, reads.peak());
      assertEquals(3, reads.granted());
      assertEquals(1, reads.cancelled());
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
