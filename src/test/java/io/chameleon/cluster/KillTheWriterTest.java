package io.chameleon.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.cluster.MixedLoad.Attempt;
import io.chameleon.cluster.MixedLoad.Call;
import io.chameleon.cluster.ProcessCluster.StreamEvent;
import io.chameleon.support.ClusterProcess;
import io.chameleon.support.ClusterProcess.Kind;
import io.chameleon.support.Http;
import io.chameleon.support.Http.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * BAR.md D25 with real processes: three Chameleon JVMs (two store nodes, one gateway-only node) on
 * one redis-server take 1,000 mixed requests spread over their gateways, retried with their
 * {@code Idempotency-Key} when they fail; at request 300 the writer is killed with SIGKILL, then,
 * in a second load, the gateway-only node. Nothing acknowledged is lost or doubled, a retried key
 * has one effect, writes resume within 10 s, and the chain verifies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillTheWriterTest extends ClusterOfThree {

  static final int REQUESTS = 1000;
  static final int KILL_AT = 300;
  static final int IN_FLIGHT = 12;
  /** The bus timeout (bus.timeout_ms, 5 s) and what a loaded machine adds to its answer. */
  static final long VISIBLE_FAILURE_MS = 5000 + 1500;
  /**
   * How long a request for the killed writer may wait for its 503: Hazelcast drops the member
   * within about a second and the node then fails it (WriterPresence), well inside the 5 s bus
   * timeout that every such request used to wait.
   */
  static final long WRITER_GONE_FAILURE_MS = 3000;

  /** Every request of both loads, for the final count. */
  static final List<Call> all = new CopyOnWriteArrayList<>();

  /**
   * Verifies that killing the writer with SIGKILL at request 300 of 1,000 loses no acknowledged
   * change, doubles none, gives every retried key one effect, lets writes resume within 10 s, and
   * answers the requests meant for the dead writer with 503 within 3 s instead of the bus timeout.
   */
  @Test
  @Order(1)
  void killingTheWriterLosesNothingAndWritesResumeWithinTenSeconds() throws Exception {
    ClusterProcess writer = cluster.writer();
    ClusterProcess standby = cluster.ofKind(Kind.STORE).stream().filter(n -> n != writer).findFirst().orElseThrow();
    long epoch = cluster.epoch();
    AtomicLong killedAt = new AtomicLong();
    AtomicLong deadAt = new AtomicLong();
    List<Http> gateways = cluster.nodes.stream().map(n -> n.http).toList();
    MixedLoad load = new MixedLoad(gateways, REQUESTS, cluster.operator, cluster.admin, Map.of(KILL_AT, () -> {
      killedAt.set(System.nanoTime());
      writer.kill();
      deadAt.set(System.nanoTime());
    }));
    long t0 = System.nanoTime();
    load.run(IN_FLIGHT).get(3, TimeUnit.MINUTES);
    long loadMillis = (System.nanoTime() - t0) / 1_000_000;
    all.addAll(load.calls);
    assertTrue(load.unexpected.isEmpty(), "unexpected answers: " + load.unexpected + cluster.tails());
    assertEquals(REQUESTS, load.calls.size());
    assertTrue(deadAt.get() > 0, "the writer was not killed");

    assertEachAcknowledgedOnce(all);

    // writes resume: the first acknowledgement of an attempt sent once the writer was dead
    long resumed = load.calls.stream().flatMap(c -> c.attempts.stream())
      .filter(a -> a.acknowledged() && a.startNanos() > deadAt.get()).mapToLong(Attempt::endNanos).min().orElseThrow();
    long takeoverMillis = (resumed - killedAt.get()) / 1_000_000;
    long lastBefore = load.calls.stream().flatMap(c -> c.attempts.stream())
      .filter(a -> a.acknowledged() && a.endNanos() < killedAt.get()).mapToLong(Attempt::endNanos).max().orElseThrow();
    List<Call> retried = load.calls.stream().filter(c -> c.attempts.size() > 1).toList();
    List<Attempt> failed = load.calls.stream().flatMap(c -> c.attempts.stream()).filter(a -> !a.acknowledged()).toList();
    long slowestFailure = failed.stream().mapToLong(Attempt::millis).max().orElse(0);
    System.out.printf("D25 kill the writer: %d requests in %d ms, %d in flight; writer %s killed at request %d;"
        + " writes resumed %d ms after the kill (last ack before it %d ms earlier); %d requests retried (%d creations"
        + " had landed before their retry, answered from the stored reply), %d failed attempts %s, slowest failure"
        + " %d ms; epoch %d -> %d%n",
      REQUESTS, loadMillis, IN_FLIGHT, writer.name, KILL_AT, takeoverMillis,
      (killedAt.get() - lastBefore) / 1_000_000, retried.size(), load.replayedCreations(), failed.size(),
      histogram(failed), slowestFailure, epoch, cluster.epoch());

    assertTrue(takeoverMillis < 10_000, "writes resumed " + takeoverMillis + " ms after the kill" + cluster.tails());
    assertTrue(failed.stream().noneMatch(a -> a.outcome().startsWith("5") && !a.outcome().equals("503")),
      "5xx other than 503 with Retry-After: " + histogram(failed));
    assertTrue(slowestFailure <= WRITER_GONE_FAILURE_MS, "a failure took " + slowestFailure + " ms: " + histogram(failed));
    assertEquals(standby.nodeId, cluster.leaseHolder(), "the standby holds the lease");
    assertEquals(epoch + 1, cluster.epoch(), "one takeover, one new epoch");
    assertLogMatchesStore(standby);
  }

  /**
   * Verifies that killing the gateway-only node at request 300 of 1,000 more loses no acknowledged
   * change of either load, and that its clients fail visibly (connection refused or reset) within
   * the bus timeout, then get their one effect through the other gateway.
   */
  @Test
  @Order(2)
  void killingTheGatewayNodeLosesNothingAndItsClientsFailFast() throws Exception {
    ClusterProcess gatewayNode = cluster.ofKind(Kind.GATEWAY).get(0);
    ClusterProcess writer = cluster.writer();
    assertTrue(writer.alive(), "the first test left a live writer");
    AtomicLong killedAt = new AtomicLong();
    AtomicLong deadAt = new AtomicLong();
    List<ClusterProcess> targets = List.of(writer, gatewayNode);
    MixedLoad load = new MixedLoad(targets.stream().map(n -> n.http).toList(), REQUESTS, cluster.operator, cluster.admin,
      Map.of(KILL_AT, () -> {
        killedAt.set(System.nanoTime());
        gatewayNode.kill();
        deadAt.set(System.nanoTime());
      }));
    long t0 = System.nanoTime();
    load.run(IN_FLIGHT).get(3, TimeUnit.MINUTES);
    long loadMillis = (System.nanoTime() - t0) / 1_000_000;
    all.addAll(load.calls);
    assertTrue(load.unexpected.isEmpty(), "unexpected answers: " + load.unexpected + cluster.tails());
    assertTrue(deadAt.get() > 0 && !gatewayNode.alive(), "the gateway node was not killed");

    // its clients: an attempt on it that had no answer when SIGKILL was sent failed, and soon;
    // none sent once it was dead got anything but a failure
    int gatewayIndex = targets.indexOf(gatewayNode);
    List<Attempt> onIt = load.calls.stream().flatMap(c -> c.attempts.stream()).filter(a -> a.gateway() == gatewayIndex)
      .toList();
    List<Attempt> cut = onIt.stream().filter(a -> a.endNanos() > killedAt.get() && !a.acknowledged()).toList();
    List<Attempt> inFlight = onIt.stream().filter(a -> a.startNanos() < killedAt.get() && a.endNanos() > killedAt.get())
      .toList();
    List<Attempt> afterDeath = onIt.stream().filter(a -> a.startNanos() > deadAt.get()).toList();
    long slowest = cut.stream().mapToLong(a -> (a.endNanos() - Math.max(a.startNanos(), killedAt.get())) / 1_000_000)
      .max().orElse(0);
    assertTrue(afterDeath.size() > 0 && afterDeath.stream().noneMatch(Attempt::acknowledged),
      "a dead node answered: " + histogram(afterDeath));
    assertTrue(cut.stream().allMatch(a -> a.outcome().equals("refused") || a.outcome().startsWith("io:")),
      "its clients saw: " + histogram(cut));
    assertTrue(slowest <= VISIBLE_FAILURE_MS, "a client of the dead node waited " + slowest + " ms");
    System.out.printf("D25 kill the gateway node: %d requests in %d ms; node %s killed at request %d with %d"
        + " attempts in flight on it (%s); %d attempts on it failed %s, the slowest %d ms after the kill; %d requests"
        + " retried%n",
      REQUESTS, loadMillis, gatewayNode.name, KILL_AT, inFlight.size(), histogram(inFlight), cut.size(),
      histogram(cut), slowest,
      load.calls.stream().filter(c -> c.attempts.size() > 1).count());

    assertEachAcknowledgedOnce(all);
    assertLogMatchesStore(writer);
  }

  /** Every request of {@code calls} was acknowledged, and left its one event in the stream exactly once. */
  private static void assertEachAcknowledgedOnce(List<Call> calls) {
    List<StreamEvent> events = cluster.events();
    Map<String, Integer> effects = new HashMap<>();
    for (StreamEvent event : events) {
      String effect = MixedLoad.effect(event.type(), event.payload());
      if (effect != null) {
        effects.merge(effect, 1, Integer::sum);
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Call call : calls) {
      int count = effects.getOrDefault(call.step.effect(), 0);
      if (!call.acknowledged() || count != 1) {
        wrong.add(call.step.effect() + " × " + count + ": " + call);
      }
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " requests not acknowledged or not exactly once in the stream: "
      + wrong.subList(0, Math.min(10, wrong.size())));
    assertEquals(calls.size(), effects.values().stream().mapToInt(Integer::intValue).sum(),
      "the stream holds exactly the acknowledged changes");
  }

  /** The chain verifies through {@code via}, over every event of the stream, and the writer's store holds what the log holds. */
  private static void assertLogMatchesStore(ClusterProcess via) {
    List<StreamEvent> events = cluster.events();
    JsonObject verify = cluster.verify(via);
    assertEquals(true, verify.getBoolean("ok"), verify.encode());
    assertEquals(events.size(), verify.getInteger("checked"), verify.encode());
    Response metrics = via.http.get("/api/interventions/metrics", cluster.viewer);
    assertEquals(200, metrics.status(), metrics.body());
    long created = events.stream().filter(e -> e.type().equals("intervention_request")).count();
    long approved = events.stream().filter(e -> e.type().equals("intervention_approved")).count();
    assertEquals(created, metrics.data().getInteger("total_interventions").longValue(), metrics.body());
    assertEquals(approved, metrics.data().getInteger("approved_interventions").longValue(), metrics.body());
  }

  private static Map<String, Long> histogram(List<Attempt> attempts) {
    return attempts.stream().collect(Collectors.groupingBy(a -> a.outcome().startsWith("io:") ? "io" : a.outcome(),
      TreeMap::new, Collectors.counting()));
  }
}
