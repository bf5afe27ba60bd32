package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.BusJson;
import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.PlainJson;
import io.chameleon.bus.Role;
import io.chameleon.store.Command.Idempotency;
import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import io.chameleon.store.Decision.Rejected;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots against replays, for random command sequences: the decider runs them on a live state
 * the way the verticle does (with a fixed gate answer for advances), every decided event is logged
 * and applied, and a snapshot taken at a random point and restored, with the events after it
 * applied, must equal both a full replay of the log and the live state.
 */
class SnapshotPropertyTest {

  private static final int COMMANDS = 3000;
  private static final List<String> INSTANCES = List.of("11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333");
  private static final List<Actor> ACTORS = List.of(Harness.ADMIN, Harness.OPERATOR,
    Harness.OPERATOR_2, Harness.VIEWER);
  private static final List<Map<String, Object>> POLICIES = List.of(Map.of(),
    Map.of("max_interactions", 1), Map.of("max_interactions", 2),
    Map.of("guardians", List.of("limit"), "approval_guardians", List.of("big")),
    Map.of("guardians", List.of("limit", Map.of("type", "PASS_THRU"))),
    Map.of("approval_guardians", List.of("big"), "max_interactions", 3));

  /** Verifies that snapshot + tail equals a full replay and the live state, for several seeds. */
  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42, 2024, 31337})
  void snapshotPlusTailEqualsReplay(long seed) {
    Run run = new Run(seed);
    int snapshotAt = run.random.nextInt(COMMANDS);
    StoreState.Capture capture = null;
    int coveredEvents = 0;
    String dumpAtCapture = null;
    for (int i = 0; i < COMMANDS; i++) {
      if (i == snapshotAt) {
        capture = run.live.capture();
        coveredEvents = run.log.size();
        dumpAtCapture = run.live.dump();
      }
      run.step();
    }
    // serialised only now, after the live state moved on: the capture must not have
    StoreState restored = restore(StoreSnapshot.chunks(capture), run.random);
    assertSameDump(dumpAtCapture, restored.dump(), "restored at the snapshot, seed " + seed);
    run.log.subList(coveredEvents, run.log.size()).forEach(restored::apply);

    StoreState replayed = new StoreState();
    run.log.forEach(replayed::apply);
    String expected = replayed.dump();
    assertSameDump(expected, restored.dump(), "snapshot + tail, seed " + seed);
    assertSameDump(expected, run.live.dump(), "live, seed " + seed);
    // and once more from a snapshot of everything
    StoreState end = restore(StoreSnapshot.chunks(run.live.capture()), run.random);
    assertSameDump(expected, end.dump(), "snapshot at the end, seed " + seed);
    // the tail applied to requests whose detail is still the snapshot's bytes (nothing read them
    // yet), then a snapshot of that state (which copies those bytes) restored again
    StoreState lazy = restore(StoreSnapshot.chunks(capture), run.random);
    run.log.subList(coveredEvents, run.log.size()).forEach(lazy::apply);
    StoreState copied = restore(StoreSnapshot.chunks(lazy.capture()), run.random);
    assertSameDump(expected, copied.dump(), "tail on an undecoded restore, re-snapshotted, seed " + seed);
    assertSameDump(expected, lazy.dump(), "tail on an undecoded restore, seed " + seed);
    // a version-1 (JSON Lines) snapshot of the same capture still restores to the same state
    StoreState fromLines = StoreSnapshot.restore(StoreSnapshot.VERSION_LINES,
      StoreSnapshot.lineChunks(capture));
    run.log.subList(coveredEvents, run.log.size()).forEach(fromLines::apply);
    assertSameDump(expected, fromLines.dump(), "version-1 snapshot + tail, seed " + seed);

    Set<String> types = new HashSet<>();
    run.log.forEach(event -> types.add(event.eventType()));
    assertTrue(types.containsAll(StoreEvents.REPLAYED), "seed " + seed + " never produced "
      + StoreEvents.REPLAYED.stream().filter(type -> !types.contains(type)).toList());
    assertTrue(run.memoryOnly > 0, "seed " + seed + ": no idempotency record kept in memory only");
  }

  /** Equal dumps; else where they first differ, not the megabytes around it. */
  private static void assertSameDump(String expected, String actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    int at = 0;
    while (at < Math.min(expected.length(), actual.length())
      && expected.charAt(at) == actual.charAt(at)) {
      at++;
    }
    int from = Math.max(0, at - 300);
    assertEquals(expected.substring(from, Math.min(expected.length(), at + 300)),
      actual.substring(from, Math.min(actual.length(), at + 300)), what + ", at " + at);
  }

  /** Restores a body cut into random pieces, as a snapshot store may hand it over. */
  private static StoreState restore(Iterator<byte[]> chunks, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEachRemaining(out::writeBytes);
    byte[] body = out.toByteArray();
    StoreSnapshot.Restore restore = StoreSnapshot.restore();
    for (int at = 0; at < body.length; ) {
      int next = Math.min(body.length, at + 1 + random.nextInt(3000));
      restore.accept(Arrays.copyOfRange(body, at, next));
      at = next;
    }
    return restore.state();
  }

  /** A live state driven by random commands through the decider, and the log of its events. */
  private static final class Run {
    final Random random;
    final StoreState live = new StoreState();
    final List<LoggedEvent> log = new ArrayList<>();
    final Decider decider;
    final List<String> uowIds = new ArrayList<>();
    final List<String> requestIds = new ArrayList<>();
    Instant now = Instant.parse("2026-11-25T12:00:00.000Z");
    int created;
    int memoryOnly;

    Run(long seed) {
      random = new Random(seed);
      decider = new Decider(() -> "auto-" + (++created));
    }

    <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    boolean chance(int percent) {
      return random.nextInt(100) < percent;
    }

    void step() {
      // now and then an hour or two passes, so requests and idempotency records expire
      now = now.plusMillis(chance(2) ? 3_600_000 + random.nextInt(3_600_000)
        : random.nextInt(3000));
      Submission submission = submission();
      Decision decision;
      if (submission.command() instanceof Command.Advance) {
        Gate.Result gate = decider.plan(submission, live) instanceof Gate.Plan plan && plan.runs()
          ? gate(plan) : Gate.Result.NONE;
        decision = decider.decide(submission, live, now, gate);
      } else {
        decision = decider.decide(submission, live, now);
      }
      List<Draft> drafts = decision instanceof Accepted accepted ? accepted.events()
        : ((Rejected) decision).events();
      Idempotency idem = submission.idempotency();
      if (idem != null && decision instanceof Accepted accepted && drafts.isEmpty()
        && live.idempotency(idem.scope(), now) == null) {
        live.rememberWithoutEvent(new IdempotencyRecord(idem.scope(), idem.fingerprint(),
          accepted.status(), PlainJson.copy(accepted.data()), now));
        memoryOnly++;
      }
      for (Draft draft : drafts) {
        LoggedEvent event = new LoggedEvent(now.toEpochMilli() + "-" + log.size(),
          Canonical.timestamp(now), draft.eventType(), throughJson(draft.payload()));
        log.add(event);
        live.apply(event);
        if (event.payload().get("request_id") instanceof String id && !requestIds.contains(id)) {
          requestIds.add(id);
        }
      }
    }

    /** The payload as the log hands it back: encoded and decoded by Vert.x's JSON codec. */
    static Map<String, Object> throughJson(Map<String, Object> payload) {
      return BusJson.toPlainObjectOrEmpty(new JsonObject(BusJson.toJsonObject(payload).encode()));
    }

    Submission submission() {
      Command command = command(pick(ACTORS));
      Long ifMatch = null;
      if (chance(10)) {
        ifMatch = chance(70) ? version(command) : 99L;
      }
      Idempotency idem = null;
      if (chance(20) || command instanceof Command.KillSwitch k && k.dryRun()) {
        String target = command.getClass().getSimpleName() + target(command);
        idem = new Idempotency(pilot(command) + "\nPOST\n/x\nk" + random.nextInt(15),
          chance(80) ? "fp-" + target : "other-" + random.nextInt(3));
      }
      return new Submission(command, ifMatch, idem);
    }

    Command command(Actor actor) {
      int roll = random.nextInt(100);
      if (roll < 14 || uowIds.isEmpty()) {
        return register(actor);
      } else if (roll < 24) {
        return new Command.Interaction(actor, uowIn(UowStatus.ACTIVE));
      } else if (roll < 40) {
        UowStatus from = chance(40) ? UowStatus.PENDING : UowStatus.ACTIVE;
        UowStatus target = from == UowStatus.PENDING ? UowStatus.ACTIVE
          : chance(75) ? UowStatus.COMPLETED : UowStatus.FAILED;
        return new Command.Advance(actor, uowIn(from), target, attributes());
      } else if (roll < 43) {
        return new Command.KillSwitch(actor, pick(INSTANCES), "stop", chance(20));
      } else if (roll < 46) {
        return new Command.Release(actor, pick(INSTANCES), "go on");
      } else if (roll < 50) {
        return new Command.Clarify(actor, uowIn(UowStatus.ZOMBIED_SOFT), "use table " + roll);
      } else if (roll < 54) {
        String uowId = uowIn(UowStatus.PAUSED);
        Uow uow = live.uow(uowId);
        String rule = uow != null && uow.pause() != null && uow.pause().get("rule_id") != null
          && chance(80) ? (String) uow.pause().get("rule_id") : "limit";
        return new Command.Waive(actor, uowId, rule, "accepted risk");
      } else if (roll < 58) {
        return new Command.Resume(actor, uowIn(UowStatus.PENDING_PILOT_APPROVAL), "fine");
      } else if (roll < 61) {
        return new Command.Cancel(actor, uowIn(pick(UowMove.CANCEL.from)), "stop");
      } else if (roll < 72) {
        return createRequest(actor);
      } else if (roll < 80) {
        return new Command.Claim(actor, openRequest());
      } else if (roll < 92) {
        return new Command.DecideRequest(actor, openRequest(), chance(60), "decided " + roll);
      } else {
        List<String> due = live.expiredAt(now, 50);
        return new Command.Expire(!due.isEmpty() && chance(80) ? pick(due) : anyRequest());
      }
    }

    Command register(Actor actor) {
      String uowId;
      String fingerprint;
      if (!uowIds.isEmpty() && chance(5)) {
        uowId = pick(uowIds);
        fingerprint = chance(50) ? "fp-" + uowId : "other";
      } else {
        uowId = String.format("00000000-0000-4000-8000-%012d", uowIds.size() + 1);
        uowIds.add(uowId);
        fingerprint = "fp-" + uowId;
      }
      String parent = null;
      String instance = pick(INSTANCES);
      if (uowIds.size() > 1 && chance(30)) {
        parent = pick(uowIds);
        Uow parentUow = live.uow(parent);
        if (parentUow != null && chance(90)) {
          instance = parentUow.instanceId();
        }
      }
      return new Command.Register(actor, uowId, instance, parent, attributes(), pick(POLICIES),
        fingerprint);
    }

    Map<String, Object> attributes() {
      if (chance(30)) {
        return Map.of();
      }
      return obj("amount", random.nextInt(1000), "ratio", random.nextInt(100) / 8.0,
        "big", BigInteger.valueOf(random.nextLong()).shiftLeft(20), "tag", "t" + random.nextInt(5),
        "nested", List.of(obj("n", random.nextInt(3), "flag", chance(50), "none", null)));
    }

    Command createRequest(Actor actor) {
      String requestId;
      String fingerprint;
      if (!requestIds.isEmpty() && chance(5)) {
        requestId = pick(requestIds);
        fingerprint = chance(50) ? "fp-" + requestId : "other";
      } else {
        requestId = "r-" + requestIds.size();
        requestIds.add(requestId);
        fingerprint = "fp-" + requestId;
      }
      String uowId = chance(85) && !uowIds.isEmpty() ? pick(uowIds) : "unregistered-" + requestId;
      Map<String, Object> context = chance(50) ? obj("rule_id", "limit", "score", 0.5)
        : obj("note", "n" + random.nextInt(9));
      return new Command.CreateRequest(actor, requestId, uowId, pick(Commands.TYPES),
        "title " + requestId, "", pick(StoreState.PRIORITIES), context,
        chance(70) ? Role.OPERATOR : Role.ADMIN, 30 + random.nextInt(7200), fingerprint);
    }

    /** A UOW in {@code status} most of the time, else any UOW or an unknown id. */
    String uowIn(UowStatus status) {
      List<Uow> candidates = live.uows(null, status, 500, 0).items();
      if (!candidates.isEmpty() && chance(85)) {
        return pick(candidates).uowId();
      }
      return chance(95) ? pick(uowIds) : "99999999-0000-4000-8000-000000000000";
    }

    String openRequest() {
      List<InterventionRequest> open = live.pending(null, 500, 0).items();
      return !open.isEmpty() && chance(85) ? pick(open).requestId() : anyRequest();
    }

    String anyRequest() {
      return requestIds.isEmpty() || chance(3) ? "no-such-request" : pick(requestIds);
    }

    Gate.Result gate(Gate.Plan plan) {
      int roll = random.nextInt(4);
      if (roll == 0) {
        return Gate.Result.NONE;
      } else if (roll == 1) {
        return new Gate.Result(verdict(plan.blocking(), true), verdict(plan.approval(), true));
      } else if (roll == 2) {
        return new Gate.Result(verdict(plan.blocking(), false), null);
      }
      return new Gate.Result(verdict(plan.blocking(), true), verdict(plan.approval(), false));
    }

    /** One decision per rule of the stage; when not allowed, the first rule fails. */
    Gate.Verdict verdict(Gate.Stage stage, boolean allowed) {
      List<Map<String, Object>> decisions = new ArrayList<>();
      List<String> rules = stage.ruleIds().isEmpty() ? List.of(stage.rulePrefix() + "[0]")
        : stage.ruleIds();
      for (int i = 0; i < rules.size(); i++) {
        boolean passes = allowed || i > 0;
        decisions.add(obj("allowed", passes, "reason", passes ? "ok" : "too much",
          "guardian_type", "CRITERIA_GATE", "name", rules.get(i),
          "metadata", obj("score", random.nextInt(100) / 4.0, "limit", 1L << 40)));
      }
      return new Gate.Verdict(allowed, decisions);
    }

    Long version(Command command) {
      String target = target(command);
      Uow uow = live.uow(target);
      if (uow != null) {
        return uow.version();
      }
      InterventionRequest request = live.request(target);
      return request == null ? 1L : request.version();
    }

    static String pilot(Command command) {
      return command.actor() == null ? "sweeper" : command.actor().pilotId();
    }

    static String target(Command command) {
      if (command instanceof Command.Register c) {
        return c.uowId();
      } else if (command instanceof Command.Interaction c) {
        return c.uowId();
      } else if (command instanceof Command.Advance c) {
        return c.uowId();
      } else if (command instanceof Command.KillSwitch c) {
        return c.instanceId();
      } else if (command instanceof Command.Release c) {
        return c.instanceId();
      } else if (command instanceof Command.Clarify c) {
        return c.uowId();
      } else if (command instanceof Command.Waive c) {
        return c.uowId();
      } else if (command instanceof Command.Resume c) {
        return c.uowId();
      } else if (command instanceof Command.Cancel c) {
        return c.uowId();
      } else if (command instanceof Command.CreateRequest c) {
        return c.requestId();
      } else if (command instanceof Command.Claim c) {
        return c.requestId();
      } else if (command instanceof Command.DecideRequest c) {
        return c.requestId();
      }
      return ((Command.Expire) command).requestId();
    }
  }
}
