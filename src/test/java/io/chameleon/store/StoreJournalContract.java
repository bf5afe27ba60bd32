package io.chameleon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.Role;
import io.chameleon.bus.Tip;
import io.chameleon.snapshot.SnapshotStore;
import io.chameleon.snapshot.Snapshotter;
import io.chameleon.store.Command.Submission;
import io.chameleon.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StoreJournal} contract, run on each event log backend (a real broadcaster over a file
 * or a Redis stream, real snapshot stores): commits applied in log order, a second writer's events
 * caught up with instead of decided over, plain appends between commits no conflict, a late
 * commit writes nothing, a load is the newest snapshot plus the tail, a standby follows.
 */
abstract class StoreJournalContract {

  static final Actor OPERATOR = new Actor("op-1", Role.OPERATOR);
  static final String INSTANCE = "11111111-1111-4111-8111-111111111111";

  Vertx vertx;
  Context context;
  BusClient bus;
  final Decider decider = new Decider();

  /** The broadcaster's configuration: the backend under test, empty. */
  protected abstract JsonObject logConfig();

  /** A snapshot store on the backend under test, empty at first, the same one on every call of a test. */
  protected abstract SnapshotStore snapshots(Vertx vertx);

  @BeforeEach
  void deployLog() {
    vertx = Vertx.vertx();
    TestNode.await(vertx.deployVerticle(new BroadcasterVerticle(), new DeploymentOptions().setConfig(logConfig())));
    context = vertx.getOrCreateContext();
    bus = new BusClient(vertx, 2000);
  }

  @AfterEach
  void closeVertx() {
    TestNode.await(vertx.close());
  }

  /** Runs {@code action} on the journals' context and waits for its result. */
  <T> T on(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return TestNode.await(done.future());
  }

  LogJournal journal(long everyEvents) {
    SnapshotStore store = everyEvents == 0 ? null : snapshots(vertx);
    Snapshotter<StoreState> snapshotter = store == null ? Snapshotter.off(StoreSnapshot.PART, new StoreSnapshotCodec(vertx))
      : new Snapshotter<>(store, StoreSnapshot.PART, new StoreSnapshotCodec(vertx), everyEvents, Clock.systemUTC());
    return new LogJournal(vertx, bus, 2000, snapshotter);
  }

  /** The events a register of a new UOW decides, on {@code journal}'s state. */
  List<Draft> register(LogJournal journal, StoreState state) {
    Decision decision = decider.decide(Submission.of(new Command.Register(OPERATOR, UUID.randomUUID().toString(),
      INSTANCE, null, Map.of("amount", 10), Map.of(), "fp")), state, Instant.now());
    return ((Decision.Accepted) decision).events();
  }

  Future<List<LoggedEvent>> commit(LogJournal journal, StoreState state) {
    return journal.commit(register(journal, state), System.nanoTime() + 2_000_000_000L);
  }

  JsonObject logStatus() {
    return TestNode.await(bus.request(Addresses.EVENTS_STATUS, new JsonObject()));
  }

  /** Verifies that concurrent commits are each answered with their own events, applied in log order, the tip the log's. */
  @Test
  void commitsAreAppliedInLogOrder() {
    LogJournal journal = journal(0);
    StoreState state = on(journal::load);
    List<List<LoggedEvent>> answered = on(() -> {
      List<Future<List<LoggedEvent>>> commits = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        commits.add(commit(journal, state));
      }
      return Future.all(commits).map(all -> commits.stream().map(Future::result).toList());
    });
    assertEquals(60, state.uowCount());
    List<String> ids = answered.stream().flatMap(List::stream).map(LoggedEvent::id).toList();
    assertEquals(ids.stream().sorted((a, b) -> EventId.parse(a)
      .compareTo(EventId.parse(b))).toList(), ids, "each commit's events, in commit order");
    JsonObject status = logStatus();
    assertEquals(new Tip(status.getString("last_id"), status.getString("last_hash")), journal.tip());
  }

  /**
   * Verifies that a commit decided without another writer's events writes nothing: the journal
   * reads them, fails the commit with 503, and the next commit (decided on the state as it now is) lands.
   */
  @Test
  void aSecondWriterIsCaughtUpWithNotOverwritten() {
    LogJournal first = journal(0);
    LogJournal second = journal(0);
    StoreState one = on(first::load);
    StoreState two = on(second::load);
    on(() -> commit(second, two));
    Failure stale = assertThrows(Failure.class, () -> on(() -> commit(first, one)));
    assertEquals(503, stale.status(), stale.getMessage());
    assertEquals(1, one.uowCount(), "the other writer's UOW, read from the log");
    assertEquals(second.tip(), first.tip());
    on(() -> commit(first, one));
    assertEquals(2, one.uowCount());
    assertEquals(logStatus().getString("last_id"), first.tip().id());
  }

  /** Verifies that plain appends (registry changes, denials) between two commits are not a conflict. */
  @Test
  void plainAppendsBetweenCommitsAreNoConflict() {
    LogJournal journal = journal(0);
    StoreState state = on(journal::load);
    on(() -> commit(journal, state));
    TestNode.await(bus.request(Addresses.EVENTS_APPEND, new JsonObject().put("events", new JsonArray()
      .add(new JsonObject().put("event_type", "guardian_registered").put("payload", new JsonObject().put("name", "g"))))));
    on(() -> commit(journal, state));
    assertEquals(2, state.uowCount());
  }

  /** Verifies that a commit that could not start by its deadline writes nothing. */
  @Test
  void aLateCommitWritesNothing() {
    LogJournal journal = journal(0);
    StoreState state = on(journal::load);
    String before = logStatus().getString("last_id");
    Failure late = assertThrows(Failure.class,
      () -> on(() -> journal.commit(register(journal, state), System.nanoTime() - 1)));
    assertEquals(503, late.status());
    assertEquals(before, logStatus().getString("last_id"));
    assertEquals(0, state.uowCount());
  }

  /** Verifies that a load restores the newest snapshot and replays the tail into the state a full replay gives. */
  @Test
  void aLoadIsTheNewestSnapshotAndTheTail() {
    LogJournal writer = journal(20);
    StoreState written = on(writer::load);
    for (int i = 0; i < 55; i++) {
      on(() -> commit(writer, written));
    }
    LogJournal restarted = journal(20);
    StoreState loaded = on(restarted::load);
    assertNotNull(restarted.restoredFrom(), "a snapshot was written and used");
    assertTrue(!restarted.restoredFrom().equals(writer.tip().id()), "with a tail to replay");
    assertEquals(written.dump(), loaded.dump());
    LogJournal replayed = journal(0);
    assertEquals(written.dump(), on(replayed::load).dump(), "the same as a full replay");
  }

  /** Verifies that a standby applies the writer's published events, in order, and ends in the writer's state. */
  @Test
  void aStandbyFollowsTheWriter() {
    LogJournal writer = journal(0);
    LogJournal standby = journal(0);
    StoreState written = on(writer::load);
    StoreState followed = on(standby::load);
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    on(() -> {
      standby.becomeStandby();
      return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_APPENDED, m -> {
        published.add(m.body());
        standby.published(m.body());
      }).completion();
    });
    for (int i = 0; i < 10; i++) {
      on(() -> commit(writer, written));
    }
    org.awaitility.Awaitility.await().until(() -> on(() -> Future.succeededFuture(standby.tip())).equals(writer.tip()));
    assertEquals(written.dump(), on(() -> Future.succeededFuture(followed.dump())));
    assertTrue(standby.following());
  }
}
