package io.chameleon.bench;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventMetrics;
import io.chameleon.broadcast.file.FileEventLog;
import io.chameleon.broadcast.redis.RedisEventLog;
import io.chameleon.bus.EventId;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Appends per second of the real {@link RedisEventLog} (and, for reference, {@link FileEventLog}),
 * with many append calls in flight so its group commit has something to group. Moved here from
 * {@code src/test/.../AppendThroughputBench} (a JUnit test skipped without a flag) so that
 * {@code bench/run-redis-append.sh} runs it against the same redis-server as redis-benchmark, in
 * the same run.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.chameleon.bench.RedisAppendBench --url redis://127.0.0.1:6379 \
 *   --redis-pid 1234 --label always --cases 64x1,256x1,1024x1,64x10,256x10 [--file-dir /tmp/x] [--micro] [--pipeline-depth 2]
 * </pre>
 *
 * <p>A case {@code LxE} is L lanes, each appending one call of E events at a time (the next call as
 * soon as the previous one is acknowledged): L×E events in flight. Each case gets its own stream
 * (deleted afterwards). Per case it prints one {@code RESULT|…} line: events/s, the batches the log
 * sent (script calls) and their mean size, CPU per event of this JVM and of redis-server, the
 * append script's own time in Redis ({@code INFO commandstats}), and the foreign CPU (share of all
 * cores used by other processes during the measurement; above ~5 % the row is contaminated).
 * {@code --micro} first times, on one thread, what the log computes per event before it sends it.
 */
public final class RedisAppendBench {

  private static String url = "redis://127.0.0.1:6379";
  private static long redisPid = -1;
  private static String label = "redis";
  private static List<int[]> cases = List.of(new int[] {64, 1});
  private static long warmUpMs = 2_000;
  private static long measureMs = 10_000;
  private static long firstWarmUpMs = 10_000;
  private static Path fileDir;
  private static boolean micro;
  private static boolean redisCases = true;
  /** Measure again (up to this many times) when the foreign CPU of a measurement is above maxForeign. */
  private static int retries = 2;
  private static double maxForeign = 5;
  /** Before each measurement, wait up to this long for a 2-second window with foreign CPU ≤ maxForeign. */
  private static long quietWaitMs = 60_000;
  /** Script calls in flight at once (events.redis.pipeline_depth). */
  private static int pipelineDepth = RedisEventLog.DEFAULT_PIPELINE_DEPTH;

  private RedisAppendBench() {
  }

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--redis-pid" -> redisPid = Long.parseLong(args[++i]);
        case "--label" -> label = args[++i];
        case "--cases" -> cases = parseCases(args[++i]);
        case "--warmup-ms" -> warmUpMs = Long.parseLong(args[++i]);
        case "--first-warmup-ms" -> firstWarmUpMs = Long.parseLong(args[++i]);
        case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
        case "--file-dir" -> fileDir = Path.of(args[++i]);
        case "--no-redis" -> redisCases = false;
        case "--micro" -> micro = true;
        case "--retries" -> retries = Integer.parseInt(args[++i]);
        case "--max-foreign" -> maxForeign = Double.parseDouble(args[++i]);
        case "--quiet-wait-ms" -> quietWaitMs = Long.parseLong(args[++i]);
        case "--pipeline-depth" -> pipelineDepth = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (micro) {
      micro();
    }
    Vertx vertx = Vertx.vertx();
    try {
      if (redisCases) {
        RedisClients control = RedisClients.create(vertx, new JsonObject().put("url", url).put("timeout_ms", 10_000));
        await(control.api().config(List.of("SET", "latency-tracking", "yes")).otherwiseEmpty());
        boolean first = true;
        for (int[] c : cases) {
          String prefix = "bench:" + label + ":" + c[0] + "x" + c[1] + ":";
          RedisClients redis = RedisClients.create(vertx, new JsonObject().put("url", url).put("timeout_ms", 10_000));
          RedisEventLog log = new RedisEventLog(vertx, redis, new RedisKeys(prefix, prefix + "events"), 0,
            pipelineDepth, EventMetrics.NONE);
          await(log.open());
          if (first) {
            run(vertx, log, c[0], c[1], firstWarmUpMs);
            first = false;
          }
          Sample s = null;
          long batches = 0;
          Map<String, String> stats = Map.of();
          String latency = "";
          for (int attempt = 0; attempt <= retries && (s == null || s.foreignPct() > maxForeign); attempt++) {
            quiet();
            run(vertx, log, c[0], c[1], warmUpMs);
            await(control.api().config(List.of("RESETSTAT")));
            long batches0 = log.batches();
            Sample again = measure(vertx, log, c[0], c[1]);
            if (s == null || again.foreignPct() < s.foreignPct()) {
              s = again;
              batches = log.batches() - batches0;
              stats = commandStats(await(control.api().info(List.of("commandstats"))).toString());
              latency = String.valueOf(await(control.api().info(List.of("latencystats"))));
            }
          }
          report("redis " + label, c, s, batches, stats, percentile(latency, "evalsha"));
          await(log.close());
          await(control.api().unlink(List.of(prefix + "events", prefix + "tip")));
          await(redis.close());
        }
        await(control.close());
      }
      if (fileDir != null) {
        for (int[] c : cases) {
          Path dir = Files.createTempDirectory(fileDir, "filelog-");
          FileEventLog log = new FileEventLog(vertx, dir.resolve("events.jsonl"));
          await(log.open());
          run(vertx, log, c[0], c[1], redisCases ? warmUpMs : firstWarmUpMs);
          Sample s = null;
          for (int attempt = 0; attempt <= retries && (s == null || s.foreignPct() > maxForeign); attempt++) {
            quiet();
            Sample again = measure(vertx, log, c[0], c[1]);
            if (s == null || again.foreignPct() < s.foreignPct()) {
              s = again;
            }
          }
          report("file", c, s, -1, Map.of(), "");
          await(log.close());
          try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<int[]> parseCases(String text) {
    List<int[]> out = new ArrayList<>();
    for (String c : text.split(",")) {
      String[] p = c.trim().split("x");
      out.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
    }
    return out;
  }

  // ---- one measurement ---------------------------------------------------------------------

  private record Sample(long events, long ms, double javaCpuUsPerEvent, double redisCpuUsPerEvent, double foreignPct) {
  }

  private static Sample measure(Vertx vertx, EventLog log, int lanes, int perCall) {
    long before = log.eventsEmitted();
    long cpu0 = processCpuNanos();
    long redis0 = redisTicks();
    long busy0 = busyTicks();
    long started = System.nanoTime();
    run(vertx, log, lanes, perCall, measureMs);
    long ns = System.nanoTime() - started;
    long events = log.eventsEmitted() - before;
    double javaCpu = (processCpuNanos() - cpu0) / 1e9;
    double redisCpu = (redisTicks() - redis0) / (double) HZ;
    double busy = (busyTicks() - busy0) / (double) HZ;
    double cores = Runtime.getRuntime().availableProcessors();
    double foreign = Math.max(0, (busy - javaCpu - redisCpu) / (ns / 1e9 * cores) * 100);
    return new Sample(events, ns / 1_000_000, javaCpu * 1e6 / Math.max(1, events),
      redisPid > 0 ? redisCpu * 1e6 / Math.max(1, events) : Double.NaN, foreign);
  }

  /** Waits (at most quietWaitMs) for a 2-second window in which other processes used ≤ maxForeign % of the cores. */
  private static void quiet() {
    long deadline = System.currentTimeMillis() + quietWaitMs;
    double cores = Runtime.getRuntime().availableProcessors();
    while (true) {
      long cpu0 = processCpuNanos();
      long redis0 = redisTicks();
      long busy0 = busyTicks();
      long t0 = System.nanoTime();
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double foreign = ((busyTicks() - busy0) / (double) HZ - (processCpuNanos() - cpu0) / 1e9
        - (redisTicks() - redis0) / (double) HZ) / (secs * cores) * 100;
      if (foreign <= maxForeign || System.currentTimeMillis() > deadline) {
        return;
      }
    }
  }

  private static void report(String log, int[] c, Sample s, long batches, Map<String, String> stats, String p99) {
    long perSecond = s.events() * 1000 / Math.max(1, s.ms());
    String evalsha = stats.getOrDefault("evalsha", "");
    String xadd = stats.getOrDefault("xadd", "");
    String line = String.join("|", "RESULT", log, String.valueOf(c[0]), String.valueOf(c[1]),
      String.valueOf(s.events()), String.valueOf(s.ms()), String.valueOf(perSecond),
      batches < 0 ? "" : String.valueOf(batches),
      batches <= 0 ? "" : String.format(Locale.ROOT, "%.1f", s.events() / (double) batches),
      String.format(Locale.ROOT, "%.1f", s.javaCpuUsPerEvent()),
      Double.isNaN(s.redisCpuUsPerEvent()) ? "" : String.format(Locale.ROOT, "%.1f", s.redisCpuUsPerEvent()),
      field(evalsha, "usec_per_call"), field(xadd, "calls"), field(xadd, "usec_per_call"), p99,
      String.format(Locale.ROOT, "%.0f", s.foreignPct()));
    System.out.println(line);
    System.err.printf(Locale.ROOT, "%s, %d lanes x %d events: %,d events/s (%d batches), foreign CPU %.0f %%%n",
      log, c[0], c[1], perSecond, batches, s.foreignPct());
  }

  /** {@code lanes} callers, each appending {@code perCall} events at a time, for {@code ms}. */
  private static void run(Vertx vertx, EventLog log, int lanes, int perCall, long ms) {
    long until = System.nanoTime() + ms * 1_000_000;
    Promise<Void> done = Promise.promise();
    int[] running = {lanes};
    long[] failures = {0};
    vertx.runOnContext(v -> {
      for (int lane = 0; lane < lanes; lane++) {
        lane(log, lane, perCall, until, running, failures, done);
      }
    });
    await(done.future());
    if (failures[0] > 0) {
      System.err.println("append failures: " + failures[0]);
    }
  }

  private static void lane(EventLog log, int lane, int perCall, long until, int[] running, long[] failures,
                           Promise<Void> done) {
    if (System.nanoTime() - until > 0) {
      if (--running[0] == 0) {
        done.complete();
      }
      return;
    }
    log.append(drafts(lane, perCall)).onComplete(ar -> {
      if (ar.failed() && failures[0]++ < 3) {
        System.err.println("append failed: " + ar.cause().getMessage());
      }
      // not on this stack: a log that fails at once would recurse
      io.vertx.core.Vertx.currentContext().runOnContext(v -> lane(log, lane, perCall, until, running, failures, done));
    });
  }

  private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Events shaped like the store's {@code intervention_request} (~0.9 KB of payload, as a create
   * appends): the log's cost per event depends on the payload it encodes and hashes.
   */
  static List<EventDraft> drafts(int lane, int perCall) {
    List<EventDraft> drafts = new ArrayList<>(perCall);
    for (int i = 0; i < perCall; i++) {
      drafts.add(new EventDraft("intervention_request", payload(SEQ.getAndIncrement())));
    }
    return drafts;
  }

  static JsonObject payload(long n) {
    String id = "ld-" + n;
    String uow = "ext-" + n;
    String at = "2026-12-07T17:55:52.600Z";
    JsonObject request = new JsonObject().put("request_id", id).put("uow_id", uow)
      .put("intervention_type", "cancel").put("status", "PENDING").put("priority", "high")
      .put("title", "load request " + n).put("description", "")
      .put("context", new JsonObject().put("source", "bench").put("n", n))
      .put("created_at", at).put("updated_at", at).put("expires_at", "2026-12-14T17:55:52.600Z")
      .put("required_role", "OPERATOR").putNull("assigned_to").putNull("action_reason")
      .putNull("action_timestamp").putNull("action_by").put("version", 1)
      .put("create_fingerprint", "ee08b743ac3c7421433c3d8d3e0e43ff3d8b761d55c03a8aec2201c2b13b08b8");
    return new JsonObject().put("request_id", id).put("uow_id", uow).put("intervention_type", "cancel")
      .put("priority", "high").put("required_role", "OPERATOR").put("pilot_id", "load-1").put("request", request);
  }

  // ---- what the log computes per event, on one thread ----------------------------------------

  private static void micro() throws Exception {
    int n = 200_000;
    EventDraft draft = new EventDraft("intervention_request", payload(1));
    for (int round = 0; round < 3; round++) { // warm-up rounds, the last one reported
      String prev = EventHash.GENESIS;
      EventId id = EventId.ZERO;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        id = id.next(1_796_666_152_652L + i);
        Event e = Event.chained(id, draft, prev);
        prev = e.hash();
      }
      long chained = System.nanoTime() - t0;
      long sink = 0;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += draft.payload().encode().length(); // StreamEntries.values encodes the payload again
      }
      long encode = System.nanoTime() - t0;
      String hashed = new JsonObject().put("timestamp", "2026-12-07T17:55:52.652Z")
        .put("event_type", "intervention_request").put("payload", draft.payload()).encode();
      t0 = System.nanoTime();
      String canonical = null;
      for (int i = 0; i < n; i++) {
        canonical = new JsonCanonicalizer(hashed).getEncodedString();
      }
      long jcs = System.nanoTime() - t0;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        sink += HexFormat.of().formatHex(digest.digest((prev + canonical).getBytes(StandardCharsets.UTF_8))).length();
      }
      long sha = System.nanoTime() - t0;
      if (round == 2) {
        System.out.printf(Locale.ROOT, "MICRO|%d|%.2f|%.2f|%.2f|%.2f|%d%n", canonical.length(),
          chained / 1e3 / n, encode / 1e3 / n, jcs / 1e3 / n, sha / 1e3 / n, sink % 7);
        System.err.printf(Locale.ROOT, "per event, one thread: Event.chained %.2f µs (JSON %d B); payload encode %.2f µs,"
          + " JCS canonicalisation %.2f µs, SHA-256 + hex %.2f µs%n", chained / 1e3 / n, canonical.length(),
          encode / 1e3 / n, jcs / 1e3 / n, sha / 1e3 / n);
      }
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private static final long HZ = 100; // USER_HZ on Linux

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long redisTicks() {
    if (redisPid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + redisPid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    } catch (Exception e) {
      return 0;
    }
  }

  /** user + nice + system + steal of all cores (irq/softirq left out, as run-wrk.sh does). */
  private static long busyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[8]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** {@code cmdstat_<name>:calls=…,usec=…} lines of INFO commandstats, by command name. */
  private static Map<String, String> commandStats(String info) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        int colon = line.indexOf(':');
        out.put(line.substring(8, colon), line.substring(colon + 1));
      }
    }
    return out;
  }

  private static String field(String stat, String name) {
    for (String kv : stat.split(",")) {
      if (kv.startsWith(name + "=")) {
        return kv.substring(name.length() + 1);
      }
    }
    return "";
  }

  /** p99 of a command from INFO latencystats ({@code latency_percentiles_usec_<cmd>:p50=…,p99=…}). */
  private static String percentile(String info, String command) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("latency_percentiles_usec_" + command + ":")) {
        return field(line.substring(line.indexOf(':') + 1), "p99");
      }
    }
    return "";
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
