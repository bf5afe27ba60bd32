// Push latency benchmark for Chameleon: N dashboard sockets subscribed, M HTTP creates; for every
// (socket, create) pair, the time from the HTTP 201 arriving to that socket's new_request push.
//
// Single-file Java 17 program, run against the server jar's classpath (it holds vertx-core):
//   java -cp /tmp/build-load/chameleon.jar bench/load/PushLatency.java --port P --admin-token A --viewer-token V
// Normally started by bench/load/run-push-latency.sh, which starts and stops the server.
//
// Talks only to 127.0.0.1; bounded by --changes and a fixed drain timeout.

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

public class PushLatency {

  static int port;
  static String adminToken;
  static String viewerToken;
  static int sockets = 200;
  static int changes = 500;
  static int intervalMs = 100;   // pause between one create's 201 and the next create (0 = back to back)
  static int clientLoops = 2;
  static String label = "";

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      String k = args[i], v = args[i + 1];
      switch (k) {
        case "--port" -> port = Integer.parseInt(v);
        case "--admin-token" -> adminToken = v;
        case "--viewer-token" -> viewerToken = v;
        case "--sockets" -> sockets = Integer.parseInt(v);
        case "--changes" -> changes = Integer.parseInt(v);
        case "--interval-ms" -> intervalMs = Integer.parseInt(v);
        case "--client-loops" -> clientLoops = Integer.parseInt(v);
        case "--label" -> label = v;
        default -> throw new IllegalArgumentException("unknown argument " + k);
      }
    }
    if (port == 0 || adminToken == null || viewerToken == null) {
      throw new IllegalArgumentException("--port, --admin-token and --viewer-token are required");
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops));
    try {
      System.out.println("\n==== REPORT ====\n" + run(vertx));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static String run(Vertx vertx) throws Exception {
    String prefix = "push-" + System.currentTimeMillis() + "-";
    // arrivals[change * sockets + socket] = nanoTime the new_request push for that change arrived
    AtomicLongArray arrivals = new AtomicLongArray(changes * sockets);
    AtomicLong duplicates = new AtomicLong();
    AtomicLong foreign = new AtomicLong();
    AtomicLong closes = new AtomicLong();
    Map<String, AtomicLong> types = new ConcurrentHashMap<>();
    List<String> oddFrames = java.util.Collections.synchronizedList(new ArrayList<>());

    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets + 10)
      .setMaxMessageSize(1 << 20));
    List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
    long c0 = System.nanoTime();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (int s = 0; s < sockets; s++) {
      int idx = s;
      CompletableFuture<Void> subscribed = new CompletableFuture<>();
      ready.add(subscribed);
      // each connect from a fresh context: sockets spread over the client's event loops
      vertx.runOnContext(v -> ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws/interventions/websocket"))
        .onFailure(subscribed::completeExceptionally)
        .onSuccess(socket -> {
          open.add(socket);
          socket.closeHandler(x -> closes.incrementAndGet());
          socket.handler(buf -> {
            long now = System.nanoTime();
            JsonObject msg;
            try {
              msg = new JsonObject(buf.toString(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
              oddFrames.add("unparsable: " + buf);
              return;
            }
            String type = msg.getString("type");
            types.computeIfAbsent(String.valueOf(type), t -> new AtomicLong()).incrementAndGet();
            if (msg.containsKey("id")) {  // a reply
              if (!Boolean.TRUE.equals(msg.getBoolean("success"))) {
                subscribed.completeExceptionally(new IllegalStateException("socket " + idx + ": " + msg.encode()));
              } else if ("1".equals(msg.getString("id"))) {
                socket.writeTextMessage("{\"type\":\"subscribe\",\"id\":\"2\",\"payload\":{}}");
              } else if ("2".equals(msg.getString("id"))) {
                subscribed.complete(null);
              }
              return;
            }
            if ("new_request".equals(type)) {
              String rid = msg.getJsonObject("data").getString("request_id");
              if (rid == null || !rid.startsWith(prefix)) {
                foreign.incrementAndGet();
                return;
              }
              int change = Integer.parseInt(rid.substring(prefix.length()));
              if (!arrivals.compareAndSet(change * sockets + idx, 0, now)) {
                duplicates.incrementAndGet();
              }
            } else if (!"event".equals(type) && !"metrics_update".equals(type) && !"status_changed".equals(type)) {
              if (oddFrames.size() < 20) {
                oddFrames.add(msg.encode());
              }
            }
          });
          socket.writeTextMessage("{\"type\":\"auth\",\"id\":\"1\",\"payload\":{\"token\":\"" + viewerToken + "\"}}");
        }));
    }
    CompletableFuture.allOf(ready.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
    double connectSecs = (System.nanoTime() - c0) / 1e9;
    System.err.printf(Locale.ROOT, "%d sockets authenticated and subscribed in %.2f s%n", sockets, connectSecs);
    Thread.sleep(1000);  // let the subscribe replays and first metrics pushes settle

    // Sequential creates on the HTTP client's own context.
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(1));
    long[] ack = new long[changes];
    long[] sent = new long[changes];
    long[] httpLatency = new long[changes];
    int non201 = 0;
    for (int i = 0; i < changes; i++) {
      String body = "{\"request_id\":\"" + prefix + i + "\",\"uow_id\":\"ext-push-" + i
        + "\",\"intervention_type\":\"cancel\",\"title\":\"push latency " + i + "\",\"priority\":\"high\"}";
      CompletableFuture<Integer> done = new CompletableFuture<>();
      int n = i;
      long t0 = System.nanoTime();
      sent[i] = t0;
      vertx.runOnContext(v -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/interventions")
          .putHeader("Authorization", "Bearer " + adminToken).putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          ack[n] = System.nanoTime();  // the full 201 has arrived
          return resp.statusCode();
        }))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        }));
      int status = done.get(30, TimeUnit.SECONDS);
      httpLatency[i] = ack[i] - t0;
      if (status != 201) {
        non201++;
        System.err.println("create " + i + " answered " + status);
      }
      if (intervalMs > 0) {
        Thread.sleep(intervalMs);
      }
    }
    // drain: wait until every push arrived or 10 s passed
    long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long delivered;
    do {
      delivered = 0;
      for (int k = 0; k < arrivals.length(); k++) {
        if (arrivals.get(k) != 0) {
          delivered++;
        }
      }
      if (delivered == (long) changes * sockets) {
        break;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < drainEnd);

    long[] lat = new long[(int) delivered];
    long[] fromSent = new long[(int) delivered];
    int j = 0;
    int[] missingPerSocket = new int[sockets];
    for (int c = 0; c < changes; c++) {
      for (int s = 0; s < sockets; s++) {
        long a = arrivals.get(c * sockets + s);
        if (a == 0) {
          missingPerSocket[s]++;
        } else {
          fromSent[j] = a - sent[c];
          lat[j++] = a - ack[c];
        }
      }
    }
    Arrays.sort(lat);
    Arrays.sort(fromSent);
    long[] hl = httpLatency.clone();
    Arrays.sort(hl);
    long negative = Arrays.stream(lat).filter(x -> x < 0).count();
    int socketsMissing = (int) Arrays.stream(missingPerSocket).filter(x -> x > 0).count();
    long expected = (long) changes * sockets;

    StringBuilder r = new StringBuilder();
    r.append(String.format(Locale.ROOT, "#### %s%d sockets, %d creates, %d ms pause after each 201%n%n",
      label.isEmpty() ? "" : label + ": ", sockets, changes, intervalMs));
    r.append("| deliveries / expected | median ms | p90 ms | p99 ms | max ms | min ms | negative | "
      + "HTTP create median / p99 ms | push − request sent: median / p99 / max ms |\n");
    r.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    r.append(String.format(Locale.ROOT, "| %d / %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.2f / %.2f | %.2f / %.2f / %.2f |%n",
      delivered, expected, ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)), ms(pct(lat, 0)),
      negative, ms(pct(hl, 50)), ms(pct(hl, 99)), ms(pct(fromSent, 50)), ms(pct(fromSent, 99)),
      ms(pct(fromSent, 100))));
    r.append(String.format(Locale.ROOT, "%nSockets connected, authenticated and subscribed in %.2f s; "
        + "socket closes during the run: %d; sockets missing a push: %d; duplicate new_request pushes: %d; "
        + "new_request for other requests: %d; non-201 creates: %d.%n", connectSecs, closes.get(), socketsMissing,
      duplicates.get(), foreign.get(), non201));
    r.append("Frames received by type (all sockets): ").append(new TreeMap<>(types)).append('\n');
    if (!oddFrames.isEmpty()) {
      r.append("Other frames (first ").append(oddFrames.size()).append("): ").append(oddFrames).append('\n');
    }
    for (WebSocket s : new ArrayList<>(open)) {
      s.close();
    }
    return r.toString();
  }

  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}
