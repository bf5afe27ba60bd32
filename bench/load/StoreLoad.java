// Store load benchmark for Chameleon: pending list at 10k / 100k pending, a create/claim/approve
// mix against same-run baselines, and heap per stored request.
//
// Single-file Java 17 program, run against the server jar's classpath (it holds vertx-core):
//   java -cp /tmp/build-load/chameleon.jar bench/load/StoreLoad.java --port P --token T --token2 T2 --pid PID
// Normally started by bench/load/run-store-load.sh, which starts and stops the server.
//
// Talks only to 127.0.0.1. Every phase is bounded by a count or a deadline.

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class StoreLoad {

  // ---- arguments -------------------------------------------------------------------------------
  static int port;
  static String token;        // ADMIN, sub load-1: seeds, mixed load, reads
  static String token2;       // ADMIN, sub load-2: claims a fixed set so ?pilot_id= has something to find
  static long pid = -1;       // server pid for jcmd (heap after full GC); -1 = skip memory phase
  static int[] levels = {10_000, 100_000};
  static int seedInFlight = 64;
  static int readRequests = 2_000;
  static int readInFlight = 16;
  static int readWarmup = 500;
  static int readReps = 5;
  static int heapMaxMib = 1024;       // the server's -Xmx, to stop the memory phase before it
  static String phases = "reads,mixed,memory";
  static int mixedSeconds = 30;
  static int mixedWarmupSeconds = 5;
  static int mixedInFlight = 48;
  static int baselineSeconds = 10;
  static int memSeconds = 480;        // seeding budget for the memory phase
  static int memTarget = 1_000_000;   // stop earlier if this many are stored
  static int pilotClaims = 500;       // requests claimed by load-2

  // ---- client ----------------------------------------------------------------------------------
  static Vertx vertx;
  static Context ctx;
  static HttpClientAgent client;
  static long nextId = 0;             // next ld-<n> to create (touched on ctx only)
  static final Random RND = new Random(42);
  static final String[] PRIORITIES = {"critical", "high", "normal", "low"};
  static final String[] TYPES = {"cancel", "clarification", "resume"};
  static final StringBuilder REPORT = new StringBuilder();

  record Res(int status, Buffer body, long nanos) {
  }

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      String k = args[i], v = args[i + 1];
      switch (k) {
        case "--port" -> port = Integer.parseInt(v);
        case "--token" -> token = v;
        case "--token2" -> token2 = v;
        case "--pid" -> pid = Long.parseLong(v);
        case "--levels" -> levels = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--read-requests" -> readRequests = Integer.parseInt(v);
        case "--mixed-seconds" -> mixedSeconds = Integer.parseInt(v);
        case "--mixed-in-flight" -> mixedInFlight = Integer.parseInt(v);
        case "--baseline-seconds" -> baselineSeconds = Integer.parseInt(v);
        case "--mem-seconds" -> memSeconds = Integer.parseInt(v);
        case "--mem-target" -> memTarget = Integer.parseInt(v);
        case "--read-reps" -> readReps = Integer.parseInt(v);
        case "--heap-max-mib" -> heapMaxMib = Integer.parseInt(v);
        case "--phases" -> phases = v;
        default -> throw new IllegalArgumentException("unknown argument " + k);
      }
    }
    if (port == 0 || token == null || token2 == null) {
      throw new IllegalArgumentException("--port, --token and --token2 are required");
    }
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setPipelining(false),
      new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(-1));
    ctx = vertx.getOrCreateContext();
    try {
      run();
    } finally {
      System.out.println("\n==== REPORT ====\n" + REPORT);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static void run() throws Exception {
    line("## StoreLoad %s (phases: %s)", java.time.Instant.now(), phases);
    line("");
    List<String[]> readRows = new ArrayList<>();
    Map<Integer, Stats> p99Default = new TreeMap<>();
    boolean claimedForPilot = false;
    double seedRate = 0;
    boolean reads = phases.contains("reads");
    for (int level : reads ? levels : new int[0]) {
      seedRate = seedTo(level, seedInFlight, Long.MAX_VALUE);
      if (!claimedForPilot) {
        claimForPilot2();
        claimedForPilot = true;
      }
      int pendingNow = pendingTotal();
      Stats d = readBench("/api/interventions/pending?limit=50");
      p99Default.put(level, d);
      readRows.add(row(level, pendingNow, "limit=50 (first page)", d));
      int deep = Math.min(50_000, level / 2);
      Stats o = readBench("/api/interventions/pending?limit=50&offset=" + deep);
      readRows.add(row(level, pendingNow, "limit=50&offset=" + deep, o));
      Stats p = readBench("/api/interventions/pending?limit=50&pilot_id=load-2");
      readRows.add(row(level, pendingNow, "limit=50&pilot_id=load-2 (" + pilotClaims + " claimed)", p));
      Stats n = readBench("/api/interventions/pending?limit=50&pilot_id=nobody");
      readRows.add(row(level, pendingNow, "limit=50&pilot_id=nobody (empty)", n));
    }
    if (reads) {
    line("");
    line("### Pending list (GET, %d rounds of %d requests after %d warm-up, %d in flight)", readReps, readRequests,
      readWarmup, readInFlight);
    line("");
    line("Percentiles pooled over all rounds; the round p99 column is the median round p99 (min–max over rounds).");
    line("");
    line("| seeded | pending total | query | req/s | median ms | p90 ms | p99 ms | round p99 ms | max ms | non-200 |");
    line("|---:|---:|---|---:|---:|---:|---:|---|---:|---:|");
    for (String[] r : readRows) {
      line("| %s |", String.join(" | ", r));
    }
    if (p99Default.size() >= 2) {
      List<Integer> ks = new ArrayList<>(p99Default.keySet());
      int lo = ks.get(0), hi = ks.get(ks.size() - 1);
      line("");
      line("p99(first page, %d) / p99(first page, %d) = **%.2f** (pooled); median round p99 ratio = **%.2f**; "
        + "median ratio = **%.2f**", hi, lo, p99Default.get(hi).p99() / p99Default.get(lo).p99(),
        p99Default.get(hi).repP99Median() / p99Default.get(lo).repP99Median(),
        p99Default.get(hi).pct(50) / p99Default.get(lo).pct(50));
    }
    }

    // ---- mixed load with same-run baselines ----
    if (phases.contains("mixed")) {
    if (nextId == 0) {
      seedRate = seedTo(levels[levels.length - 1], seedInFlight, Long.MAX_VALUE);
    }
    line("");
    line("### Mixed load vs same-run baselines (baselines %d s, mix %d s, each after a warm-up; %d in flight)",
      baselineSeconds, mixedSeconds, mixedInFlight);
    line("");
    Stats health = closedLoop("GET /health", baselineSeconds, mixedInFlight,
      () -> call(HttpMethod.GET, "/health", null, null), null);
    Stats metrics = closedLoop("GET /api/interventions/metrics", baselineSeconds, mixedInFlight,
      () -> call(HttpMethod.GET, "/api/interventions/metrics", token, null), null);
    Mixed mixed = mixedLoad();
    line("| load | requests | req/s | ratio to /health | ratio to metrics | median ms | p99 ms | 5xx | other non-2xx |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Stats s : List.of(health, metrics)) {
      line("| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d |", s.name, s.n(), s.rate(),
        s.rate() / health.rate(), s.rate() / metrics.rate(), s.pct(50), s.pct(99), s.fivexx, s.otherNon2xx);
    }
    for (Stats s : List.of(mixed.all, mixed.create, mixed.claim, mixed.approve)) {
      line("| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d |", s.name, s.n(), s.rate(),
        s.rate() / health.rate(), s.rate() / metrics.rate(), s.pct(50), s.pct(99), s.fivexx, s.otherNon2xx);
    }
    line("");
    line("Mix actually run: create %d, claim %d, approve %d (approve falls back to claim when nothing is claimed yet).",
      mixed.create.n(), mixed.claim.n(), mixed.approve.n());
    if (!mixed.statuses.isEmpty()) {
      line("Status codes seen in the mix: %s", mixed.statuses);
    }
    }

    // ---- memory ----
    if (pid > 0 && phases.contains("memory")) {
      memoryPhase();
    }
    line("");
    line("### Seeding (POST /api/interventions, %d in flight, external uow_ids, unique request_ids)", seedInFlight);
    line("");
    line("| from | to | seconds | creates/s | median ms | p99 ms | non-201 |");
    line("|---:|---:|---:|---:|---:|---:|---:|");
    REPORT.append(SEED_ROWS);
  }

  static final StringBuilder SEED_ROWS = new StringBuilder();

  static String[] row(int level, int pendingNow, String q, Stats s) {
    return new String[] {String.valueOf(level), String.valueOf(pendingNow), "`" + q + "`",
      String.format(Locale.ROOT, "%.0f", s.rate()), f2(s.pct(50)), f2(s.pct(90)), f2(s.pct(99)),
      f2(s.repP99Median()) + " (" + f2(s.repP99Min()) + "–" + f2(s.repP99Max()) + ")", f2(s.pct(100)),
      String.valueOf(s.fivexx + s.otherNon2xx)};
  }

  // ---- phases ----------------------------------------------------------------------------------

  /** Creates ld-<nextId>.. until nextId == target or the deadline passes; returns creates/s. */
  static double seedTo(long target, int inFlight, long deadlineNanos) throws Exception {
    long from = nextId;
    if (target <= from) {
      return 0;
    }
    Stats s = new Stats("seed");
    long t0 = System.nanoTime();
    runWorkers(inFlight, () -> nextId < target && System.nanoTime() < deadlineNanos,
      () -> create(), r -> s.add(r, 201));
    double secs = (System.nanoTime() - t0) / 1e9;
    double rate = (nextId - from) / secs;
    SEED_ROWS.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.2f | %.2f | %d |%n", from, nextId, secs,
      rate, s.pct(50), s.pct(99), s.fivexx + s.otherNon2xx));
    System.err.printf(Locale.ROOT, "seeded %d..%d in %.1f s (%.0f/s)%n", from, nextId, secs, rate);
    return rate;
  }

  static Future<Res> create() {
    long n = nextId++;
    String body = "{\"request_id\":\"ld-" + n + "\",\"uow_id\":\"ext-" + n + "\",\"intervention_type\":\""
      + TYPES[(int) (n % TYPES.length)] + "\",\"title\":\"load request " + n + "\",\"priority\":\""
      + PRIORITIES[RND.nextInt(PRIORITIES.length)] + "\",\"context\":{\"source\":\"bench\",\"n\":" + n
      + "},\"expires_in_seconds\":604800}";
    return call(HttpMethod.POST, "/api/interventions", token, body);
  }

  /** load-2 claims ld-0 .. ld-(pilotClaims-1), so ?pilot_id=load-2 has a fixed-size set. */
  static void claimForPilot2() throws Exception {
    int[] i = {0};
    Stats s = new Stats("claim2");
    runWorkers(16, () -> i[0] < pilotClaims,
      () -> call(HttpMethod.POST, "/api/interventions/ld-" + (i[0]++) + "/claim", token2, "{}"), r -> s.add(r, 200));
    if (s.fivexx + s.otherNon2xx > 0) {
      System.err.println("load-2 claims: " + (s.fivexx + s.otherNon2xx) + " failed");
    }
  }

  static int pendingTotal() throws Exception {
    Res r = onCtx(() -> call(HttpMethod.GET, "/api/interventions/pending?limit=1", token, null));
    return r.body.toJsonObject().getJsonObject("data").getInteger("total");
  }

  /** Warm-up, then readReps rounds of readRequests; pooled stats, with each round's p99 kept. */
  static Stats readBench(String uri) throws Exception {
    int[] i = {0};
    Stats warm = new Stats("warm");
    runWorkers(readInFlight, () -> i[0]++ < readWarmup, () -> call(HttpMethod.GET, uri, token, null),
      r -> warm.add(r, 200));
    Stats s = new Stats(uri);
    s.start();
    for (int rep = 0; rep < readReps; rep++) {
      int[] j = {0};
      Stats one = new Stats(uri);
      runWorkers(readInFlight, () -> j[0]++ < readRequests, () -> call(HttpMethod.GET, uri, token, null), r -> {
        s.add(r, 200);
        one.add(r, 200);
      });
      s.repP99.add(one.pct(99));
    }
    s.stop();
    System.err.printf(Locale.ROOT, "%s: median %.2f p99 %.2f ms, round p99s %s%n", uri, s.pct(50), s.pct(99), s.repP99);
    return s;
  }

  static Stats closedLoop(String name, int seconds, int inFlight, Supplier<Future<Res>> op, Integer expect)
    throws Exception {
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    runWorkers(inFlight, () -> System.nanoTime() < warmEnd, op, r -> { });
    Stats s = new Stats(name);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    s.start();
    runWorkers(inFlight, () -> System.nanoTime() < end, op, r -> s.add(r, expect == null ? 200 : expect));
    s.stop();
    System.err.printf(Locale.ROOT, "%s: %.0f req/s, median %.2f p99 %.2f ms%n", name, s.rate(), s.pct(50), s.pct(99));
    return s;
  }

  record Mixed(Stats all, Stats create, Stats claim, Stats approve, Map<String, Integer> statuses) {
  }

  static Mixed mixedLoad() throws Exception {
    // Claims take the oldest seeded, unclaimed ids (after load-2's); approves take claimed ids.
    long[] claimCursor = {pilotClaims};
    long seededLimit = nextId;
    ArrayDeque<String> claimed = new ArrayDeque<>();
    ArrayDeque<String> created = new ArrayDeque<>();
    long[] fallbacks = {0};
    Stats all = new Stats("mixed (all)");
    Stats c = new Stats("  create (40 %)");
    Stats cl = new Stats("  claim (30 %)");
    Stats ap = new Stats("  approve (30 %)");
    Map<String, Integer> statuses = new TreeMap<>();
    boolean[] measuring = {false};
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(mixedWarmupSeconds);
    long end = warmEnd + TimeUnit.SECONDS.toNanos(mixedSeconds);
    Supplier<Future<Res>> op = () -> {
      if (!measuring[0] && System.nanoTime() >= warmEnd) {
        measuring[0] = true;
        all.start();
        c.start();
        cl.start();
        ap.start();
      }
      boolean m = measuring[0];
      int dice = RND.nextInt(100);
      if (dice < 40) {
        String cid = "ld-" + nextId;
        return create().map(r -> {
          if (r.status == 201) {
            created.add(cid);
          }
          if (m) {
            all.add(r, 201);
            c.add(r, 201);
            count(statuses, "create", r.status);
          }
          return r;
        });
      }
      String approveId = dice >= 70 ? claimed.poll() : null;
      if (approveId != null) {
        return call(HttpMethod.POST, "/api/interventions/" + approveId + "/approve", token,
          "{\"reason\":\"load test approval\"}").map(r -> {
            if (m) {
              all.add(r, 200);
              ap.add(r, 200);
              count(statuses, "approve", r.status);
            }
            return r;
          });
      }
      String id = claimCursor[0] < seededLimit ? "ld-" + claimCursor[0]++ : created.poll();
      if (id == null) {
        fallbacks[0]++;
        return create();
      }
      return call(HttpMethod.POST, "/api/interventions/" + id + "/claim", token, "{}").map(r -> {
        if (r.status == 200) {
          claimed.add(id);
        }
        if (m) {
          all.add(r, 200);
          cl.add(r, 200);
          count(statuses, "claim", r.status);
        }
        return r;
      });
    };
    runWorkers(mixedInFlight, () -> System.nanoTime() < end, op, r -> { });
    all.stop();
    c.stop();
    cl.stop();
    ap.stop();
    System.err.printf(Locale.ROOT, "mixed: %.0f req/s, median %.2f p99 %.2f ms, 5xx %d, unmeasured fallbacks %d%n",
      all.rate(), all.pct(50), all.pct(99), all.fivexx, fallbacks[0]);
    if (fallbacks[0] > 0) {
      statuses.put("fallback creates (nothing to claim)", (int) fallbacks[0]);
    }
    return new Mixed(all, c, cl, ap, statuses);
  }

  static void count(Map<String, Integer> m, String op, int status) {
    m.merge(op + " " + status, 1, Integer::sum);
  }

  /**
   * Seeds towards memTarget in steps, measuring heap after a full GC at each step; stops at the
   * target, at the time budget, or when the next step would take heap after GC past 85 % of the
   * server's -Xmx (past that the server would thrash or die; the line is clear enough to extrapolate).
   */
  static void memoryPhase() throws Exception {
    line("");
    line("### Heap per stored request (server -Xmx%dm, heap used after `jcmd GC.run`)", heapMaxMib);
    line("");
    line("Seeding towards %d stored requests, time budget %d s, stopping early when the next step would pass 85 %% of -Xmx.",
      memTarget, memSeconds);
    line("");
    line("| stored requests (total_interventions) | heap used after full GC MiB | heap committed MiB | creates/s in the step |");
    line("|---:|---:|---:|---:|");
    List<double[]> points = new ArrayList<>();
    points.add(heapPoint(Double.NaN));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(memSeconds);
    long step = Math.max(10_000, memTarget / 10);
    String why = "reached the target";
    while (nextId < memTarget) {
      if (System.nanoTime() >= end) {
        why = "time budget spent";
        break;
      }
      double[] cur = points.get(points.size() - 1);
      double projected = cur[1];
      if (points.size() >= 2) {
        double[] prev = points.get(points.size() - 2);
        projected += (cur[1] - prev[1]) / Math.max(1, cur[0] - prev[0]) * step;
      }
      if (projected > 0.85 * heapMaxMib * 1048576.0) {
        why = String.format(Locale.ROOT, "the next step would take heap after GC to ~%.0f MiB, past 85 %% of -Xmx",
          projected / 1048576.0);
        break;
      }
      double rate = seedTo(Math.min(memTarget, nextId + step), seedInFlight, end);
      points.add(heapPoint(rate));
    }
    // least-squares line through the points after the first (the first is before bulk seeding)
    List<double[]> fit = points.size() > 2 ? points.subList(1, points.size()) : points;
    double n = fit.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (double[] p : fit) {
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      sxy += p[0] * p[1];
    }
    double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double a = (sy - b * sx) / n;
    double at1m = a + b * 1_000_000;
    double[] last = points.get(points.size() - 1);
    line("");
    line("Stopped: %s, at %.0f stored.", why, last[0]);
    line("Fit over %d points: heap_used ≈ %.1f MiB + %.0f bytes × stored requests → at 1,000,000 stored: **%.0f MiB** "
      + "(%s 1024 MiB). Measured at %.0f stored: %.0f bytes per request (whole heap / count).",
      fit.size(), a / 1048576.0, b, at1m / 1048576.0, at1m < 1024 * 1048576.0 ? "under" : "OVER", last[0],
      last[1] / last[0]);
  }

  static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

  /** [stored, usedBytes] after a full GC in the server. */
  static double[] heapPoint(double rate) throws Exception {
    JsonObject m = onCtx(() -> call(HttpMethod.GET, "/api/interventions/metrics", token, null)).body.toJsonObject()
      .getJsonObject("data");
    long stored = m.getLong("total_interventions");
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher mm = HEAP.matcher(info);
    if (!mm.find()) {
      throw new IllegalStateException("cannot parse heap info: " + info);
    }
    double committed = Long.parseLong(mm.group(1)) * 1024.0, used = Long.parseLong(mm.group(2)) * 1024.0;
    line("| %d | %.1f | %.1f | %s |", stored, used / 1048576.0, committed / 1048576.0,
      Double.isNaN(rate) ? "—" : String.format(Locale.ROOT, "%.0f", rate));
    System.err.printf(Locale.ROOT, "heap: %d stored, %.1f MiB used after GC%n", stored, used / 1048576.0);
    return new double[] {stored, used};
  }

  static String jcmd(String what) throws Exception {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid), what).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        out.append(l).append('\n');
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + what + " failed: " + out);
    }
    return out.toString();
  }

  // ---- plumbing --------------------------------------------------------------------------------

  static Future<Res> call(HttpMethod method, String uri, String bearer, String body) {
    long t0 = System.nanoTime();
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri);
    if (bearer != null) {
      o.putHeader("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      o.putHeader("Content-Type", "application/json");
    }
    return client.request(o)
      .compose(req -> body == null ? req.send() : req.send(body))
      .compose(resp -> resp.body().map(b -> new Res(resp.statusCode(), b, System.nanoTime() - t0)))
      .recover(err -> Future.succeededFuture(new Res(-1, Buffer.buffer(String.valueOf(err)), System.nanoTime() - t0)));
  }

  static <T> T onCtx(Supplier<Future<T>> s) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    ctx.runOnContext(v -> s.get().onComplete(ar -> {
      if (ar.succeeded()) {
        f.complete(ar.result());
      } else {
        f.completeExceptionally(ar.cause());
      }
    }));
    return f.get(60, TimeUnit.SECONDS);
  }

  /**
   * Closed loop: {@code inFlight} workers on the client's one event loop; each issues the next call
   * while {@code more} holds. Returns when every worker has stopped.
   */
  static void runWorkers(int inFlight, Supplier<Boolean> more, Supplier<Future<Res>> op, Consumer<Res> sink)
    throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    int[] live = {inFlight};
    ctx.runOnContext(v -> {
      for (int w = 0; w < inFlight; w++) {
        next(more, op, sink, live, done);
      }
    });
    done.get(30, TimeUnit.MINUTES);
  }

  static void next(Supplier<Boolean> more, Supplier<Future<Res>> op, Consumer<Res> sink, int[] live,
    CompletableFuture<Void> done) {
    if (!more.get()) {
      if (--live[0] == 0) {
        done.complete(null);
      }
      return;
    }
    op.get().onComplete(ar -> {
      if (ar.succeeded()) {
        sink.accept(ar.result());
      }
      next(more, op, sink, live, done);
    });
  }

  static final class Stats {
    final String name;
    long[] lat = new long[1024];
    int n;
    long fivexx, otherNon2xx, t0, t1;
    final Map<String, Integer> errors = new HashMap<>();
    final List<Double> repP99 = new ArrayList<>();

    double repP99Min() {
      return repP99.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double repP99Max() {
      return repP99.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    double repP99Median() {
      double[] a = repP99.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return a.length == 0 ? Double.NaN : a[a.length / 2];
    }

    Stats(String name) {
      this.name = name;
    }

    void start() {
      t0 = System.nanoTime();
    }

    void stop() {
      t1 = System.nanoTime();
    }

    void add(Res r, int expected) {
      if (t0 == 0) {
        t0 = System.nanoTime() - r.nanos;
      }
      if (n == lat.length) {
        lat = Arrays.copyOf(lat, n * 2);
      }
      lat[n++] = r.nanos;
      if (r.status >= 500 || r.status < 0) {
        fivexx++;
        if (fivexx <= 3) {
          System.err.println(name + ": " + r.status + " " + r.body);
        }
      } else if (r.status != expected) {
        otherNon2xx++;
        if (otherNon2xx <= 3) {
          System.err.println(name + ": " + r.status + " " + r.body);
        }
      }
    }

    int n() {
      return n;
    }

    double rate() {
      long end = t1 == 0 ? System.nanoTime() : t1;
      return n / ((end - t0) / 1e9);
    }

    double pct(double p) {
      if (n == 0) {
        return Double.NaN;
      }
      long[] s = Arrays.copyOf(lat, n);
      Arrays.sort(s);
      int idx = (int) Math.ceil(p / 100.0 * n) - 1;
      return s[Math.max(0, Math.min(n - 1, idx))] / 1e6;
    }

    double p99() {
      return pct(99);
    }
  }

  static String f2(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  static void line(String fmt, Object... args) {
    String s = String.format(Locale.ROOT, fmt, args);
    REPORT.append(s).append('\n');
    System.err.println(s);
  }
}
