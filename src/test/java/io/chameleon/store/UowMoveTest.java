package io.chameleon.store;

import static io.chameleon.store.Harness.ADMIN;
import static io.chameleon.store.Harness.INSTANCE;
import static io.chameleon.store.Harness.OPERATOR;
import static io.chameleon.store.Harness.accepted;
import static io.chameleon.store.Harness.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.store.Command.Submission;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3's state table walked through the real commands: a UOW is brought into every status, then
 * every command is tried on it; where {@link UowMove}'s row allows it the UOW reaches the row's
 * target, otherwise the command is refused with a 409 naming the current status and changes
 * nothing.
 */
class UowMoveTest {

  /** A blocking and an approval guardian, and no interaction allowed: every park is reachable. */
  private static final Map<String, Object> POLICY = Map.of("guardians", List.of("limit"),
    "approval_guardians", List.of("big"), "max_interactions", 0);

  /** How to bring a fresh UOW into each status with commands only. */
  private static final Map<UowStatus, Function<Harness, String>> REACH = new EnumMap<>(Map.of(
    UowStatus.PENDING, h -> h.register(POLICY),
    UowStatus.ACTIVE, h -> h.active(POLICY),
    UowStatus.PAUSED, h -> advanced(h, UowStatus.COMPLETED, Harness.blockingFails("limit")),
    UowStatus.PENDING_PILOT_APPROVAL, h -> advanced(h, UowStatus.COMPLETED,
      Harness.approvalFails("big")),
    UowStatus.ZOMBIED_SOFT, UowMoveTest::locked,
    UowStatus.ZOMBIED_DEAD, h -> {
      String id = locked(h);
      h.ok(new Command.DecideRequest(OPERATOR, h.state.openRequestIds(id).get(0), false, "no"));
      return id;
    },
    UowStatus.COMPLETED, h -> advanced(h, UowStatus.COMPLETED, Gate.Result.NONE),
    UowStatus.FAILED, h -> advanced(h, UowStatus.FAILED, Gate.Result.NONE)));

  /** Every command that may move a UOW, with the row it uses when it is allowed. */
  private record Try(String name, UowMove move, BiFunction<Harness, String, Decision> run) {
  }

  private static final List<Try> COMMANDS = List.of(
    new Try("advance to ACTIVE", UowMove.START, (h, id) -> advance(h, id, UowStatus.ACTIVE,
      Gate.Result.NONE)),
    new Try("advance to COMPLETED", UowMove.COMPLETE, (h, id) -> advance(h, id,
      UowStatus.COMPLETED, Gate.Result.NONE)),
    new Try("advance to FAILED", UowMove.FAIL, (h, id) -> advance(h, id, UowStatus.FAILED,
      Gate.Result.NONE)),
    new Try("advance, a blocking guardian fails", UowMove.GUARD_VIOLATION, (h, id) ->
      advance(h, id, next(h, id), Harness.blockingFails("limit"))),
    new Try("advance, an approval guardian fails", UowMove.APPROVAL_NEEDED, (h, id) ->
      advance(h, id, next(h, id), Harness.approvalFails("big"))),
    new Try("interaction past max_interactions", UowMove.AMBIGUITY_LOCK, (h, id) ->
      h.run(new Command.Interaction(OPERATOR, id))),
    new Try("kill-switch", UowMove.KILL_SWITCH, (h, id) ->
      h.run(new Command.KillSwitch(ADMIN, INSTANCE, "stop", false))),
    new Try("clarification", UowMove.CLARIFY, (h, id) ->
      h.run(new Command.Clarify(OPERATOR, id, "this"))),
    new Try("waive", UowMove.WAIVE, (h, id) -> h.run(new Command.Waive(ADMIN, id, "limit", "ok"))),
    new Try("resume", UowMove.RESUME, (h, id) -> h.run(new Command.Resume(OPERATOR, id, "ok"))),
    new Try("cancel", UowMove.CANCEL, (h, id) -> h.run(new Command.Cancel(OPERATOR, id, "no"))));

  /** Verifies every status × every command against the table: the target, or a 409. */
  @Test
  void everyStatusTimesEveryCommand() {
    Set<UowMove> walked = EnumSet.noneOf(UowMove.class);
    for (UowStatus status : UowStatus.values()) {
      for (Try command : COMMANDS) {
        Harness h = new Harness();
        String id = REACH.get(status).apply(h);
        assertEquals(status, h.uow(id).status(), "set-up of " + status);
        long version = h.uow(id).version();
        Decision decision = command.run().apply(h, id);
        String what = command.name() + " on " + status;
        if (command.move().allows(status)) {
          accepted(decision);
          assertEquals(command.move().to, h.uow(id).status(), what);
          walked.add(command.move());
        } else if (command.move() == UowMove.KILL_SWITCH) {
          // the kill switch halts the instance whatever its UOWs' statuses: it pauses ACTIVE ones only
          accepted(decision);
          assertEquals(status, h.uow(id).status(), what);
        } else {
          Decision.Rejected refused = rejected(decision, 409);
          assertTrue(refused.message().contains(" is " + status), what + ": " + refused.message());
          assertEquals(status, h.uow(id).status(), what);
          assertEquals(version, h.uow(id).version(), what + " changes nothing");
        }
      }
    }
    // every row but those of the next test was taken by some command
    assertEquals(EnumSet.complementOf(EnumSet.of(UowMove.RELEASE, UowMove.CLARIFICATION_REJECTED,
      UowMove.REQUEST_EXPIRED)), walked);
  }

  /** Verifies the rows no command above reaches: the release, and the two dead letters. */
  @Test
  void releaseAndDeadLetters() {
    Harness h = new Harness();
    String id = h.active(POLICY);
    h.ok(new Command.KillSwitch(ADMIN, INSTANCE, "stop", false));
    assertEquals(UowStatus.PAUSED, h.uow(id).status());
    h.ok(new Command.Release(ADMIN, INSTANCE, "go"));
    assertEquals(UowMove.RELEASE.to, h.uow(id).status());

    for (UowStatus parked : UowMove.REQUEST_EXPIRED.from) {
      Harness e = new Harness();
      String uow = REACH.get(parked).apply(e);
      e.now = e.now.plusSeconds(7 * 24 * 3600);
      e.ok(new Command.Expire(e.state.openRequestIds(uow).get(0)));
      assertEquals(UowMove.REQUEST_EXPIRED.to, e.uow(uow).status(), "expiry on " + parked);
    }
    // rejecting the clarification of an ambiguity lock
    assertEquals(UowMove.CLARIFICATION_REJECTED.to,
      h.uow(REACH.get(UowStatus.ZOMBIED_DEAD).apply(h)).status());
  }

  /** Verifies the 409 names the status and what the move needs, as SPEC and API.md show it. */
  @Test
  void refusalNamesTheStatusAndWhatIsNeeded() {
    Harness h = new Harness();
    String id = h.register(POLICY);
    assertEquals("uow " + id + " is PENDING; cancel needs PENDING_PILOT_APPROVAL, PAUSED, "
      + "ZOMBIED_SOFT or ZOMBIED_DEAD", rejected(h.run(new Command.Cancel(OPERATOR, id, "no")),
      409).message());
    assertEquals("uow " + id + " is PENDING; an interaction needs ACTIVE",
      rejected(h.run(new Command.Interaction(OPERATOR, id)), 409).message());
    assertEquals("uow " + id + " is PENDING; cannot advance to COMPLETED",
      rejected(advance(h, id, UowStatus.COMPLETED, Gate.Result.NONE), 409).message());
  }

  private static String advanced(Harness h, UowStatus target, Gate.Result gate) {
    String id = h.active(POLICY);
    accepted(advance(h, id, target, gate));
    return id;
  }

  private static String locked(Harness h) {
    String id = h.active(POLICY);
    h.ok(new Command.Interaction(OPERATOR, id));
    return id;
  }

  private static Decision advance(Harness h, String id, UowStatus target, Gate.Result gate) {
    return h.run(Submission.of(new Command.Advance(OPERATOR, id, target, Map.of())), gate);
  }

  /** The status an advance from here would ask for. */
  private static UowStatus next(Harness h, String id) {
    return h.uow(id).status() == UowStatus.PENDING ? UowStatus.ACTIVE : UowStatus.COMPLETED;
  }
}
