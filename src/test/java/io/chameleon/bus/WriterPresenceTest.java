package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A request for the cluster's writer fails at once, not after the bus timeout, once the writer is gone. */
class WriterPresenceTest {

  private final WriterPresence presence = new WriterPresence();

  @Test
  void requestsPassWhileTheHolderIsAMember() {
    presence.holderIs("a", List.of("a", "b", "c"));
    Promise<String> reply = Promise.promise();
    Future<String> answer = presence.guard(reply::future);
    assertEquals(1, presence.inFlight());
    reply.complete("done");
    assertEquals("done", answer.result());
    assertEquals(0, presence.inFlight(), "an answered request is not kept");
  }

  @Test
  void aRequestInFlightFailsWith503WhenTheHolderLeavesTheMembers() {
    presence.holderIs("a", List.of("a", "b", "c"));
    Promise<String> reply = Promise.promise();
    Future<String> answer = presence.guard(reply::future);
    presence.membersAre(List.of("b", "c"));
    assertTrue(answer.failed(), "failed when the writer left, without waiting for a reply");
    Failure failure = (Failure) answer.cause();
    assertEquals(503, failure.status());
    assertTrue(failure.getMessage().contains("a left the cluster"), failure.getMessage());
    reply.complete("late");
    assertTrue(answer.failed(), "a late reply changes nothing");
    assertEquals(0, presence.inFlight());
  }

  @Test
  void newRequestsAreRefusedUntilAnotherNodeHoldsTheLease() {
    presence.holderIs("a", List.of("a", "b"));
    presence.membersAre(List.of("b"));
    AtomicInteger sent = new AtomicInteger();
    Future<String> refused = presence.guard(() -> {
      sent.incrementAndGet();
      return Future.succeededFuture("x");
    });
    assertTrue(refused.failed());
    assertEquals(0, sent.get(), "nothing is sent to a writer that is gone");
    assertTrue(presence.writerMissing());

    presence.holderIs(null, List.of("b"));
    assertTrue(presence.writerMissing(), "a free lease is not a writer: still refused");

    presence.holderIs("b", List.of("b"));
    assertFalse(presence.writerMissing());
    assertEquals("x", presence.guard(() -> {
      sent.incrementAndGet();
      return Future.succeededFuture("x");
    }).result());
    assertEquals(1, sent.get());
  }

  @Test
  void withoutAKnownHolderNothingIsRefused() {
    presence.membersAre(List.of("b"));
    assertFalse(presence.writerMissing());
    assertEquals("x", presence.guard(() -> Future.succeededFuture("x")).result());
  }

  @Test
  void aFailedReplyKeepsItsCause() {
    presence.holderIs("a", List.of("a"));
    Future<String> answer = presence.guard(() -> Future.failedFuture(new Failure(409, "conflict")));
    assertEquals(409, ((Failure) answer.cause()).status());
  }
}
