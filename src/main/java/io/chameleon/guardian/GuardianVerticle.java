package io.chameleon.guardian;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.BusJson;
import io.chameleon.bus.ChainFollower;
import io.chameleon.bus.EventReplay;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation;
import io.chameleon.bus.Tip;
import io.chameleon.snapshot.SnapshotStores;
import io.chameleon.snapshot.Snapshotter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardian evaluator actor: evaluates guardians against a UOW's flat view and keeps the
 * registry of named guardians. A registry change is appended to the event log first and applied
 * only once the log has it; on start the registry is rebuilt from the newest snapshot and the
 * events after it (until then every request is a 503, and while the log is unavailable the load is
 * tried again). Registry changes run one after another, so a check and its commit see the same
 * registry. Every instance follows every appended event; one instance per node writes the
 * registry's snapshots. Each address checks its caller's {@code actor} against the {@link Operation}
 * table, as the gateway does a token's.
 *
 * <p>Config: {@code bus.timeout_ms} (default 5000), the send timeout towards the event log.
 */
public final class GuardianVerticle extends VerticleBase {

  static final String REGISTERED = "guardian_registered";
  static final String REMOVED = "guardian_removed";
  static final long FOLLOW_WAIT_MS = 1000;
  static final long MAX_LOAD_BACKOFF_MS = 2000;
  /** Node-local map naming the one instance that writes the registry's snapshots. */
  static final String INSTANCES_MAP = "chameleon.guardian.instances";

  private static final Logger LOG = LoggerFactory.getLogger(GuardianVerticle.class);

  private final Clock clock;
  private final BiFunction<Vertx, JsonObject, Snapshotter<GuardianRegistry>> snapshots;
  private final String instanceId = UUID.randomUUID().toString();
  private GuardianRegistry registry = new GuardianRegistry();
  /** {@code guardian.max_visits} and {@code guardian.max_trace_bytes}: what one evaluation may cost. */
  private int maxVisits = Fanout.DEFAULT_MAX_VISITS;
  /** Inline configurations compiled once ({@code guardian.compiled_cache_size}). */
  private CompiledCache compiled = new CompiledCache(CompiledCache.DEFAULT_SIZE);
  private int maxTraceBytes = Verdict.DEFAULT_MAX_TRACE_BYTES;
  private Snapshotter<GuardianRegistry> snapshotter;
  private boolean snapshotWriter;
  /** Whether this node writes snapshots: a single node does; in a cluster, the lease holder. */
  private boolean nodeWrites;
  /** The event covered by the snapshot the registry was restored from; null: replayed from the start. */
  private String restoredFrom;
  private boolean loaded;
  private String loading = "loading the guardian registry from the event log";
  /** Events followed while loading: applied (again, harmlessly) once the load is done. */
  private final List<JsonObject> followedWhileLoading = new ArrayList<>();
  /** The newest event this instance has applied, or read past, with its hash. */
  private Tip tip = Tip.EMPTY;
  private ChainFollower chain;
  private BusClient bus;
  private long changeBudgetMs;
  /** The id of the newest published event this instance has followed. */
  private String lastFollowed;
  /** Changes appended but not yet followed, by event id. */
  private final Map<String, List<Promise<Void>>> awaiting = new HashMap<>();
  private Future<?> lastChange = Future.succeededFuture();

  public GuardianVerticle() {
    this(Clock.systemUTC());
  }

  /** With the clock every evaluation reads {@code now} from, once; snapshots as configured. */
  public GuardianVerticle(Clock clock) {
    this(clock, (v, config) -> SnapshotStores.snapshotter(v, config, GuardianSnapshotCodec.PART,
      new GuardianSnapshotCodec()));
  }

  /** With the clock, and where (if anywhere) the registry's snapshots go. */
  public GuardianVerticle(Clock clock, BiFunction<Vertx, JsonObject, Snapshotter<GuardianRegistry>> snapshots) {
    this.clock = clock;
    this.snapshots = snapshots;
  }

  @Override
  public Future<?> start() {
    long timeoutMs = config().getJsonObject("bus", new JsonObject()).getLong("timeout_ms", 5000L);
    bus = new BusClient(vertx, timeoutMs);
    // a change must start its append while its caller still waits (see events.append start_within_ms)
    changeBudgetMs = timeoutMs - Math.max(100, timeoutMs / 5);
    snapshotter = snapshots.apply(vertx, config());
    JsonObject limits = config().getJsonObject("guardian", new JsonObject());
    maxVisits = limits.getInteger("max_visits", maxVisits);
    maxTraceBytes = limits.getInteger("max_trace_bytes", maxTraceBytes);
    compiled = new CompiledCache(limits.getInteger("compiled_cache_size", CompiledCache.DEFAULT_SIZE));
    registry.limitVisits(maxVisits);
    snapshotWriter = vertx.sharedData().<String, String>getLocalMap(INSTANCES_MAP)
      .putIfAbsent("snapshot_writer", instanceId) == null;
    // in a cluster only the writer node writes snapshots (every node would write the same keys)
    boolean clustered = config().getJsonObject("cluster", new JsonObject()).getBoolean("enabled", false);
    nodeWrites = !clustered;
    if (clustered) {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_WRITER,
        m -> nodeWrites = m.body().getBoolean("writer", false));
    }
    // Every instance, on every node, follows the registry changes any of them makes. Subscribed
    // before the load, so nothing appended meanwhile is missed; applying an event twice is harmless.
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_APPENDED, this::follow).completion()
      .compose(subscribed -> Future.all(List.of(
        consume(Operation.GUARDIANS_EVALUATE, (message, actor) -> evaluate(message)),
        consume(Operation.GUARDIANS_PUT, this::put),
        consume(Operation.GUARDIANS_GET, (message, actor) -> get(message)),
        consume(Operation.GUARDIANS_LIST, (message, actor) -> list(message)),
        consume(Operation.GUARDIANS_DELETE, this::remove),
        vertx.eventBus().<JsonObject>consumer(Addresses.GUARDIAN_STATUS, this::status).completion())))
      .compose(registered -> load(100));
  }

  @Override
  public Future<?> stop() {
    vertx.sharedData().<String, String>getLocalMap(INSTANCES_MAP).remove("snapshot_writer", instanceId);
    return loaded && snapshotWriter && nodeWrites ? snapshotter.close(registry, tip) : snapshotter.close();
  }

  /**
   * Rebuilds the registry: the newest snapshot, then the registry events after it. While the log
   * is unavailable (503) the start goes on and the load is tried again, backing off; any other
   * failure fails the start.
   */
  private Future<Void> load(long backoffMs) {
    return snapshotter.restoreNewest(bus)
      .compose(start -> {
        registry = start.state();
        registry.limitVisits(maxVisits);
        restoredFrom = start.covers().isEmpty() ? null : start.covers().id();
        return EventReplay.replay(bus, start.covers(), List.of(REGISTERED, REMOVED), this::replay);
      })
      .transform(done -> {
        if (done.succeeded()) {
          tip = done.result();
          chain = new ChainFollower(bus, tip, this::applyFollowed, gap -> { });
          loaded = true;
          loading = null;
          followedWhileLoading.forEach(this::follow);
          followedWhileLoading.clear();
          LOG.info("[guardians: {}, tip: {}] guardian evaluator ready", registry.size(), tip.id());
          return Future.succeededFuture();
        }
        if (done.cause() instanceof Failure failure && failure.status() == 503) {
          if (!failure.getMessage().equals(loading)) {
            LOG.warn("[retry_ms: {}] guardian registry not loaded, the event log is unavailable: {}",
              backoffMs, failure.getMessage());
          }
          loading = failure.getMessage();
          vertx.setTimer(backoffMs, t -> load(Math.min(backoffMs * 2, MAX_LOAD_BACKOFF_MS)));
          return Future.succeededFuture();
        }
        return Future.failedFuture(new IllegalStateException(
          "cannot rebuild the guardian registry from the event log: " + done.cause().getMessage(),
          done.cause()));
      });
  }

  /**
   * An address of the operation table: 503 until the registry is loaded, then the message's
   * {@code actor {pilot_id, role}} checked against the operation's role (400, 403), as the
   * gateway checks a token's.
   */
  private Future<Void> consume(Operation operation, BiConsumer<Message<JsonObject>, Operation.Actor> handler) {
    return vertx.eventBus().<JsonObject>consumer(operation.busAddress, message -> {
      if (!loaded) {
        message.fail(503, "guardian evaluator unavailable: " + loading);
        return;
      }
      Operation.Actor actor;
      try {
        Object value = bodyOf(message).getValue("actor");
        actor = operation.check(value instanceof JsonObject json ? json.getMap() : value);
      } catch (RuntimeException e) {
        BusClient.fail(message, toFailure(e));
        return;
      }
      handler.accept(message, actor);
    }).completion();
  }

  // ---- start-up: rebuild the registry from the log

  private void follow(Message<JsonObject> published) {
    follow(published.body());
  }

  private void follow(JsonObject event) {
    if (!loaded) {
      followedWhileLoading.add(event);
      return;
    }
    // in chain order: a gap (events this node missed) is read from the log before going on
    chain.published(event);
  }

  private void applyFollowed(JsonObject event) {
    String type = event.getString("event_type");
    if (REGISTERED.equals(type) || REMOVED.equals(type)) {
      replay(event);
    }
    String id = event.getString("id");
    tip = new Tip(id, event.getString("hash"));
    if (snapshotWriter && nodeWrites) {
      snapshotter.applied(registry, tip, 1);
    } else {
      snapshotter.count(1);
    }
    lastFollowed = id;
    // answer the changes waiting for this event: every instance has it by now
    awaiting.entrySet().removeIf(waiting -> {
      if (compareIds(waiting.getKey(), id) <= 0) {
        waiting.getValue().forEach(Promise::tryComplete);
        return true;
      }
      return false;
    });
  }

  /**
   * Completes once this instance has followed the published event {@code id}. The broadcaster
   * publishes to every instance at once, so a change answered after this is seen by a read that
   * any instance serves. Waits at most {@link #FOLLOW_WAIT_MS}: the change is durable either way.
   */
  private Future<Void> followed(String id) {
    if (id == null || lastFollowed != null && compareIds(id, lastFollowed) <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    awaiting.computeIfAbsent(id, k -> new ArrayList<>()).add(promise);
    vertx.setTimer(FOLLOW_WAIT_MS, t -> promise.tryComplete());
    return promise.future();
  }

  /** Orders event ids {@code <ms>-<seq>}. */
  static int compareIds(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int byMs = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return byMs != 0 ? byMs : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  private static String appendedId(JsonObject appended) {
    JsonArray events = appended.getJsonArray("events");
    return events == null || events.isEmpty() ? null : events.getJsonObject(0).getString("id");
  }

  private void replay(JsonObject event) {
    String type = event.getString("event_type");
    JsonObject payload = event.getJsonObject("payload", new JsonObject());
    String name = payload.getString("name");
    try {
      if (REGISTERED.equals(type)) {
        registry.put(name, BusJson.toPlainObject(payload.getJsonObject("config")));
      } else if (REMOVED.equals(type)) {
        registry.remove(name);
      }
    } catch (RuntimeException e) {
      LOG.warn("[event: {}, guardian: {}] skipped on replay: {}", event.getString("id"), name,
        e.getMessage());
    }
  }

  // ---- handlers

  private void evaluate(Message<JsonObject> message) {
    try {
      JsonObject body = bodyOf(message);
      if (!(body.getValue("guardians") instanceof JsonArray guardians)) {
        throw Failure.badRequest("guardians: must be a list");
      }
      if (!(body.getValue("uow") instanceof JsonObject uow)) {
        throw Failure.badRequest("uow: must be an object");
      }
      Operator operator = operatorOf(body.getValue("operator"));
      Object prefix = body.getValue("rule_prefix");
      if (prefix != null && !(prefix instanceof String)) {
        throw Failure.badRequest("rule_prefix: must be a string");
      }
      boolean lenient = Boolean.TRUE.equals(body.getValue("lenient"));
      GuardianEvaluation evaluation = GuardianEvaluation.compile(BusJson.toPlainList(guardians),
        operator, "guardians", prefix == null ? "guardians" : (String) prefix, registry, lenient, maxVisits,
        compiled);
      Verdict verdict = evaluation.evaluate(BusJson.toPlainObject(uow), clock.instant());
      message.reply(BusJson.toJsonObject(verdict.toMap(maxTraceBytes)));
    } catch (RuntimeException e) {
      BusClient.fail(message, toFailure(e));
    }
  }

  private void put(Message<JsonObject> message, Operation.Actor caller) {
    JsonObject body = bodyOf(message);
    long deadline = System.nanoTime() + changeBudgetMs * 1_000_000L;
    oneAtATime(() -> {
      String name = nameOf(body);
      if (!(body.getValue("config") instanceof JsonObject config)) {
        throw Failure.badRequest("config: must be an object");
      }
      String actor = caller.pilotId();
      RegisteredGuardian prepared = registry.prepare(name, BusJson.toPlainObject(config));
      // decided now: the published event may reach follow() before the append's reply does
      boolean created = registry.get(name).isEmpty();
      JsonObject payload = new JsonObject().put("name", name).put("config", config.copy())
        .put("actor", actor);
      return append(REGISTERED, payload, deadline).compose(appended -> followed(appendedId(appended))).map(seen -> {
        registry.commit(prepared);
        LOG.info("[guardian: {}, type: {}, actor: {}, created: {}] registered", name,
          prepared.type(), actor, created);
        return new JsonObject().put("guardian", describe(prepared).put("created", created));
      });
    }).onComplete(reply -> answer(message, reply.result(), reply.cause()));
  }

  private void get(Message<JsonObject> message) {
    try {
      String name = nameOf(bodyOf(message));
      RegisteredGuardian entry = registry.get(name)
        .orElseThrow(() -> Failure.notFound("guardian '" + name + "' not found"));
      message.reply(new JsonObject().put("guardian", describe(entry)));
    } catch (RuntimeException e) {
      BusClient.fail(message, toFailure(e));
    }
  }

  private void list(Message<JsonObject> message) {
    JsonArray guardians = new JsonArray();
    registry.list().forEach(entry -> guardians.add(describe(entry)));
    message.reply(new JsonObject().put("guardians", guardians));
  }

  private void remove(Message<JsonObject> message, Operation.Actor caller) {
    JsonObject body = bodyOf(message);
    long deadline = System.nanoTime() + changeBudgetMs * 1_000_000L;
    oneAtATime(() -> {
      String name = nameOf(body);
      String actor = caller.pilotId();
      if (registry.get(name).isEmpty()) {
        throw Failure.notFound("guardian '" + name + "' not found");
      }
      registry.checkRemovable(name);
      JsonObject payload = new JsonObject().put("name", name).put("actor", actor);
      return append(REMOVED, payload, deadline).compose(appended -> followed(appendedId(appended))).map(seen -> {
        registry.remove(name);
        LOG.info("[guardian: {}, actor: {}] removed", name, actor);
        return new JsonObject().put("removed", name);
      });
    }).onComplete(reply -> answer(message, reply.result(), reply.cause()));
  }

  /** How many inline configurations this instance has compiled (tests: compile once). */
  long inlineCompilations() {
    return compiled.compilations();
  }

  private void status(Message<JsonObject> message) {
    JsonObject status = new JsonObject().put("status", loaded ? "UP" : "DOWN")
      .put("guardians", registry.size()).put("tip", tip.id()).put("snapshot", restoredFrom);
    if (!loaded) {
      status.put("reason", loading);
    }
    message.reply(status);
  }

  // ---- helpers

  /**
   * Appends one registry change; the log must start writing it before {@code deadline}, else
   * nothing is written and the caller gets 503. (A change written but answered late still reaches
   * the registry: every instance follows the log.)
   */
  private Future<JsonObject> append(String eventType, JsonObject payload, long deadline) {
    long startWithin = (deadline - System.nanoTime()) / 1_000_000L;
    if (startWithin <= 0) {
      return Future.failedFuture(Failure.unavailable(
        "guardian registry busy: the change could not be made in time; nothing was changed"));
    }
    JsonObject event = new JsonObject().put("event_type", eventType).put("payload", payload);
    return bus.request(Addresses.EVENTS_APPEND, new JsonObject()
      .put("events", new JsonArray().add(event)).put("start_within_ms", startWithin));
  }

  /** Runs registry changes strictly one after another, whatever the previous one's outcome. */
  private Future<JsonObject> oneAtATime(Supplier<Future<JsonObject>> change) {
    Future<JsonObject> next = lastChange.transform(previous -> {
      try {
        return change.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    lastChange = next;
    return next;
  }

  private static void answer(Message<JsonObject> message, JsonObject reply, Throwable err) {
    if (err == null) {
      message.reply(reply);
    } else {
      BusClient.fail(message, toFailure(err));
    }
  }

  private static JsonObject bodyOf(Message<JsonObject> message) {
    return message.body() == null ? new JsonObject() : message.body();
  }

  private static String nameOf(JsonObject body) {
    Object name = body.getValue("name");
    if (!(name instanceof String text) || !GuardianCompiler.isValidName(text)) {
      throw Failure.badRequest("name: must match [A-Za-z0-9._:-]{1,200}");
    }
    return text;
  }

  private static Operator operatorOf(Object value) {
    if (value == null) {
      return Operator.AND;
    }
    Operator operator = value instanceof String text ? Operator.named(text) : null;
    if (operator == null) {
      throw Failure.badRequest("operator: must be AND or OR");
    }
    return operator;
  }

  private static JsonObject describe(RegisteredGuardian entry) {
    return new JsonObject()
      .put("name", entry.name())
      .put("type", entry.type().name())
      .put("config", BusJson.toJson(entry.config()));
  }

  private static Failure toFailure(Throwable err) {
    if (err instanceof Failure failure) {
      return failure;
    }
    if (err instanceof InvalidGuardianConfig invalid) {
      return Failure.badRequest(invalid.getMessage());
    }
    if (err instanceof GuardianInUse inUse) {
      return Failure.conflict(inUse.getMessage());
    }
    LOG.error("unexpected failure in the guardian evaluator", err);
    return new Failure(500, "internal error");
  }
}
