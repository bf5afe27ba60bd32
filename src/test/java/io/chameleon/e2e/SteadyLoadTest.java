package io.chameleon.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.support.Pilots;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * BAR.md E26: a steady 200 requests a second for 60 s against the embedded default — 70 % reads,
 * 20 % approve/reject, 10 % pilot actions (resume, cancel) — with a real HTTP client, open loop
 * (a request is sent when it is due, whether or not the earlier ones were answered). Holds: no 5xx,
 * no timeout, p99 under 200 ms, no blocked-thread warning, and exactly one event of each kind per
 * acknowledged change, with the hash chain intact. {@code -Dload.seconds=N} shortens it locally.
 */
class SteadyLoadTest {

  static final int RATE = 200;
  static final int SECONDS = Integer.getInteger("load.seconds", 60);
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir
  Path dataDir;

  @Test
  void verifiesThatASteadyMixedLoadIsServedWithoutErrorsOrLostEvents() {
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(warnings);
    try (TestNode node = TestNode.start(dataDir)) {
      Pilots p = new Pilots(node);
      int total = RATE * SECONDS;
      int decisions = total / 5;
      int pilotActions = total / 10;

      // Set-up (not measured): one pending request per decision, one UOW awaiting approval per action.
      List<String> requests = setUp(node, decisions, i -> post(node, "/api/interventions", p.operator,
        new JsonObject().put("uow_id", "load-ext-" + i).put("intervention_type", "resume")
          .put("title", "load " + i).encode()))
        .stream().map(body -> new JsonObject(body).getJsonObject("data").getString("request_id")).toList();
      String instance = Pilots.newId();
      JsonObject approval = new JsonObject().put("approval_guardians", new JsonArray().add(Pilots.minAmount("big", 1000)));
      List<String> advanced = setUp(node, pilotActions, i -> post(node, "/api/uows", p.operator,
        new JsonObject().put("instance_id", instance).put("attributes", new JsonObject().put("amount", 500))
          .put("interaction_policy", approval).encode())
        .thenCompose(r -> {
          assertEquals(201, r.statusCode(), r.body());
          return post(node, "/api/uows/" + new JsonObject(r.body()).getJsonObject("data").getString("uow_id")
            + "/advance", p.operator, "{\"status\":\"ACTIVE\"}");
        }));
      List<String> parked = new ArrayList<>();
      for (String body : advanced) {
        JsonObject data = new JsonObject(body).getJsonObject("data");
        assertEquals("PENDING_PILOT_APPROVAL", data.getString("outcome"), body);
        parked.add(data.getJsonObject("uow").getString("uow_id"));
      }
      String before = p.lastEventId();
      warnings.list.clear();

      // The load: slot i is due at i / RATE seconds.
      String[] reads = {"/api/interventions/pending?limit=50", "/api/interventions/metrics",
        "/api/uows/" + parked.get(0), "/api/interventions/" + requests.get(0)};
      AtomicInteger nextDecision = new AtomicInteger();
      AtomicInteger nextAction = new AtomicInteger();
      Map<String, AtomicInteger> acknowledged = new HashMap<>();
      for (String kind : List.of("read", "approve", "reject", "resume", "cancel")) {
        acknowledged.put(kind, new AtomicInteger());
      }
      AtomicLongArray latencyMicros = new AtomicLongArray(total);
      AtomicInteger finished = new AtomicInteger();
      AtomicInteger serverErrors = new AtomicInteger();
      AtomicInteger timeouts = new AtomicInteger();
      List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger slot = new AtomicInteger();
      ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
      try {
        pacer.scheduleAtFixedRate(() -> {
          int i = slot.getAndIncrement();
          if (i >= total) {
            return;
          }
          int mix = i % 20;
          String kind;
          CompletableFuture<HttpResponse<String>> call;
          if (mix < 14) {
            kind = "read";
            call = get(node, reads[mix % reads.length], p.viewer);
          } else if (mix < 18) {
            int n = nextDecision.getAndIncrement();
            kind = n % 2 == 0 ? "approve" : "reject";
            call = post(node, "/api/interventions/" + requests.get(n) + "/" + kind, p.operator,
              "{\"reason\":\"load " + n + "\"}");
          } else {
            int n = nextAction.getAndIncrement();
            kind = n % 2 == 0 ? "resume" : "cancel";
            call = post(node, "/pilot/" + kind + "/" + parked.get(n), p.operator, "{\"reason\":\"load " + n + "\"}");
          }
          long sent = System.nanoTime();
          call.whenComplete((response, error) -> {
            latencyMicros.set(i, (System.nanoTime() - sent) / 1000);
            if (error != null) {
              if (error.getCause() instanceof HttpTimeoutException || error instanceof HttpTimeoutException) {
                timeouts.incrementAndGet();
              } else {
                unexpected.add(kind + ": " + error);
              }
            } else if (response.statusCode() >= 500) {
              serverErrors.incrementAndGet();
            } else if (response.statusCode() == 200) {
              acknowledged.get(kind).incrementAndGet();
            } else {
              unexpected.add(kind + ": " + response.statusCode() + " " + response.body());
            }
            finished.incrementAndGet();
          });
        }, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
        await().atMost(Duration.ofSeconds(SECONDS + 30)).pollInterval(Duration.ofMillis(200))
          .until(() -> finished.get() == total);
      } finally {
        pacer.shutdownNow();
      }

      long[] sorted = new long[total];
      for (int i = 0; i < total; i++) {
        sorted[i] = latencyMicros.get(i);
      }
      Arrays.sort(sorted);
      long p50 = sorted[total / 2];
      long p99 = sorted[(int) Math.ceil(total * 0.99) - 1];
      System.out.printf("E26: %d requests at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms; acknowledged %s%n",
        total, RATE, p50 / 1000.0, p99 / 1000.0, sorted[total - 1] / 1000.0, acknowledged);

      assertEquals(0, serverErrors.get(), "5xx answers");
      assertEquals(0, timeouts.get(), "timeouts");
      assertTrue(unexpected.isEmpty(), "unexpected answers: " + unexpected.subList(0, Math.min(5, unexpected.size())));
      assertTrue(p99 < 200_000, "p99 " + p99 / 1000.0 + " ms");
      List<String> blocked = warnings.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("has been blocked")).toList();
      assertTrue(blocked.isEmpty(), "blocked-thread warnings: " + blocked);

      Map<String, Integer> events = countEventTypes(p, before);
      int approves = acknowledged.get("approve").get();
      int rejects = acknowledged.get("reject").get();
      int resumes = acknowledged.get("resume").get();
      int cancels = acknowledged.get("cancel").get();
      assertEquals(decisions, approves + rejects);
      assertEquals(pilotActions, resumes + cancels);
      assertEquals(Map.of(
        "intervention_approved", approves,
        "intervention_rejected", rejects,
        "pilot_approval_granted", resumes,
        "pilot_cancellation_issued", cancels,
        "uow_status_changed", resumes + cancels,
        "intervention_completed", resumes + cancels), events, "one event of each kind per acknowledged change");
      JsonObject verify = node.http.get("/api/events/verify", p.viewer).data();
      assertTrue(verify.getBoolean("ok"), verify.encode());
    } finally {
      root.detachAppender(warnings);
    }
  }

  /** Runs {@code count} set-up calls, 50 at a time; each must answer 2xx. Returns the bodies. */
  private static List<String> setUp(TestNode node, int count, Function<Integer, CompletableFuture<HttpResponse<String>>> call) {
    List<String> results = new ArrayList<>();
    for (int from = 0; from < count; from += 50) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 50); i++) {
        batch.add(call.apply(i));
      }
      for (CompletableFuture<HttpResponse<String>> future : batch) {
        HttpResponse<String> response = future.join();
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        results.add(response.body());
      }
    }
    return results;
  }

  private static Map<String, Integer> countEventTypes(Pilots p, String after) {
    Map<String, Integer> counts = new HashMap<>();
    String last = after;
    while (true) {
      JsonArray page = p.events(last);
      if (page.isEmpty()) {
        return counts;
      }
      for (Object e : page) {
        counts.merge(((JsonObject) e).getString("event_type"), 1, Integer::sum);
      }
      last = page.getJsonObject(page.size() - 1).getString("id");
    }
  }

  private static CompletableFuture<HttpResponse<String>> get(TestNode node, String path, String token) {
    return node.http.sendAsync("GET", path, token, null, null, TIMEOUT);
  }

  private static CompletableFuture<HttpResponse<String>> post(TestNode node, String path, String token, String body) {
    return node.http.sendAsync("POST", path, token, body, null, TIMEOUT);
  }
}
