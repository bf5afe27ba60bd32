package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.BusJson;
import io.chameleon.bus.Failure;
import io.chameleon.bus.HandOff;
import io.chameleon.bus.Operation;
import io.chameleon.bus.PlainJson;
import io.chameleon.snapshot.SnapshotStores;
import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import io.chameleon.store.Decision.Rejected;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store actor: UOWs, pilot actions and intervention requests (SPEC §3, §5). A write takes the
 * lock keys of what it touches, decides with the {@link Decider} (an advance first asks the
 * guardian evaluator, inside the lock) and commits the decided events through its
 * {@link StoreJournal}, which appends them (fenced on the state's tip) and applies them to the
 * {@link StoreState} once the log has them; then it replies. On start the journal rebuilds the
 * state (the newest snapshot, then the events after it); until it has, every request is a 503, and
 * while the log is unavailable the store keeps trying, so a node starts before its Redis does.
 * One instance per node.
 *
 * <p>Deadlines: a caller waits {@code bus.timeout_ms} for the answer, so every write must be
 * answered, or certainly have changed nothing, before that. A write gets four fifths of it from
 * its arrival to start its append (waiting for its keys, asking the guardians): past that it
 * fails with 503 and nothing changed, and the event log refuses an append it could not start in
 * time. Once the append has started, its outcome is awaited one more bus timeout, keys held; a
 * write whose outcome stays unknown is found by the journal when it next reads the log, so the
 * state follows the log either way (see {@link LogJournal}).
 *
 * <p>Config: {@code bus.timeout_ms} (default 5000), {@code store.sweep_ms} (default 1000), how
 * often requests past {@code expires_at} are expired.
 */
public final class StoreVerticle extends VerticleBase {

  static final int MAX_EXPIRE_PER_SWEEP = 200;
  /** Longest pause between two attempts to load the state while the log is unavailable. */
  static final long MAX_LOAD_BACKOFF_MS = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  private final Clock clock;
  private final Decider decider;
  private StoreState state = new StoreState();
  private StoreJournal journal;
  private final KeyedLocks locks = new KeyedLocks();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> expiring = new HashSet<>();
  private BusClient bus;
  private DeliveryOptions handOff;
  private long budgetNanos;
  private long sweepMs;
  private long sweeper = -1;
  private final List<MessageConsumer<JsonObject>> writerConsumers = new ArrayList<>();
  /** The epoch of the writer lease this node holds (null: it does not), as last announced. */
  private Long wantedEpoch;
  private long roleChanges;
  private boolean sweepingBacklog;
  private boolean loaded;
  /** Why the state is not loaded yet (the log unavailable, …), while it is not. */
  private String loading = "loading the state from the event log";

  /** A success: {@code {status, data}}. */
  record Reply(int status, Map<String, Object> data) {
    JsonObject toJson() {
      return new JsonObject().put("status", status).put("data", BusJson.toJson(data));
    }
  }

  public StoreVerticle() {
    this(Clock.systemUTC());
  }

  /** With the clock every command reads {@code now} from, once. */
  public StoreVerticle(Clock clock) {
    this.clock = clock;
    this.decider = new Decider();
  }

  @Override
  public Future<?> start() {
    long timeoutMs = config().getJsonObject("bus", new JsonObject()).getLong("timeout_ms", 5000L);
    bus = new BusClient(vertx, timeoutMs);
    handOff = HandOff.options(vertx);
    budgetNanos = (timeoutMs - Math.max(100, timeoutMs / 5)) * 1_000_000L;
    sweepMs = config().getJsonObject("store", new JsonObject()).getLong("sweep_ms", 1000L);
    journal = new LogJournal(vertx, bus, timeoutMs,
      SnapshotStores.snapshotter(vertx, config(), StoreSnapshot.PART, new StoreSnapshotCodec(vertx)));
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null && clustered()) {
      Gauge.builder("chameleon.store.follower.lag", journal, StoreJournal::followerLagMs).baseUnit("milliseconds")
        .description("How far behind the writer this standby store applied its last event (0 on the writer)")
        .register(registry);
    }
    if (!config().getJsonObject("cluster", new JsonObject()).getBoolean("enabled", false)) {
      // a single node is its own writer, from the start
      return registerWriterConsumers().compose(registered -> load(100)).onSuccess(ready -> startSweeper());
    }
    // a clustered node is a hot standby until the writer lease says otherwise
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_APPENDED, m -> journal.published(m.body())).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_WRITER, m -> onRole(m.body())).completion())
      .compose(subscribed -> load(100));
  }

  /** The addresses only the writer serves: every store command and read, and its status. */
  private Future<Void> registerWriterConsumers() {
    return Future.all(List.of(
        write(Operation.UOWS_REGISTER, Commands::register),
        read(Operation.UOWS_GET, this::getUow),
        read(Operation.UOWS_LIST, this::listUows),
        write(Operation.UOWS_INTERACTION, Commands::interaction),
        write(Operation.UOWS_ADVANCE, Commands::advance),
        write(Operation.PILOT_KILL_SWITCH, Commands::killSwitch),
        write(Operation.PILOT_KILL_SWITCH_RELEASE, Commands::release),
        write(Operation.PILOT_CLARIFICATION, Commands::clarification),
        write(Operation.PILOT_WAIVE, Commands::waive),
        write(Operation.PILOT_RESUME, Commands::resume),
        write(Operation.PILOT_CANCEL, Commands::cancel),
        read(Operation.INSTANCES_HALTED, this::halted),
        write(Operation.INTERVENTIONS_CREATE, Commands::createRequest),
        read(Operation.INTERVENTIONS_GET, this::getRequest),
        read(Operation.INTERVENTIONS_PENDING, this::pending),
        read(Operation.INTERVENTIONS_METRICS, e -> state.metrics().toView()),
        write(Operation.INTERVENTIONS_CLAIM, Commands::claim),
        write(Operation.INTERVENTIONS_APPROVE, Commands::approve),
        write(Operation.INTERVENTIONS_REJECT, Commands::reject),
        consume(Addresses.STORE_STATUS, this::status))).mapEmpty();
  }

  private Future<Void> unregisterWriterConsumers() {
    List<Future<Void>> gone = new ArrayList<>();
    writerConsumers.forEach(consumer -> gone.add(consumer.unregister()));
    writerConsumers.clear();
    return Future.join(gone).mapEmpty();
  }

  private void startSweeper() {
    sweeper = vertx.setPeriodic(sweepMs, tick -> sweep());
  }

  private void stopSweeper() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  // ---- a clustered node's role

  /** The writer lease changed hands: {@code {writer, epoch}} from this node's lease verticle. */
  private void onRole(JsonObject role) {
    roleChanges++;
    wantedEpoch = role.getBoolean("writer", false) ? role.getLong("epoch") : null;
    if (loaded) {
      applyRole(roleChanges);
    }
  }

  private void applyRole(long change) {
    if (wantedEpoch == null) {
      if (!writerConsumers.isEmpty() || !journal.following()) {
        stopSweeper();
        unregisterWriterConsumers();
        journal.becomeStandby();
        LOG.info("[tip: {}] this node's store is a standby", journal.tip().id());
      }
      return;
    }
    long epoch = wantedEpoch;
    // take-over order: the epoch is ours already; read the log to its end, then take writes
    journal.becomeWriter(epoch)
      .compose(caughtUp -> change == roleChanges ? registerWriterConsumers() : Future.succeededFuture())
      .onSuccess(ready -> {
        if (change == roleChanges) {
          startSweeper();
          LOG.info("[epoch: {}, tip: {}, uows: {}, requests: {}] this node's store is the writer", epoch,
            journal.tip().id(), state.uowCount(), state.requestCount());
        }
      })
      .onFailure(err -> {
        LOG.warn("[epoch: {}] cannot take writes yet: {}", epoch, err.getMessage());
        if (change == roleChanges) {
          vertx.setTimer(500, t -> {
            if (change == roleChanges) {
              applyRole(change);
            }
          });
        }
      });
  }

  /**
   * Loads the state through the journal. While the log is unavailable (503) the start goes on and
   * the load is tried again, backing off up to {@link #MAX_LOAD_BACKOFF_MS}; any other failure (a
   * log that cannot be rebuilt from) fails the start.
   */
  private Future<Void> load(long backoffMs) {
    return journal.load().transform(done -> {
      if (done.succeeded()) {
        state = done.result();
        loaded = true;
        loading = null;
        LOG.info("[uows: {}, requests: {}, tip: {}] store ready", state.uowCount(),
          state.requestCount(), journal.tip().id());
        if (clustered()) {
          journal.becomeStandby();
          applyRole(roleChanges);
        }
        return Future.succeededFuture();
      }
      if (done.cause() instanceof Failure failure && failure.status() == 503) {
        if (!failure.getMessage().equals(loading)) {
          LOG.warn("[retry_ms: {}] store not loaded, the event log is unavailable: {}", backoffMs,
            failure.getMessage());
        }
        loading = failure.getMessage();
        vertx.setTimer(backoffMs, t -> load(Math.min(backoffMs * 2, MAX_LOAD_BACKOFF_MS)));
        return Future.succeededFuture();
      }
      return Future.failedFuture(new IllegalStateException(
        "cannot rebuild the store from the event log: " + done.cause().getMessage(), done.cause()));
    });
  }

  @Override
  public Future<?> stop() {
    stopSweeper();
    return journal.close();
  }

  private boolean clustered() {
    return config().getJsonObject("cluster", new JsonObject()).getBoolean("enabled", false);
  }

  private Failure notLoaded() {
    return Failure.unavailable("store unavailable: " + loading);
  }

  private Future<Void> consume(String address, Handler<Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, handler);
    writerConsumers.add(consumer);
    return consumer.completion();
  }

  /** A command of the operation table, behind its role check. */
  private Future<Void> write(Operation operation, Function<StoreRequest, Submission> parser) {
    return consume(operation.busAddress, message -> {
      if (!loaded) {
        BusClient.fail(message, notLoaded());
        return;
      }
      Submission submission;
      try {
        submission = parser.apply(StoreRequest.read(BusJson.toPlainObjectOrEmpty(message.body()), operation));
      } catch (RuntimeException e) {
        BusClient.fail(message, toFailure(e));
        return;
      }
      submit(submission).onComplete(done -> {
        if (done.succeeded()) {
          // the reply is built for this message (the state's maps converted), so it is handed over
          message.reply(done.result().toJson(), handOff);
        } else {
          BusClient.fail(message, toFailure(done.cause()));
        }
      });
    });
  }

  /** A query of the operation table, behind its role check. */
  private Future<Void> read(Operation operation, Function<StoreRequest, Map<String, Object>> query) {
    return consume(operation.busAddress, message -> {
      if (!loaded) {
        BusClient.fail(message, notLoaded());
        return;
      }
      try {
        Map<String, Object> data = query.apply(
          StoreRequest.read(BusJson.toPlainObjectOrEmpty(message.body()), operation));
        message.reply(new Reply(200, data).toJson(), handOff);
      } catch (RuntimeException e) {
        BusClient.fail(message, toFailure(e));
      }
    });
  }

  // ---- writes

  /** Queues a command behind the holders of its keys; a duplicate idempotency key in flight → 409. */
  Future<Reply> submit(Submission submission) {
    long deadline = System.nanoTime() + budgetNanos;
    String scope = submission.idempotency() == null ? null : submission.idempotency().scope();
    if (scope != null && !inFlight.add(scope)) {
      return Future.failedFuture(Failure.conflict(
        "a request with this idempotency key is still in progress"));
    }
    Future<Reply> reply = locks.runHolding(() -> LockKeys.of(submission.command(), state),
      () -> execute(submission, deadline));
    return scope == null ? reply : reply.andThen(done -> inFlight.remove(scope));
  }

  /** Milliseconds left before {@code deadline}; 0 or less when it has passed. */
  private static long remainingMs(long deadline) {
    return (deadline - System.nanoTime()) / 1_000_000L;
  }

  private Future<Reply> execute(Submission submission, long deadline) {
    if (remainingMs(deadline) <= 0) {
      return Future.failedFuture(LogJournal.tooLate());
    }
    Instant now = clock.instant();
    boolean replayedReply = submission.idempotency() != null
      && state.idempotency(submission.idempotency().scope(), now) != null;
    if (!(submission.command() instanceof Command.Advance) || replayedReply) {
      return commit(submission, now, decider.decide(submission, state, now), deadline);
    }
    Object plan = decider.plan(submission, state);
    if (plan instanceof Rejected rejected) {
      return commit(rejected, deadline);
    }
    return gate((Gate.Plan) plan, submission.command().actor(), deadline)
      .compose(result -> commit(submission, now, decider.decide(submission, state, now, result), deadline));
  }

  /** Commits; a keyed success without events gets its idempotency record kept in memory. */
  private Future<Reply> commit(Submission submission, Instant now, Decision decision, long deadline) {
    Command.Idempotency idem = submission.idempotency();
    if (idem != null && decision instanceof Accepted accepted && accepted.events().isEmpty()
      && state.idempotency(idem.scope(), now) == null) {
      state.rememberWithoutEvent(new IdempotencyRecord(idem.scope(), idem.fingerprint(),
        accepted.status(), PlainJson.copy(accepted.data()), now));
    }
    return commit(decision, deadline);
  }

  /**
   * Evaluates the blocking guardians, then (when they allow) the approval guardians, in the name
   * of the pilot who advances (the evaluator checks {@code guardian.evaluate}'s role like any
   * caller's).
   */
  private Future<Gate.Result> gate(Gate.Plan plan, Operation.Actor actor, long deadline) {
    if (!plan.runs()) {
      return Future.succeededFuture(Gate.Result.NONE);
    }
    JsonObject caller = new JsonObject().put("pilot_id", actor.pilotId()).put("role", actor.role().name());
    return evaluate(plan.blocking(), plan.flatView(), caller, deadline).compose(blocking -> {
      if (!blocking.allowed()) {
        return Future.succeededFuture(new Gate.Result(blocking, null));
      }
      return evaluate(plan.approval(), plan.flatView(), caller, deadline)
        .map(approval -> new Gate.Result(blocking, approval));
    });
  }

  private Future<Gate.Verdict> evaluate(Gate.Stage stage, Map<String, Object> flatView, JsonObject actor,
                                        long deadline) {
    if (stage.empty()) {
      return Future.succeededFuture(Gate.Verdict.pass());
    }
    JsonObject request = new JsonObject()
      .put("actor", actor)
      .put("guardians", BusJson.toJson(stage.guardians()))
      .put("operator", stage.operator())
      .put("uow", BusJson.toJsonObject(flatView))
      .put("rule_prefix", stage.rulePrefix())
      // a policy frozen at registration may name a guardian removed since: it denies, parking
      // the UOW for a pilot, instead of refusing every advance
      .put("lenient", true);
    if (remainingMs(deadline) <= 0) {
      return Future.failedFuture(LogJournal.tooLate());
    }
    return bus.request(Addresses.GUARDIAN_EVALUATE, request, remainingMs(deadline)).map(reply -> {
      List<Map<String, Object>> decisions = new ArrayList<>();
      JsonArray answered = reply.getJsonArray("decisions", new JsonArray());
      for (int i = 0; i < answered.size(); i++) {
        Map<String, Object> decision = BusJson.toPlainObjectOrEmpty(answered.getJsonObject(i));
        if (i < stage.ruleIds().size()) {
          decision.put("name", stage.ruleIds().get(i));
        }
        decisions.add(decision);
      }
      return new Gate.Verdict(reply.getBoolean("allowed", false), decisions);
    });
  }

  private Future<Reply> commit(Decision decision, long deadline) {
    if (decision instanceof Rejected rejected) {
      Failure failure = new Failure(rejected.status(), rejected.message());
      if (rejected.events().isEmpty()) {
        return Future.failedFuture(failure);
      }
      return journal.commit(rejected.events(), deadline)
        .onFailure(err -> LOG.warn("[status: {}] refusal not recorded: {}", rejected.status(),
          err.getMessage()))
        .transform(recorded -> Future.failedFuture(failure));
    }
    Accepted accepted = (Accepted) decision;
    if (accepted.events().isEmpty()) {
      return Future.succeededFuture(new Reply(accepted.status(), accepted.data()));
    }
    return journal.commit(accepted.events(), deadline)
      .map(applied -> new Reply(accepted.status(), accepted.data()));
  }

  /**
   * Expires requests past {@code expires_at}, through the same queue as every command, a batch at
   * a time. A full batch means more may be due: the next one follows as soon as it is through (not
   * a tick later), as long as the batch expired something, so any backlog clears at the speed of
   * the log.
   */
  private void sweep() {
    if (sweepingBacklog || !loaded) {
      return;
    }
    Instant now = clock.instant();
    state.forgetExpiredIdempotency(now);
    List<String> due = state.expiredAt(now, MAX_EXPIRE_PER_SWEEP);
    List<Future<Reply>> expired = new ArrayList<>();
    for (String requestId : due) {
      if (expiring.add(requestId)) {
        expired.add(submit(Submission.of(new Command.Expire(requestId)))
          .onSuccess(done -> LOG.info("[request: {}] expired", requestId))
          .onFailure(err -> LOG.debug("[request: {}] not expired: {}", requestId,
            err.getMessage()))
          .onComplete(done -> expiring.remove(requestId)));
      }
    }
    if (due.size() < MAX_EXPIRE_PER_SWEEP) {
      return;
    }
    sweepingBacklog = true;
    Future.join(expired).onComplete(batch -> {
      sweepingBacklog = false;
      if (expired.stream().anyMatch(Future::succeeded)) {
        sweep();
      }
    });
  }

  // ---- reads

  private Map<String, Object> getUow(StoreRequest e) {
    String uowId = e.uuidParam("uow_id", true);
    Uow uow = state.uow(uowId);
    if (uow == null) {
      throw Failure.notFound("uow " + uowId + " not found");
    }
    Map<String, Object> view = uow.toView();
    view.put("history", PlainJson.copy(new ArrayList<>(state.history(uowId))));
    return view;
  }

  private Map<String, Object> listUows(StoreRequest e) {
    String instanceId = e.uuidParam("instance_id", false);
    String statusParam = e.param("status");
    UowStatus status = statusParam == null ? null : UowStatus.parse(statusParam);
    if (statusParam != null && status == null) {
      throw Failure.badRequest("status: must be a UOW status");
    }
    int limit = e.intParam("limit", 50, 1, 500);
    int offset = e.intParam("offset", 0, 0, Integer.MAX_VALUE);
    StoreState.Page<Uow> page = state.uows(instanceId, status, limit, offset);
    List<Object> uows = new ArrayList<>();
    page.items().forEach(uow -> uows.add(uow.toView()));
    return obj("uows", uows, "total", page.total(), "count", uows.size(), "limit", limit,
      "offset", offset);
  }

  private Map<String, Object> halted(StoreRequest e) {
    List<Object> instances = new ArrayList<>();
    state.haltedInstances().forEach(h -> instances.add(h.toView()));
    return obj("instances", instances);
  }

  private Map<String, Object> getRequest(StoreRequest e) {
    String requestId = e.nameParam("request_id");
    InterventionRequest request = state.request(requestId);
    if (request == null) {
      throw Failure.notFound("intervention request " + requestId + " not found");
    }
    return request.toView();
  }

  /**
   * The pending list: {@code pilot_id} keeps only what that pilot has claimed (SPEC §5: assigned
   * to), {@code actionable_by} what it can act on — unclaimed, or claimed by it (the seed's
   * reading, which the socket's {@code get_pending {pilot_id}} asks for).
   */
  private Map<String, Object> pending(StoreRequest e) {
    String assignee = pilotFilter(e, "pilot_id");
    String actionableBy = pilotFilter(e, "actionable_by");
    if (assignee != null && actionableBy != null) {
      throw Failure.badRequest("pilot_id: give pilot_id or actionable_by, not both");
    }
    int limit = e.intParam("limit", 50, 1, 500);
    int offset = e.intParam("offset", 0, 0, Integer.MAX_VALUE);
    StoreState.Page<InterventionRequest> page = actionableBy != null ? state.actionableBy(actionableBy, limit, offset)
      : state.pending(assignee, limit, offset);
    List<Object> requests = new ArrayList<>();
    page.items().forEach(request -> requests.add(request.toView()));
    return obj("requests", requests, "total", page.total(), "count", requests.size(),
      "limit", limit, "offset", offset);
  }

  private static String pilotFilter(StoreRequest e, String name) {
    String pilot = e.param(name);
    String bad = pilot == null ? null : Operation.Actor.badId(name, pilot);
    if (bad != null) {
      throw Failure.badRequest(bad);
    }
    return pilot;
  }

  private void status(Message<JsonObject> message) {
    String reason = loaded ? journal.unavailableReason() : loading;
    JsonObject status = new JsonObject().put("status", reason == null ? "UP" : "DOWN")
      .put("uows", state.uowCount()).put("requests", state.requestCount())
      .put("tip", journal.tip().id())
      .put("snapshot", journal.restoredFrom());
    if (clustered()) {
      // answered by the writer only: which node writes, under which epoch
      status.put("writer", new JsonObject().put("node_id",
        config().getJsonObject("cluster").getString("node_id")).put("epoch", wantedEpoch));
    }
    if (reason != null) {
      status.put("reason", reason);
    }
    message.reply(status);
  }

  private static Failure toFailure(Throwable err) {
    if (err instanceof Failure failure) {
      return failure;
    }
    LOG.error("unexpected failure in the store", err);
    return new Failure(500, "internal error");
  }
}
