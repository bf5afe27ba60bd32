package io.chameleon.cluster;

import io.chameleon.support.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A steady stream of UOW registrations that are never retried, for the tests that must tell which
 * writes landed: each gateway gets one at a fixed pace (answered or not: a frozen node's gateway
 * gets a queue of them), each a UOW of a new id of the client's own, so the stream can be searched
 * for every write, answered or not.
 */
final class OneShotWrites {

  /** One registration: the UOW id, the gateway it went to, when, what came back, and the error's message. */
  record Write(String uowId, int gateway, long startNanos, long endNanos, String outcome, String message) {
    boolean acknowledged() {
      return outcome.startsWith("2");
    }

    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }
  }

  private final List<Http> gateways;
  private final String operator;
  private final Duration timeout;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  final List<Write> writes = new CopyOnWriteArrayList<>();

  /** Writes through {@code gateways}, each waiting up to {@code timeout} for its answer. */
  OneShotWrites(List<Http> gateways, String operator, Duration timeout) {
    this.gateways = gateways;
    this.operator = operator;
    this.timeout = timeout;
  }

  /**
   * Sends one write every {@code everyMs} to each gateway of these indexes, whether or not the
   * earlier ones have been answered: a stopped node's gateway gets a queue of them.
   */
  OneShotWrites start(long everyMs, int... gatewayIndexes) {
    for (int gateway : gatewayIndexes) {
      ticker.scheduleAtFixedRate(() -> send(gateway), 0, everyMs, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void send(int gateway) {
    String uow = UUID.randomUUID().toString();
    String body = new JsonObject().put("uow_id", uow).put("instance_id", UUID.randomUUID().toString())
      .put("attributes", new JsonObject().put("amount", 1)).encode();
    long start = System.nanoTime();
    CompletableFuture<?> call = gateways.get(gateway).sendAsync("POST", "/api/uows", operator, body, null, timeout)
      .handle((response, error) -> writes.add(new Write(uow, gateway, start, System.nanoTime(),
        MixedLoad.outcome(response, error), message(response))));
    inFlight.add(call);
    call.whenComplete((done, error) -> inFlight.remove(call));
  }

  private static String message(HttpResponse<String> response) {
    if (response == null || response.statusCode() < 300) {
      return null;
    }
    try {
      return new JsonObject(response.body()).getJsonObject("error").getString("message");
    } catch (RuntimeException e) {
      return response.body();
    }
  }

  /** Stops sending; completes once every write sent has its answer. */
  CompletableFuture<Void> stop() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
  }

  List<Write> matching(Predicate<Write> which) {
    return writes.stream().filter(which).toList();
  }

  long count(Predicate<Write> which) {
    return writes.stream().filter(which).count();
  }
}
