package io.chameleon.broadcast;

import io.chameleon.broadcast.checkpoint.Checkpoint;
import io.chameleon.broadcast.checkpoint.CheckpointAudit;
import io.chameleon.broadcast.checkpoint.CheckpointKey;
import io.chameleon.broadcast.checkpoint.CheckpointStore;
import io.chameleon.broadcast.checkpoint.Checkpointer;
import io.chameleon.broadcast.checkpoint.FileCheckpointStore;
import io.chameleon.broadcast.checkpoint.RedisCheckpointStore;
import io.chameleon.broadcast.file.FileEventLog;
import io.chameleon.broadcast.redis.RedisEventLog;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.HandOff;
import io.chameleon.bus.Tip;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit stream's actor (SPEC §6): owns the {@link EventLog}, answers {@code events.append},
 * {@code events.read}, {@code events.verify} and {@code events.status}, and publishes every durably
 * appended event on {@code events.appended}, in order — also the events the log finds in its
 * backend that no reply carried (a write whose reply was lost, and that landed). Config:
 * {@code {events: {backend: "file", file: "<path>"}}} or {@code {events: {backend: "redis", redis:
 * {stream, key_prefix, max_len, pipeline_depth}}, redis: {url, timeout_ms}}}.
 *
 * <p>In a cluster every node's broadcaster serves reads, but only the writer's takes appends: it
 * answers {@code events.append} while this node holds the writer lease (node-local
 * {@code cluster.writer}), every batch carrying the lease's epoch, which the Redis append script
 * checks; a call that names another epoch than this node's (a store deposed by a take-over) is
 * refused before it reaches Redis.
 */
public final class BroadcasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BroadcasterVerticle.class);

  private final UnaryOperator<EventLog> around;
  private EventLog log;
  private EventMetrics metrics;
  private RedisClients redis;
  private DeliveryOptions handOff;
  private MessageConsumer<JsonObject> appends;
  /** Signs checkpoints while this node writes; null when checkpoints are off. */
  private Checkpointer checkpoints;
  /** Why this log disagrees with its newest signed checkpoint (appends refused), or null. */
  private String refusal;
  /** Whether the log was held against its checkpoints since start (or since this node took the lease). */
  private boolean checked;
  /** {@code events.checkpoint.accept_rewrite}: the operator takes the log as it is, for this start. */
  private boolean acceptRewrite;
  /** The writer epoch of this node while it holds the lease (cluster), else null. */
  private Long epoch;
  /** Counts the writer announcements, so a late outcome of an earlier one is ignored. */
  private long roleChanges;

  public BroadcasterVerticle() {
    this(UnaryOperator.identity());
  }

  /** With the configured log wrapped by {@code around} (instrumentation; a slow disk in tests). */
  public BroadcasterVerticle(UnaryOperator<EventLog> around) {
    this.around = around;
  }

  @Override
  public Future<?> start() {
    handOff = HandOff.options(vertx);
    metrics = EventMetrics.fromDefaultRegistry();
    try {
      log = around.apply(createLog(config().getJsonObject("events", new JsonObject())));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    log.onDiscovered(events -> {
      if (appends != null && checkpoints != null) {
        checkpoints.appended(events);
      }
      events.forEach(event -> vertx.eventBus().publish(Addresses.EVENTS_APPENDED, event.toJson(), handOff));
    });
    JsonObject checkpointConfig = config().getJsonObject("events", new JsonObject())
      .getJsonObject("checkpoint", new JsonObject());
    EventBus bus = vertx.eventBus();
    boolean clustered = config().getJsonObject("cluster", new JsonObject()).getBoolean("enabled", false);
    // a single node takes appends from the start; a clustered one only while it holds the lease
    Future<Void> writes = clustered
      ? bus.<JsonObject>localConsumer(Addresses.CLUSTER_WRITER, m -> onRole(m.body())).completion()
      : takeAppends();
    return log.open()
      .compose(opened -> createCheckpoints(checkpointConfig))
      // a backend down at start (Redis not yet up) is checked at the first append instead
      .compose(created -> check(!clustered).recover(err -> {
        LOG.warn("[error: {}] the event log cannot be held against its checkpoints yet; the first append will",
          err.getMessage());
        return Future.succeededFuture();
      }))
      .compose(loaded -> Future.all(
      writes,
      bus.<JsonObject>consumer(Addresses.EVENTS_READ, this::onRead).completion(),
      bus.<JsonObject>consumer(Addresses.EVENTS_VERIFY, this::onVerify).completion(),
      bus.<JsonObject>consumer(Addresses.EVENTS_HEAD, this::onHead).completion(),
      bus.<JsonObject>consumer(Addresses.EVENTS_STATUS, this::onStatus).completion()))
      .onSuccess(v -> LOG.info("[backend: {}, last_id: {}] broadcaster started",
        log.backend(), log.lastId()));
  }

  @Override
  public Future<?> stop() {
    // a clean shutdown leaves a checkpoint at the tip, so a log cut short afterwards is seen
    // (never over a refused log: that would sign what the checkpoints disagree with)
    Future<Void> signed = checkpoints != null && appends != null && refusal == null ? checkpoints.atShutdown()
      : Future.succeededFuture();
    Future<Void> closed = log == null ? signed : signed.eventually(() -> log.close());
    return redis == null ? closed : closed.eventually(() -> redis.close());
  }

  private Future<Void> takeAppends() {
    if (appends == null) {
      appends = vertx.eventBus().consumer(Addresses.EVENTS_APPEND, this::onAppend);
    }
    return appends.completion();
  }

  /** The writer lease of this node changed hands: {@code {writer, epoch}}. */
  private void onRole(JsonObject role) {
    roleChanges++;
    if (role.getBoolean("writer", false)) {
      becomeWriter(role.getLong("epoch"), roleChanges);
    } else if (appends != null) {
      epoch = null;
      MessageConsumer<JsonObject> gone = appends;
      appends = null;
      gone.unregister();
      LOG.info("this node's broadcaster no longer takes appends");
    }
  }

  /**
   * Takes appends for epoch {@code taken} once the log has the epoch and the checkpoint check
   * passed; while Redis cannot answer (restarting, loading its data) it tries again every second,
   * for as long as this node is still that writer — else the store beside it would commit to a log
   * that takes no appends.
   */
  private void becomeWriter(long taken, long change) {
    log.writerEpoch(String.valueOf(taken))
      // the new writer counts the shared log afresh: the last writer appended since
      .compose(set -> check(true))
      .onComplete(ready -> {
        if (change != roleChanges) {
          return; // the lease moved on meanwhile
        }
        if (ready.succeeded()) {
          epoch = taken;
          takeAppends();
          LOG.info("[epoch: {}] this node's broadcaster takes appends", taken);
        } else {
          LOG.warn("[epoch: {}, error: {}] this node's broadcaster cannot take appends yet; trying again in 1 s",
            taken, ready.cause().getMessage());
          vertx.setTimer(1000, again -> {
            if (change == roleChanges) {
              becomeWriter(taken, change);
            }
          });
        }
      });
  }

  /**
   * The checkpoint key and store: {@code events.checkpoint.key_file} (default: {@code checkpoint-key}
   * beside a file log; a Redis log without a key file has no checkpoints), checkpoints in
   * {@code checkpoints.jsonl} beside the file log or the Redis list {@code <key_prefix>checkpoints}.
   */
  private Future<Void> createCheckpoints(JsonObject config) {
    JsonObject events = config().getJsonObject("events", new JsonObject());
    boolean file = !"redis".equals(events.getString("backend", "file"));
    String keyFile = config.getString("key_file");
    if (keyFile == null && file) {
      keyFile = Path.of(events.getString("file")).resolveSibling("checkpoint-key").toString();
    }
    if (keyFile == null) {
      LOG.info("no events.checkpoint.key_file: no checkpoints are signed");
      return Future.succeededFuture();
    }
    Path keyPath = Path.of(keyFile);
    int every = config.getInteger("every_events", 1000);
    acceptRewrite = config.getBoolean("accept_rewrite", false);
    return vertx.executeBlocking(() -> CheckpointKey.loadOrCreate(keyPath), false)
      .recover(err -> Future.failedFuture(new IllegalArgumentException(err.getMessage(), err)))
      .map(key -> {
        CheckpointStore store = file
          ? new FileCheckpointStore(vertx, Path.of(events.getString("file")).resolveSibling("checkpoints.jsonl"))
          : new RedisCheckpointStore(redis.api(),
              events.getJsonObject("redis", new JsonObject()).getString("key_prefix", "chameleon:") + "checkpoints");
        checkpoints = new Checkpointer(key, store, every);
        LOG.info("[key: {}, every_events: {}] checkpoints are signed", key.fingerprint(), every);
        return null;
      });
  }

  /**
   * Holds the log against its newest signed checkpoint: a checkpoint another key signed (or
   * altered), a log with fewer events than it counted, or a log whose event at its id has another
   * hash means the log was cut or rewritten while no node watched. Appends are then refused, and
   * {@code events.status} (so {@code /health}) says why, until an operator accepts the log.
   */
  private Future<Void> check(boolean mayAccept) {
    if (checkpoints == null) {
      checked = true;
      return Future.succeededFuture();
    }
    return checkpoints.load(log).compose(loaded -> startCheck())
      .compose(held -> mayAccept ? acceptRewrite() : Future.succeededFuture())
      .onSuccess(done -> checked = true);
  }

  private Future<Void> startCheck() {
    refusal = null;
    Checkpoint newest = checkpoints == null ? null : checkpoints.newest();
    if (newest == null) {
      return Future.succeededFuture();
    }
    String name = "its newest signed checkpoint (id " + newest.id() + ", count " + newest.count() + ")";
    String untrusted = newest.untrustedBy(checkpoints.key());
    if (untrusted != null) {
      return refuse(name + " is not trusted: " + untrusted);
    }
    if (checkpoints.count() < newest.count()) {
      return refuse("the event log holds " + checkpoints.count() + " events (last " + log.lastId()
        + "), fewer than " + name + ": events were removed");
    }
    return log.read(newest.id(), newest.hash(), 1, Set.of()).<Void>mapEmpty().recover(err -> {
      if (err instanceof Failure failure && failure.status() == 409) {
        return refuse("the event log does not hold event " + newest.id() + " with the hash of " + name
          + ": the log was rewritten");
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Void> refuse(String reason) {
    refusal = reason;
    LOG.error("[reason: {}] the event log disagrees with its signed checkpoints; appends are refused"
      + " (events.checkpoint.accept_rewrite=true for one start takes the log as it is)", reason);
    return Future.succeededFuture();
  }

  /**
   * With {@code events.checkpoint.accept_rewrite}, a refused log is taken as it is: the acceptance is
   * appended as an {@code event_log_rewrite_accepted} event, and a checkpoint marked {@code rewrite}
   * at the new tip sets the older checkpoints aside for verify.
   */
  private Future<Void> acceptRewrite() {
    if (refusal == null || !acceptRewrite) {
      return Future.succeededFuture();
    }
    String reason = refusal;
    Checkpoint newest = checkpoints.newest();
    JsonObject payload = new JsonObject().put("reason", reason).put("checkpoint", newest.toJson())
      .put("tip", new JsonObject().put("id", log.tip().id()).put("hash", log.tip().hash()))
      .put("setting", "events.checkpoint.accept_rewrite");
    return log.append(List.of(new EventDraft("event_log_rewrite_accepted", payload)), null, EventLog.NO_DEADLINE)
      .compose(events -> {
        refusal = null;
        checkpoints.appended(events);
        events.forEach(event -> vertx.eventBus().publish(Addresses.EVENTS_APPENDED, event.toJson(), handOff));
        LOG.warn("[reason: {}, event: {}] events.checkpoint.accept_rewrite: the event log is taken as it is",
          reason, events.get(0).id());
        return checkpoints.write(true);
      });
  }

  private EventLog createLog(JsonObject config) {
    String backend = config.getString("backend", "file");
    if ("redis".equals(backend)) {
      JsonObject stream = config.getJsonObject("redis", new JsonObject());
      RedisKeys keys = new RedisKeys(stream.getString("key_prefix", "chameleon:"),
        stream.getString("stream", "chameleon:events"));
      redis = RedisClients.create(vertx, config().getJsonObject("redis", new JsonObject()));
      return new RedisEventLog(vertx, redis, keys, stream.getInteger("max_len", 0),
        stream.getInteger("pipeline_depth", RedisEventLog.DEFAULT_PIPELINE_DEPTH), metrics);
    }
    if (!"file".equals(backend)) {
      throw new IllegalArgumentException("events.backend: unknown backend '" + backend
        + "' (known: file, redis)");
    }
    String file = config.getString("file");
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("events.file: the path of the event log is required");
    }
    return new FileEventLog(vertx, Path.of(file));
  }

  private void onAppend(Message<JsonObject> message) {
    if (!checked) {
      check(true).onComplete(done -> {
        if (done.succeeded()) {
          onAppend(message);
        } else {
          BusClient.fail(message, Failure.unavailable("the event log cannot be held against its checkpoints: "
            + done.cause().getMessage() + "; nothing was written"));
        }
      });
      return;
    }
    if (refusal != null) {
      BusClient.fail(message, Failure.unavailable("the event log refuses writes: " + refusal
        + "; nothing was written"));
      return;
    }
    List<EventDraft> drafts;
    Tip expect;
    long startBy = EventLog.NO_DEADLINE;
    try {
      drafts = EventRequests.append(message.body());
      expect = EventRequests.expect(message.body());
      Long callerEpoch = EventRequests.epoch(message.body());
      if (callerEpoch != null && !callerEpoch.equals(epoch)) {
        throw Failure.unavailable("this node is not the writer of epoch " + callerEpoch
          + " (a take-over happened); nothing was written");
      }
      Long within = EventRequests.startWithinMs(message.body());
      if (within != null) {
        startBy = System.nanoTime() + within * 1_000_000L;
      }
    } catch (Failure failure) {
      BusClient.fail(message, failure);
      return;
    }
    log.append(drafts, expect, startBy)
      .onComplete(done -> metrics.sync(log))
      .onSuccess(events -> {
        JsonArray array = new JsonArray();
        events.forEach(event -> array.add(event.toJson()));
        // Reply first, then publish: the appender (the store) applies its events on the reply,
        // so whoever reacts to the published event and asks the store sees the change applied.
        // The reply and every consumer of the publication share these objects (and the log's
        // events their payloads), handed over without a copy: each of them only reads.
        message.reply(new JsonObject().put("events", array), handOff);
        if (checkpoints != null) {
          checkpoints.appended(events);
        }
        array.forEach(event -> vertx.eventBus().publish(Addresses.EVENTS_APPENDED, event, handOff));
      })
      .onFailure(err -> BusClient.fail(message, err));
  }

  private void onRead(Message<JsonObject> message) {
    EventRequests.Read read;
    try {
      read = EventRequests.read(message.body());
    } catch (Failure failure) {
      BusClient.fail(message, failure);
      return;
    }
    log.read(read.after(), read.afterHash(), read.count(), read.types(), read.maxBytes())
      .onSuccess(page -> message.reply(page.toJson()))
      .onFailure(err -> BusClient.fail(message, err));
  }

  /**
   * {@code events.verify {head?}}: walks the chain, checking it against every signed checkpoint
   * (from the newest accepted rewrite on) and the caller's pinned {@code head} ({@code <id>:<hash>}).
   */
  private void onVerify(Message<JsonObject> message) {
    CheckpointAudit.Pin pin;
    try {
      Object head = message.body() == null ? null : message.body().getValue("head");
      pin = head == null ? null : CheckpointAudit.Pin.parse(head instanceof String text ? text : "");
    } catch (IllegalArgumentException e) {
      BusClient.fail(message, Failure.badRequest("head must be <event id>:<64 lowercase hex hash>"));
      return;
    }
    Future<List<Checkpoint>> stored = checkpoints == null ? Future.succeededFuture(List.of())
      : checkpoints.store().all().recover(err -> Future.failedFuture(
          Failure.unavailable("checkpoints unreadable: " + err.getMessage())));
    stored.compose(all -> {
        CheckpointAudit audit = new CheckpointAudit(all, pin, checkpoints == null ? null : checkpoints.key());
        return log.verify(audit).map(report -> report.toJson()
          .put("checkpoints", audit.checkpoints()).put("checkpoints_set_aside", audit.setAside())
          .put("checkpoints_other_keys", audit.otherKeys())
          .put("head", pin == null ? null : pin.id() + ":" + pin.hash()));
      })
      .onSuccess(report -> {
        if (!report.getBoolean("ok")) {
          LOG.warn("[checked: {}, first_bad_id: {}, mismatch: {}] event chain broken", report.getLong("checked"),
            report.getString("first_bad_id"), report.getString("mismatch"));
        }
        message.reply(report);
      })
      .onFailure(err -> BusClient.fail(message, err));
  }

  /** {@code events.head}: the live tip and the newest signed checkpoint, with the key that signed it. */
  private void onHead(Message<JsonObject> message) {
    Tip tip = log.tip();
    JsonObject live = new JsonObject().put("id", tip.id()).put("hash", tip.hash());
    if (checkpoints == null) {
      message.reply(new JsonObject().put("tip", live).put("checkpoint", (Object) null).put("key", (Object) null));
      return;
    }
    log.countedTip().compose(counted -> {
        live.put("id", counted.tip().id()).put("hash", counted.tip().hash()).put("count", counted.count());
        return checkpoints.store().newest();
      })
      .onSuccess(newest -> message.reply(checkpoints.describe(newest).put("tip", live)))
      .onFailure(err -> BusClient.fail(message, Failure.unavailable("checkpoints unavailable: " + err.getMessage())));
  }

  private void onStatus(Message<JsonObject> message) {
    boolean up = log.available() && refusal == null;
    JsonObject status = new JsonObject()
      .put("backend", log.backend())
      .put("status", up ? "UP" : "DOWN")
      .put("events_emitted", log.eventsEmitted())
      .put("bytes_written", log.bytesWritten())
      .put("errors", log.errors())
      .put("last_id", log.lastId())
      .put("last_hash", log.tip().hash());
    if (!up) {
      status.put("reason", refusal != null ? "appends refused: " + refusal : log.unavailableReason());
    }
    message.reply(status);
  }
}
