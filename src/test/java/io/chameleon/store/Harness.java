package io.chameleon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.PlainJson;
import io.chameleon.bus.Role;
import io.chameleon.store.Command.Submission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Drives the core like the verticle does, with a fake log that numbers events in order. */
final class Harness {

  static final Actor ADMIN = new Actor("admin-1", Role.ADMIN);
  static final Actor OPERATOR = new Actor("op-1", Role.OPERATOR);
  static final Actor OPERATOR_2 = new Actor("op-2", Role.OPERATOR);
  static final Actor VIEWER = new Actor("viewer-1", Role.VIEWER);
  static final String INSTANCE = "11111111-1111-4111-8111-111111111111";

  final StoreState state = new StoreState();
  final List<LoggedEvent> log = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger uowIds = new AtomicInteger();
  final Decider decider = new Decider(() -> "req-" + ids.incrementAndGet());
  Instant now = Instant.parse("2026-11-25T12:00:00.000Z");

  Decision run(Command command) {
    return run(Submission.of(command), Gate.Result.NONE);
  }

  Decision run(Submission submission, Gate.Result gate) {
    Decision decision = decider.decide(submission, state, now, gate);
    if (decision instanceof Decision.Accepted accepted) {
      for (Draft draft : accepted.events()) {
        LoggedEvent event = new LoggedEvent(now.toEpochMilli() + "-" + log.size(),
          Canonical.timestamp(now), draft.eventType(), PlainJson.copy(draft.payload()));
        log.add(event);
        state.apply(event);
      }
    }
    return decision;
  }

  Decision.Accepted ok(Command command) {
    return accepted(run(command));
  }

  static Decision.Accepted accepted(Decision decision) {
    if (decision instanceof Decision.Rejected r) {
      throw new AssertionError("rejected " + r.status() + ": " + r.message());
    }
    return (Decision.Accepted) decision;
  }

  static Decision.Rejected rejected(Decision decision, int status) {
    Decision.Rejected rejected = assertInstanceOf(Decision.Rejected.class, decision);
    assertEquals(status, rejected.status(), rejected.message());
    return rejected;
  }

  static List<String> types(Decision decision) {
    return accepted(decision).events().stream().map(Draft::eventType).toList();
  }

  String newUowId() {
    return String.format("00000000-0000-4000-8000-%012d", uowIds.incrementAndGet());
  }

  String register(Map<String, Object> policy) {
    return register(policy, null);
  }

  String register(Map<String, Object> policy, String parent) {
    String id = newUowId();
    ok(new Command.Register(OPERATOR, id, INSTANCE, parent, Map.of("amount", 10), policy,
      "fp-" + id));
    return id;
  }

  /** Registers a UOW and advances it to ACTIVE (no guardians). */
  String active(Map<String, Object> policy) {
    String id = register(policy);
    ok(new Command.Advance(OPERATOR, id, UowStatus.ACTIVE, Map.of()));
    return id;
  }

  Uow uow(String id) {
    return state.uow(id);
  }

  InterventionRequest request(String id) {
    return state.request(id);
  }

  static Gate.Result blockingFails(String rule) {
    return new Gate.Result(new Gate.Verdict(false, List.of(Canonical.obj("allowed", false,
      "reason", "no", "guardian_type", "CRITERIA_GATE", "name", rule, "metadata", Map.of()))),
      null);
  }

  static Gate.Result approvalFails(String rule) {
    return new Gate.Result(new Gate.Verdict(true, List.of(Canonical.obj("allowed", true,
      "reason", "ok", "guardian_type", "PASS_THRU", "name", "guardians[0]", "metadata",
      Map.of()))), new Gate.Verdict(false, List.of(Canonical.obj("allowed", false,
      "reason", "needs a human", "guardian_type", "CRITERIA_GATE", "name", rule,
      "metadata", Map.of()))));
  }
}
