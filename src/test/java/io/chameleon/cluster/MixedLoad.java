package io.chameleon.cluster;

import io.chameleon.support.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mixed write load of the cluster fault tests (BAR D25), as engines and pilots would send it:
 * flows of dependent requests — register a UOW, advance it, halt its instance, cancel it, release
 * the instance; create an intervention request, claim it, approve it — several flows in flight,
 * each request spread over the gateways. Every id is chosen by the client and every request carries
 * an {@code Idempotency-Key}, so a request that fails (503, a timeout, a connection error) is
 * retried as it was, on the next gateway, until it gets an answer; each attempt is kept. A hook may
 * run when a given request is sent (the fault). Each request names the one event its success must
 * leave in the stream ({@link #effect}).
 */
final class MixedLoad {

  /** One attempt's wait: above the bus timeout (5 s), so a gateway that answers at all answers first. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  /** How long a request is retried before the load gives up on it. */
  static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final long RETRY_DELAY_MS = 100;

  /** One request: what to send and the effect its success must leave. */
  record Step(String method, String path, String token, String body, String key, String effect) {
  }

  /** One attempt: the gateway it went to, when, and what came back (a status, or a transport failure). */
  record Attempt(int gateway, long startNanos, long endNanos, String outcome) {
    boolean acknowledged() {
      return outcome.startsWith("2");
    }

    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }
  }

  /** One request and its attempts. */
  static final class Call {
    final int index;
    final Step step;
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    volatile String answer;

    Call(int index, Step step) {
      this.index = index;
      this.step = step;
    }

    boolean acknowledged() {
      return !attempts.isEmpty() && attempts.get(attempts.size() - 1).acknowledged();
    }

    Attempt last() {
      return attempts.get(attempts.size() - 1);
    }

    @Override
    public String toString() {
      return "#" + index + " " + step.method() + " " + step.path() + " key " + step.key() + " attempts " + attempts
        + (answer == null ? "" : " answer " + answer);
    }
  }

  private final List<Http> gateways;
  private final Queue<List<Step>> flows = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Runnable> hooks;
  private final AtomicInteger issued = new AtomicInteger();
  private final Executor retryDelay = CompletableFuture.delayedExecutor(RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
  final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Anything else than a 2xx or a retryable failure, and any hook that failed. */
  final List<String> unexpected = new CopyOnWriteArrayList<>();

  /**
   * {@code requests} requests (flows of 5 and 3, alternating) over {@code gateways}; {@code hooks}
   * run on a thread of their own when the request of their number (from 1) is sent.
   */
  MixedLoad(List<Http> gateways, int requests, String operator, String admin, Map<Integer, Runnable> hooks) {
    this.gateways = gateways;
    this.hooks = hooks;
    int planned = 0;
    for (int flow = 0; planned < requests; flow++) {
      List<Step> steps = flow % 2 == 0 ? uowFlow(operator, admin) : requestFlow(operator);
      steps = steps.subList(0, Math.min(steps.size(), requests - planned));
      flows.add(steps);
      planned += steps.size();
    }
  }

  private static String key() {
    return "k-" + UUID.randomUUID();
  }

  /** Register, advance to ACTIVE, halt the instance (the UOW is paused), cancel the UOW, release the instance. */
  private static List<Step> uowFlow(String operator, String admin) {
    String uow = UUID.randomUUID().toString();
    String instance = UUID.randomUUID().toString();
    return List.of(
      new Step("POST", "/api/uows", operator, new JsonObject().put("uow_id", uow).put("instance_id", instance)
        .put("attributes", new JsonObject().put("amount", 500)).encode(), key(), "uow_registered|" + uow),
      new Step("POST", "/api/uows/" + uow + "/advance", operator, new JsonObject().put("status", "ACTIVE").encode(),
        key(), "uow_status_changed|" + uow + "|ACTIVE"),
      new Step("POST", "/pilot/kill-switch", admin, new JsonObject().put("instance_id", instance)
        .put("reason", "drill").encode(), key(), "kill_switch_activated|" + instance),
      new Step("POST", "/pilot/cancel/" + uow, operator, new JsonObject().put("reason", "halted for good").encode(),
        key(), "pilot_cancellation_issued|" + uow),
      new Step("POST", "/pilot/kill-switch/release", admin, new JsonObject().put("instance_id", instance)
        .put("reason", "drill over").encode(), key(), "kill_switch_released|" + instance));
  }

  /** Create an (unlinked) intervention request, claim it, approve it. */
  private static List<Step> requestFlow(String operator) {
    String request = "load-" + UUID.randomUUID();
    return List.of(
      new Step("POST", "/api/interventions", operator, new JsonObject().put("request_id", request)
        .put("uow_id", "ext-" + request).put("intervention_type", "resume").put("title", "written under faults")
        .encode(), key(), "intervention_request|" + request),
      new Step("POST", "/api/interventions/" + request + "/claim", operator, "{}", key(),
        "intervention_claimed|" + request),
      new Step("POST", "/api/interventions/" + request + "/approve", operator,
        new JsonObject().put("reason", "fine").encode(), key(), "intervention_approved|" + request));
  }

  /** The effect an event is, in the terms of {@link Step#effect}; null for events no step names. */
  static String effect(String type, JsonObject payload) {
    return switch (type) {
      case "uow_registered", "pilot_cancellation_issued" -> type + "|" + payload.getString("uow_id");
      // only the advance's: the kill switch and the cancel move the UOW too
      case "uow_status_changed" -> "ACTIVE".equals(payload.getString("new_status"))
        ? type + "|" + payload.getString("uow_id") + "|ACTIVE" : null;
      case "kill_switch_activated", "kill_switch_released" -> type + "|" + payload.getString("instance_id");
      case "intervention_request", "intervention_claimed", "intervention_approved" ->
        type + "|" + payload.getString("request_id");
      default -> null;
    };
  }

  /** Runs the flows, {@code concurrency} at a time; completes when every request has its answer. */
  CompletableFuture<Void> run(int concurrency) {
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      workers.add(nextFlow());
    }
    return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> nextFlow() {
    List<Step> flow = flows.poll();
    if (flow == null) {
      return CompletableFuture.completedFuture(null);
    }
    return steps(flow, 0).thenCompose(done -> nextFlow());
  }

  private CompletableFuture<Void> steps(List<Step> flow, int at) {
    if (at == flow.size()) {
      return CompletableFuture.completedFuture(null);
    }
    Call call = new Call(issued.incrementAndGet(), flow.get(at));
    calls.add(call);
    Runnable hook = hooks.get(call.index);
    if (hook != null) {
      new Thread(() -> {
        try {
          hook.run();
        } catch (RuntimeException | Error e) {
          unexpected.add("the hook at request " + call.index + " failed: " + e);
        }
      }, "load-hook-" + call.index).start();
    }
    long giveUpAt = System.nanoTime() + GIVE_UP_NANOS;
    // a flow goes on only once its step is acknowledged: a later step depends on it
    return attempt(call, 0, giveUpAt).thenCompose(done -> call.acknowledged() ? steps(flow, at + 1)
      : CompletableFuture.completedFuture(null));
  }

  private CompletableFuture<Void> attempt(Call call, int n, long giveUpAt) {
    int gateway = (call.index + n) % gateways.size();
    Step step = call.step;
    long start = System.nanoTime();
    return gateways.get(gateway)
      .sendAsync(step.method(), step.path(), step.token(), step.body(), step.key(), ATTEMPT_TIMEOUT)
      .handle((response, error) -> {
        String outcome = outcome(response, error);
        call.attempts.add(new Attempt(gateway, start, System.nanoTime(), outcome));
        if (response != null) {
          call.answer = response.body();
        }
        return response == null || retryable(response);
      })
      .thenCompose(retry -> {
        if (call.acknowledged()) {
          return CompletableFuture.completedFuture(null);
        }
        if (!retry) {
          unexpected.add(call.toString());
          return CompletableFuture.completedFuture(null);
        }
        if (System.nanoTime() > giveUpAt) {
          unexpected.add("given up after " + GIVE_UP_NANOS / 1_000_000_000 + " s: " + call);
          return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> { }, retryDelay).thenCompose(v -> attempt(call, n + 1, giveUpAt));
      });
  }

  /** 503, and 409 while the first attempt with the same key is still running, are worth a retry; a 4xx is not. */
  private static boolean retryable(HttpResponse<String> response) {
    return response.statusCode() == 503
      || response.statusCode() == 409 && response.body().contains("still in progress");
  }

  static String outcome(HttpResponse<String> response, Throwable error) {
    if (response != null) {
      if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
        return "503 without Retry-After";
      }
      return response.statusCode() == 409 && response.body().contains("still in progress") ? "409 in progress"
        : String.valueOf(response.statusCode());
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (cause instanceof ConnectException) {
      return "refused";
    }
    if (cause instanceof IOException) {
      return "io: " + cause.getMessage();
    }
    return "error: " + cause;
  }

  /**
   * The retried creations (a UOW registered, a request created) answered 200 rather than 201: an
   * earlier attempt had landed, and the retry got its stored reply.
   */
  long replayedCreations() {
    return calls.stream().filter(c -> c.attempts.size() > 1 && c.step.method().equals("POST")
      && (c.step.path().equals("/api/uows") || c.step.path().equals("/api/interventions"))
      && c.last().outcome().equals("200")).count();
  }

  /** The requests sent so far. */
  int issued() {
    return issued.get();
  }
}
