package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.ChainAudit;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.CountedTip;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventMetrics;
import io.chameleon.broadcast.EventPage;
import io.chameleon.broadcast.PreparedDraft;
import io.chameleon.broadcast.WriterFence;
import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log on a Redis stream (docs/REDIS.md). One writer loop on the log's context: it
 * group-commits the queued append calls into batches, and each batch is one call of the
 * compare-and-append script, which lands only if the stream's stored tip is still the one the batch
 * was chained on — so two writers can never fork the chain. Up to {@code pipelineDepth} script
 * calls are in flight at once on the writer's own connection ({@link WriterConnection}), each
 * chained on the tip the one before it will leave: if that one does not land, the script refuses
 * the next too, and nothing of either is written. Whenever the cached tip cannot be
 * trusted (a batch refused, a reply lost to a timeout or a cut connection, Redis back after an
 * outage) the loop reloads it from Redis before the next batch and reports the events it finds
 * that no reply of this process carried ({@link #onDiscovered}). While Redis does not answer, calls
 * fail at once with a 503 and a background probe, backing off from 100 ms to 2 s, notices when it
 * is back. All state is touched only on the context that created the log.
 */
public final class RedisEventLog implements EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(RedisEventLog.class);

  /** Events per script call, at most (whole calls; a bigger call goes alone): bounds one script's time in Redis. */
  static final int BATCH_EVENTS = 1000;
  /**
   * Chunks of queued calls whose canonical JSON is computed on workers at once: the one-core cost
   * of an event (RFC 8785 form, payload copy and text) leaves the writer loop's event loop, and
   * the calls still go to Redis in the order they were made.
   */
  static final int PREPARING_CHUNKS = 2;
  private static final String PREPARERS = "chameleon-event-prepare";
  /**
   * Script calls in flight at once by default ({@code events.redis.pipeline_depth}): one. Two were
   * measured no faster on 2 shared cores (docs/BENCHMARKS.md §5): a second call in flight makes the
   * batches smaller, and the CPU per batch, not the round trip, was the limit.
   */
  public static final int DEFAULT_PIPELINE_DEPTH = 1;

  private final Context context;
  private final RedisClients redis;
  private final RedisCalls calls;
  private final RedisKeys keys;
  private final long maxLen;
  private final EventMetrics metrics;
  private final StoredTip stored;
  private final Reconnect reconnect;
  private final WriterConnection writer;
  private final int pipelineDepth;
  private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
  /** Queued calls not yet handed to a preparer, oldest first. */
  private final ArrayDeque<PendingAppend> unprepared = new ArrayDeque<>();
  private final WorkerExecutor preparers;
  private int preparing;
  private Consumer<List<Event>> discovered = events -> { };
  private String epoch = "";

  private String sha;
  private boolean open;
  /** The tip and the fence were read from Redis at least once. */
  private boolean loaded;
  /** A batch was refused or its reply lost: reload the tip before the next one. */
  private boolean tipUnreliable;
  /** Times the tip was doubted: one doubted during a reload (a late reply) stays doubted after it. */
  private long tipDoubts;
  /** The tip is being reloaded (or the log opened): no batch goes out meanwhile. */
  private boolean syncing;
  /** Script calls sent and not answered yet, at most {@link #pipelineDepth}. */
  private int inFlight;
  /** Calls of batches sent whose outcome is unknown (no answer): a later batch that lands proves they did. */
  private final List<Batch> unknown = new ArrayList<>();
  private Promise<Void> closing;
  private Tip tip = Tip.EMPTY;
  private WriterFence fence = new WriterFence(Tip.EMPTY);
  /** The newest id this log gave out or saw: new ids come after it even if Redis went back in time. */
  private EventId lastIssued = EventId.ZERO;
  /** What tip, fence and newest id will be once every batch in flight lands: the next batch chains on it. */
  private Tip chainTip = Tip.EMPTY;
  private WriterFence chainFence;
  private EventId chainIssued = EventId.ZERO;
  /** Why Redis cannot be used now; null while it answers. */
  private String downReason;
  private long eventsEmitted;
  private long bytesWritten;
  private long errors;
  private long batches;

  /**
   * One append call waiting for its batch; it must start by {@code startBy}. Its drafts are
   * prepared on a worker first ({@code prepared}, or {@code invalid} when they cannot be).
   */
  private static final class PendingAppend {
    final List<EventDraft> raw;
    final Tip expect;
    final long startBy;
    final Promise<List<Event>> promise;
    List<PreparedDraft> prepared;
    boolean invalid;

    PendingAppend(List<EventDraft> raw, Tip expect, long startBy, Promise<List<Event>> promise) {
      this.raw = raw;
      this.expect = expect;
      this.startBy = startBy;
      this.promise = promise;
    }

    boolean ready() {
      return prepared != null || invalid;
    }

    Promise<List<Event>> promise() {
      return promise;
    }
  }

  /** The calls of one script call and what they become once it lands. */
  private record Batch(List<PendingAppend> calls, List<List<Event>> results, List<List<String>> entries,
                       int events, long bytes, WriterFence staged, String fenceId, Tip chainedOn) {

    Event last() {
      List<Event> events = results.get(results.size() - 1);
      return events.get(events.size() - 1);
    }
  }

  /**
   * A log on {@code keys.stream()} through {@code redis} (owned by the caller, who closes it), on the
   * caller's context; {@code maxLen} > 0 trims the stream to about that many events. Call
   * {@link #open()} next.
   */
  public RedisEventLog(Vertx vertx, RedisClients redis, RedisKeys keys, long maxLen, EventMetrics metrics) {
    this(vertx, redis, keys, maxLen, DEFAULT_PIPELINE_DEPTH, metrics);
  }

  /**
   * As above, with at most {@code pipelineDepth} (1 or more) script calls in flight at once: 1 sends
   * the next batch only once the last is answered.
   */
  public RedisEventLog(Vertx vertx, RedisClients redis, RedisKeys keys, long maxLen, int pipelineDepth,
                       EventMetrics metrics) {
    if (pipelineDepth < 1) {
      throw new IllegalArgumentException("pipelineDepth must be at least 1: " + pipelineDepth);
    }
    this.context = vertx.getOrCreateContext();
    this.pipelineDepth = pipelineDepth;
    this.writer = new WriterConnection(context, redis.redis());
    this.redis = redis;
    this.calls = new RedisCalls(redis, metrics);
    this.keys = keys;
    this.maxLen = maxLen;
    this.metrics = metrics;
    this.stored = new StoredTip(calls, keys, pipelineDepth);
    this.reconnect = new Reconnect(vertx, calls, this::probeAnswered);
    this.preparers = vertx.createSharedWorkerExecutor(PREPARERS, PREPARING_CHUNKS);
  }

  /**
   * The writer epoch every batch must match in the tip hash (the cluster's fencing token); {@code ""}
   * (the default, and a single node's) leaves it unchecked.
   */
  public Future<Void> writerEpoch(String epoch) {
    String checked = Objects.requireNonNull(epoch, "epoch");
    return onContext(() -> {
      this.epoch = checked;
      // a new writer: the stream moved on while this node was a standby
      doubtTip();
      return Future.succeededFuture();
    });
  }

  @Override
  public void onDiscovered(Consumer<List<Event>> handler) {
    this.discovered = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Loads the script and reads the tip and the fence. Succeeds even when Redis does not answer: the
   * log is then unavailable, and completes its opening by itself once a probe reaches Redis.
   */
  @Override
  public Future<Void> open() {
    return onContext(() -> {
      if (open) {
        return Future.succeededFuture();
      }
      open = true;
      syncing = true;
      return sync().transform(synced -> {
        syncing = false;
        if (synced.succeeded()) {
          LOG.info("[stream: {}, redis: {}, last_id: {}, pipeline_depth: {}] event log opened", keys.stream(),
            redis.endpoint(), tip.id(), pipelineDepth);
        } else {
          down(synced.cause());
        }
        pump();
        return Future.succeededFuture();
      });
    });
  }

  @Override
  public Future<List<Event>> append(List<EventDraft> drafts, Tip expect, long startBy) {
    List<EventDraft> copy = List.copyOf(drafts);
    return onContext(() -> {
      if (!open) {
        return Future.failedFuture(Failure.unavailable("event log unavailable: not open"));
      }
      if (downReason != null) {
        return Future.failedFuture(Failure.unavailable("event log unavailable: " + downReason
          + "; nothing was written"));
      }
      if (copy.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      Promise<List<Event>> promise = Promise.promise();
      PendingAppend pending = new PendingAppend(copy, expect, startBy, promise);
      queue.add(pending);
      unprepared.add(pending);
      prepare();
      return promise.future();
    });
  }

  /**
   * Hands the calls not yet prepared to a worker, as one chunk, unless {@link #PREPARING_CHUNKS}
   * are out already (then the next chunk leaves when one comes back, holding all that queued
   * meanwhile). The timestamp the events are prepared for is taken here, in queue order.
   */
  private void prepare() {
    while (preparing < PREPARING_CHUNKS && !unprepared.isEmpty()) {
      List<PendingAppend> chunk = new ArrayList<>(unprepared);
      unprepared.clear();
      long now = System.currentTimeMillis();
      preparing++;
      preparers.executeBlocking(() -> prepared(chunk, now), false).onComplete(done -> {
        preparing--;
        List<List<PreparedDraft>> results = done.succeeded() ? done.result() : null;
        for (int i = 0; i < chunk.size(); i++) {
          PendingAppend pending = chunk.get(i);
          List<PreparedDraft> result = results == null ? null : results.get(i);
          if (result == null) {
            pending.invalid = true;
          } else {
            pending.prepared = result;
          }
        }
        prepare();
        pump();
      });
    }
  }

  /** On a worker: each call's drafts prepared for {@code nowMs}, or null for a call that cannot be encoded. */
  private static List<List<PreparedDraft>> prepared(List<PendingAppend> chunk, long nowMs) {
    List<List<PreparedDraft>> results = new ArrayList<>(chunk.size());
    for (PendingAppend pending : chunk) {
      List<PreparedDraft> drafts = new ArrayList<>(pending.raw.size());
      try {
        for (EventDraft draft : pending.raw) {
          drafts.add(PreparedDraft.of(draft, nowMs));
        }
        results.add(drafts);
      } catch (RuntimeException e) {
        LOG.warn("[error: {}] events cannot be encoded; call rejected", e.getMessage());
        results.add(null);
      }
    }
    return results;
  }

  /**
   * The writer loop, called whenever something changed (a call prepared, an answer, a reload
   * done): reload the tip when it cannot be trusted (once every batch in flight is answered), else
   * send batches while fewer than {@link #pipelineDepth} are in flight; when Redis is down or the
   * log closed, fail what is queued.
   */
  private void pump() {
    if (syncing) {
      return;
    }
    if (!open) {
      failQueued(Failure.unavailable("event log unavailable: closed; nothing was written"));
      if (inFlight == 0 && closing != null) {
        closing.tryComplete();
      }
      return;
    }
    if (downReason != null) {
      failQueued(Failure.unavailable("event log unavailable: " + downReason + "; nothing was written"));
      return;
    }
    if (!loaded || tipUnreliable) {
      if (inFlight > 0) {
        // the reload must see what the batches out now did: it waits for their answers
        return;
      }
      syncing = true;
      sync().onComplete(synced -> {
        syncing = false;
        if (synced.failed()) {
          down(synced.cause());
        }
        pump();
      });
      return;
    }
    // a call still being prepared restarts the loop when it is back
    while (inFlight < pipelineDepth && !queue.isEmpty() && queue.peek().ready()) {
      Batch batch = nextBatch();
      if (!batch.calls().isEmpty()) {
        send(batch);
      }
    }
  }

  /**
   * Chains queued calls, up to {@link #BATCH_EVENTS}, onto the cached tip, or onto the tip the
   * batches in flight will leave, as {@code FileEventLog} does.
   */
  private Batch nextBatch() {
    List<PendingAppend> calls = new ArrayList<>();
    List<List<Event>> results = new ArrayList<>();
    List<List<String>> entries = new ArrayList<>();
    boolean pipelined = inFlight > 0;
    Tip chainedOn = pipelined ? chainTip : tip;
    EventId issued = pipelined ? chainIssued : lastIssued;
    WriterFence staged = (pipelined ? chainFence : fence).copy();
    EventId id = chainedOn.eventId().isAfter(issued) ? chainedOn.eventId() : issued;
    String hash = chainedOn.hash();
    String fenceId = "";
    int count = 0;
    long bytes = 0;
    while (!queue.isEmpty() && queue.peek().ready()
      && (calls.isEmpty() || count + queue.peek().raw.size() <= BATCH_EVENTS)) {
      PendingAppend pending = queue.poll();
      if (pending.invalid) {
        pending.promise().fail(Failure.badRequest("events cannot be encoded as canonical JSON"));
        continue;
      }
      if (EventLog.late(pending.startBy)) {
        LOG.warn("[events: {}] append not started by its caller's deadline; nothing written",
          pending.raw.size());
        pending.promise().fail(Failure.unavailable(
          "event log unavailable: the write could not start in time; nothing was written"));
        continue;
      }
      if (pending.expect != null && !staged.admits(pending.expect)) {
        pending.promise().fail(EventLog.staleTip(pending.expect));
        continue;
      }
      List<Event> events = new ArrayList<>(pending.prepared.size());
      List<List<String>> values = new ArrayList<>(pending.prepared.size());
      EventId callId = id;
      String callHash = hash;
      for (PreparedDraft draft : pending.prepared) {
        // ids increase through the batch (the append script checks only its first and last)
        callId = callId.next(draft.ms());
        Event event = draft.chain(callId, callHash);
        callHash = event.hash();
        List<String> value = StreamEntries.values(event, draft.payloadText());
        bytes += StreamEntries.bytes(value);
        values.add(value);
        events.add(event);
      }
      id = callId;
      hash = callHash;
      staged.appended(events, pending.expect != null);
      if (pending.expect != null) {
        fenceId = callId.toString();
      }
      count += events.size();
      entries.addAll(values);
      calls.add(pending);
      results.add(events);
    }
    return new Batch(calls, results, entries, count, bytes, staged, fenceId, chainedOn);
  }

  /**
   * One EVALSHA for the whole batch, on the writer's connection after the batches in flight; loads
   * the script again once if Redis lost it. The next batch chains on the tip this one will leave.
   */
  private void send(Batch batch) {
    batches++;
    metrics.batch(batch.events());
    inFlight++;
    Event last = batch.last();
    chainTip = last.tip();
    chainIssued = last.eventId();
    chainFence = batch.staged();
    evalAppend(batch, true).onComplete(done -> {
      inFlight--;
      if (done.succeeded()) {
        String refusal = AppendScript.refusal(done.result());
        if (refusal == null) {
          landed(batch);
        } else {
          refused(batch, refusal);
        }
      } else {
        failed(batch, done.cause());
      }
      pump();
    });
  }

  private Future<Response> evalAppend(Batch batch, boolean reloadOnce) {
    List<String> args = AppendScript.args(sha, keys, batch.chainedOn(), epoch, batch.fenceId(),
      maxLen, batch.entries());
    Request request = Request.cmd(Command.EVALSHA);
    args.forEach(request::arg);
    Future<Response> call = writer.send(request);
    return calls.timed(call).recover(err -> {
      if (reloadOnce && AppendScript.isNoScript(err)) {
        LOG.info("[redis: {}] append script not in Redis (restarted or flushed); loading it again",
          redis.endpoint());
        return loadScript().compose(v -> evalAppend(batch, false));
      }
      if (!RedisClients.isReply(err)) {
        // the outcome is unknown: if Redis still answers later, what landed must be reported;
        // the batches after it go out on a new connection
        writer.drop();
        call.onSuccess(late -> lateReply());
      }
      return Future.failedFuture(err);
    });
  }

  private void landed(Batch batch) {
    if (!unknown.isEmpty()) {
      // this batch was chained on the ones sent before it: those whose answer was lost landed too
      List<Event> found = new ArrayList<>();
      unknown.forEach(lost -> lost.results().forEach(found::addAll));
      unknown.clear();
      LOG.info("[stream: {}, events: {}] appends whose answer was lost landed; publishing them",
        keys.stream(), found.size());
      discovered.accept(found);
    }
    Event last = batch.last();
    tip = last.tip();
    if (last.eventId().isAfter(lastIssued)) {
      lastIssued = last.eventId();
    }
    fence = batch.staged();
    eventsEmitted += batch.events();
    bytesWritten += batch.bytes();
    for (int i = 0; i < batch.calls().size(); i++) {
      batch.calls().get(i).promise().complete(batch.results().get(i));
    }
  }

  private void refused(Batch batch, String refusal) {
    errors++;
    doubtTip();
    LOG.warn("[stream: {}, calls: {}, events: {}, refusal: {}] append refused; nothing written,"
      + " reloading the tip", keys.stream(), batch.calls().size(), batch.events(), refusal);
    Failure failure = Failure.unavailable("event log unavailable: " + refusal + "; nothing was written");
    batch.calls().forEach(pending -> pending.promise().fail(failure));
  }

  private void failed(Batch batch, Throwable err) {
    errors++;
    doubtTip();
    Failure failure;
    if (RedisClients.isReply(err) || RedisClients.neverSent(err)) {
      failure = Failure.unavailable("event log unavailable: " + redis.describe(err) + "; nothing was written");
    } else {
      failure = Failure.unavailable("event log unavailable: " + redis.describe(err)
        + "; the write may or may not have landed (if it did, its events are published)");
    }
    if (!RedisClients.isReply(err)) {
      if (!RedisClients.neverSent(err)) {
        unknown.add(batch);
      }
      down(err);
    }
    LOG.error("[stream: {}, calls: {}, events: {}, error: {}] append failed", keys.stream(),
      batch.calls().size(), batch.events(), redis.describe(err));
    batch.calls().forEach(pending -> pending.promise().fail(failure));
  }

  /** A script call whose outcome was unknown got its answer after all: reload the tip, in the loop's turn. */
  private void lateReply() {
    doubtTip();
    if (downReason != null) {
      probeAnswered();
    } else {
      pump();
    }
  }

  /**
   * Reloads the tip and the fence from Redis, reporting the events found after the cached tip
   * ({@link StoredTip}); loads the script first when it has not been. Runs only in the writer
   * loop's turn.
   */
  private Future<Void> sync() {
    long doubts = tipDoubts;
    Future<Void> script = sha != null ? Future.succeededFuture() : loadScript();
    return script.compose(v -> stored.load(loaded ? tip : null, discovered)).map(now -> {
      // what the lost answers did, the reload reports
      unknown.clear();
      tip = now.tip();
      fence = now.fence();
      if (tip.eventId().isAfter(lastIssued)) {
        lastIssued = tip.eventId();
      }
      loaded = true;
      tipUnreliable = tipDoubts != doubts;
      return null;
    });
  }

  private void doubtTip() {
    tipUnreliable = true;
    tipDoubts++;
  }

  private Future<Void> loadScript() {
    // on the writer's connection: a batch sent after it runs after it
    return calls.timed(writer.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(AppendScript.SOURCE))).map(loaded -> {
      sha = loaded.toString();
      return null;
    });
  }

  @Override
  public Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types) {
    return read(afterId, afterHash, count, types, MAX_PAGE_BYTES);
  }

  @Override
  public Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types, int maxBytes) {
    EventId after;
    try {
      after = afterId == null ? EventId.ZERO : EventId.parse(afterId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Failure.badRequest("after: " + e.getMessage()));
    }
    if (count < 1) {
      return Future.failedFuture(Failure.badRequest("count must be at least 1"));
    }
    Set<String> wanted = types == null ? Set.of() : Set.copyOf(types);
    return onContext(() -> usable().compose(v ->
      new StreamPageScan(this::xrange).run(after, afterHash, count, wanted,
        Math.max(1, Math.min(maxBytes, MAX_PAGE_BYTES)))));
  }

  @Override
  public Future<ChainReport> verify(ChainAudit audit) {
    return onContext(() -> usable()
      .compose(v -> query(calls.api.hmget(List.of(keys.tip(), "id", "hash"))))
      .compose(reply -> new StreamChainWalk(context, this::xrange, stored.tip(reply), maxLen > 0, audit).run()));
  }

  /**
   * Redis counts the entries ever added to a stream (XINFO STREAM {@code entries-added}, Redis 7),
   * and the same reply holds the stream's last entry: one command, so count and tip agree.
   */
  @Override
  public Future<CountedTip> countedTip() {
    return onContext(() -> usable()
      .compose(v -> query(calls.api.exists(List.of(keys.stream()))))
      .compose(exists -> exists.toInteger() == 0 ? Future.succeededFuture(new CountedTip(Tip.EMPTY, 0))
        : query(calls.api.xinfo(List.of("STREAM", keys.stream()))).map(info -> {
          Response added = info.get("entries-added");
          Response last = info.get("last-entry");
          if (added == null) {
            throw Failure.unavailable("Redis at " + redis.endpoint() + " does not count a stream's entries"
              + " (XINFO STREAM entries-added needs Redis 7)");
          }
          if (last == null) {
            return new CountedTip(Tip.EMPTY, added.toLong());
          }
          return new CountedTip(StreamEntries.event(last).tip(), added.toLong());
        })));
  }

  /** Fails at once with a 503 when the log is closed or Redis is known not to answer. */
  private Future<Void> usable() {
    if (!open) {
      return Future.failedFuture(Failure.unavailable("event log unavailable: not open"));
    }
    if (downReason != null) {
      return Future.failedFuture(Failure.unavailable("event log unavailable: " + downReason));
    }
    return Future.succeededFuture();
  }

  /** XRANGE on the stream with {@code args} after the key, as a {@link #query}. */
  private Future<Response> xrange(List<String> args) {
    List<String> all = new ArrayList<>(args.size() + 1);
    all.add(keys.stream());
    all.addAll(args);
    return query(calls.api.xrange(all));
  }

  /**
   * A command outside the writer loop (reads, verify): bounded, failures as 503s; one that did not
   * get an answer marks Redis down, so the calls after it fail fast.
   */
  private <T> Future<T> query(Future<T> command) {
    return calls.timed(command).recover(err -> {
      if (!RedisClients.isReply(err) && !(err instanceof Failure)) {
        down(err);
      }
      return Future.failedFuture(redis.unavailable(err));
    });
  }

  // ---- availability: down on the first failure that is not a Redis reply; probed back

  private void down(Throwable err) {
    String reason = redis.describe(err);
    if (downReason == null) {
      LOG.warn("[stream: {}, reason: {}] event log unavailable; probing Redis", keys.stream(), reason);
    }
    downReason = reason;
    if (open) {
      reconnect.start();
    }
  }

  private void up() {
    if (downReason != null) {
      LOG.info("[stream: {}, redis: {}, last_id: {}] Redis answers again; event log available",
        keys.stream(), redis.endpoint(), tip.id());
    }
    downReason = null;
    reconnect.stop();
  }

  /** A probe got an answer: in the writer loop's turn, reload the tip (and finish opening); up if that works. */
  private void probeAnswered() {
    if (syncing || inFlight > 0 || downReason == null || !open) {
      // a later probe tries again
      return;
    }
    syncing = true;
    sync().onComplete(synced -> {
      syncing = false;
      if (synced.succeeded()) {
        up();
      } else {
        down(synced.cause());
      }
      pump();
    });
  }

  private void failQueued(Failure failure) {
    unprepared.clear();
    while (!queue.isEmpty()) {
      queue.poll().promise().fail(failure);
    }
  }

  @Override
  public Future<Void> close() {
    return onContext(() -> {
      if (!open) {
        return Future.succeededFuture();
      }
      open = false;
      reconnect.stop();
      preparers.close();
      failQueued(Failure.unavailable("event log unavailable: closed; nothing was written"));
      writer.drop();
      if (!syncing && inFlight == 0) {
        return Future.succeededFuture();
      }
      closing = Promise.promise();
      return closing.future();
    });
  }

  @Override
  public String backend() {
    return "redis";
  }

  @Override
  public boolean available() {
    return open && downReason == null;
  }

  @Override
  public String unavailableReason() {
    if (!open) {
      return "the event log on Redis at " + redis.endpoint() + " is not open";
    }
    return downReason;
  }

  @Override
  public Tip tip() {
    return tip;
  }

  @Override
  public long eventsEmitted() {
    return eventsEmitted;
  }

  @Override
  public long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public long errors() {
    return errors;
  }

  /** Commands sent to Redis (round trips), probes included. */
  public long roundTrips() {
    return calls.roundTrips();
  }

  /** Script calls sent: each carried one batch of append calls. */
  public long batches() {
    return batches;
  }

  /** Runs {@code action} on this log's context, hopping there when called from elsewhere. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
