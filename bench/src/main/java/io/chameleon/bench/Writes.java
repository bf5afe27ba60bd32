package io.chameleon.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/interventions} (one create each, unique {@code request_id} {@code <prefix><n>})
 * against one node, {@code --in-flight} at a time, as the benchmark scripts need them:
 *
 * <ul>
 *   <li>{@code --count N}: N creates, then exit (0 when all answered 201; prints the rate);
 *   <li>{@code --log FILE --stop-file F}: until F exists, one line per answer to FILE:
 *       {@code <sent epoch ms> <answered epoch ms> <status> <request_id>} (status -1: no answer,
 *       e.g. refused connection or the client's timeout) — the take-over probe.
 * </ul>
 *
 * <pre>java -cp benchmarks.jar io.chameleon.bench.Writes --port P --token T --count 10000 [--in-flight 64] [--prefix tail-]</pre>
 */
public final class Writes {

  private Writes() {
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    String token = null;
    long count = -1;
    int inFlight = 64;
    String prefix = "w-" + System.currentTimeMillis() + "-";
    Path logFile = null;
    Path stopFile = null;
    long timeoutMs = 10_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--token" -> token = args[++i];
        case "--count" -> count = Long.parseLong(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--prefix" -> prefix = args[++i];
        case "--log" -> logFile = Path.of(args[++i]);
        case "--stop-file" -> stopFile = Path.of(args[++i]);
        case "--timeout-ms" -> timeoutMs = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (port == 0 || token == null || (count < 0) == (stopFile == null)) {
      throw new IllegalArgumentException("--port P --token T and either --count N or --log FILE --stop-file F");
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(Math.max(1, inFlight)).setMaxWaitQueueSize(-1));
    PrintWriter log = logFile == null ? null : new PrintWriter(Files.newBufferedWriter(logFile));
    Map<Integer, Integer> statuses = new TreeMap<>();
    long[] next = {0};
    long[] done = {0};
    CompletableFuture<Void> finished = new CompletableFuture<>();
    int[] live = {inFlight};
    String auth = "Bearer " + token;
    final String pre = prefix;
    final long total = count;
    final Path stop = stopFile;
    final long timeout = timeoutMs;
    long t0 = System.nanoTime();
    Runnable[] lane = new Runnable[1];
    lane[0] = () -> {
      boolean more = total >= 0 ? next[0] < total : !Files.exists(stop);
      if (!more) {
        if (--live[0] == 0) {
          finished.complete(null);
        }
        return;
      }
      long n = next[0]++;
      String id = pre + n;
      String body = "{\"request_id\":\"" + id + "\",\"uow_id\":\"ext-" + id + "\",\"intervention_type\":\"cancel\","
        + "\"title\":\"load request " + n + "\",\"priority\":\"normal\",\"context\":{\"source\":\"bench\",\"n\":" + n
        + "},\"expires_in_seconds\":604800}";
      long sent = System.currentTimeMillis();
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/interventions")
          .putHeader("Authorization", auth).putHeader("Content-Type", "application/json").setTimeout(timeout))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .otherwise(-1)
        .onComplete(ar -> {
          int status = ar.result();
          statuses.merge(status, 1, Integer::sum);
          done[0]++;
          if (log != null) {
            log.println(sent + " " + System.currentTimeMillis() + " " + status + " " + id);
          }
          if (status == -1 && total < 0) {
            // a refused connection fails at once: do not spin
            vertx.setTimer(20, t -> lane[0].run());
          } else {
            lane[0].run();
          }
        });
    };
    final int lanes = inFlight;
    vertx.runOnContext(v -> {
      for (int i = 0; i < lanes; i++) {
        lane[0].run();
      }
    });
    finished.get(2, TimeUnit.HOURS);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (log != null) {
      log.close();
    }
    System.out.printf(Locale.ROOT, "%d requests in %.1f s (%.0f/s), statuses %s%n", done[0], secs, done[0] / secs, statuses);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    boolean ok = statuses.keySet().stream().allMatch(s -> s == 201);
    System.exit(total >= 0 && !ok ? 1 : 0);
  }
}
