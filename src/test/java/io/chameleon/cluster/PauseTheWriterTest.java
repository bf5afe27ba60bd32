package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.cluster.OneShotWrites.Write;
import io.chameleon.cluster.ProcessCluster.StreamEvent;
import io.chameleon.support.ClusterProcess;
import io.chameleon.support.ClusterProcess.Kind;
import io.chameleon.support.Http.Response;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * BAR.md C20's deposed writer with real processes: the writer JVM is frozen with SIGSTOP past its
 * lease while writes are in flight to it — through its own gateway, and through the other gateways
 * whose store commands go to it — a standby takes the lease and writes go on through the other
 * gateways; then SIGCONT: the old writer finds its lease lost and turns standby by itself, none of
 * the writes it had queued lands, and the chain stays one line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PauseTheWriterTest extends ClusterOfThree {

  /**
   * How long the writer stays stopped: past its lease (5 s), short of Hazelcast's heartbeat timeout
   * (10 s, cluster.xml), past which the others drop it from the cluster, and a dropped member does
   * not join again by itself.
   */
  static final long PAUSE_MS = Long.getLong("chameleon.test.pause_ms", 7000);
  /** Each gateway gets a write this often, answered or not. */
  static final long WRITE_EVERY_MS = 30;


  /**
   * Verifies that a writer stopped past its lease is replaced, gets none of its queued writes into
   * the stream once it runs again, and turns standby by itself, its gateway serving writes again.
   */
  @Test
  @Order(1)
  void aPausedWriterIsDeposedAndNoneOfItsQueuedWritesLands() throws Exception {
    ClusterProcess writer = cluster.writer();
    ClusterProcess standby = cluster.ofKind(Kind.STORE).stream().filter(n -> n != writer).findFirst().orElseThrow();
    ClusterProcess gatewayNode = cluster.ofKind(Kind.GATEWAY).get(0);
    List<ClusterProcess> targets = List.of(writer, standby, gatewayNode);
    int onWriter = 0;
    long epoch = cluster.epoch();
    // long waits: the writes queued on the stopped node are answered only once it runs again
    OneShotWrites load = new OneShotWrites(targets.stream().map(n -> n.http).toList(), cluster.operator,
      Duration.ofSeconds(60)).start(WRITE_EVERY_MS, 0, 1, 2);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> load.count(Write::acknowledged) >= 100);

      long pausedAt = System.nanoTime();
      writer.pause();
      long frozenMillis = System.currentTimeMillis(); // the node has been frozen since before this wall-clock time
      awaitThat("the standby takes the lease", Duration.ofSeconds(9), () -> standby.nodeId.equals(cluster.leaseHolder()));
      long leaseTakenAt = System.nanoTime();
      // stopped past its lease, and woken before Hazelcast's heartbeat timeout (10 s) drops it from the cluster
      long wakeAt = pausedAt + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS);
      await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(Math.max(1, ms(wakeAt - System.nanoTime()))))
        .until(() -> true);
      long resumedAt = System.nanoTime();
      writer.resume();

      awaitThat("the old writer logs that its lease is lost", Duration.ofSeconds(10),
        () -> writer.process.printed("writer lease lost"));
      long lostAt = System.nanoTime();
      // the new writer's store takes writes once it has read the log to its end; that read (and its
      // first appends) may go to the frozen node's broadcaster, whose registrations stay on the bus
      // until it answers or Hazelcast drops it, so this may come only after SIGCONT (see the timings)
      awaitThat("writes through the other gateways are accepted", Duration.ofSeconds(20),
        () -> load.count(w -> w.acknowledged() && w.startNanos() > pausedAt && w.gateway() != onWriter) >= 10);
      long acceptedAt = load.matching(w -> w.acknowledged() && w.startNanos() > pausedAt && w.gateway() != onWriter)
        .stream().mapToLong(Write::endNanos).min().orElseThrow();
      awaitThat("the old writer's /health answers 200", Duration.ofSeconds(20),
        () -> writer.http.get("/health", null).status() == 200);
      awaitThat("writes through the old writer's gateway are accepted again", Duration.ofSeconds(20),
        () -> load.count(w -> w.acknowledged() && w.startNanos() > lostAt && w.gateway() == onWriter) >= 20);
      long servedAt = System.nanoTime();
      load.stop().get(90, TimeUnit.SECONDS);

      List<Write> queued = load.matching(w -> w.startNanos() > pausedAt && w.startNanos() < resumedAt);
      List<Write> failed = load.matching(w -> !w.acknowledged());
      System.out.printf("C20 pause the writer: node %s stopped %d ms; lease taken by %s %d ms after SIGSTOP; first"
          + " write accepted through another gateway %d ms after SIGSTOP; after SIGCONT \"writer lease lost\" in %d ms,"
          + " its gateway served writes again %d ms after; writes sent while it was stopped: %s; %d writes in all,"
          + " %d not acknowledged %s%n",
        writer.name, ms(resumedAt - pausedAt), standby.name, ms(leaseTakenAt - pausedAt), ms(acceptedAt - pausedAt),
        ms(lostAt - resumedAt), ms(servedAt - lostAt), byGateway(queued, targets), load.writes.size(),
        failed.size(), histogram(failed));

      // every write that got a 2xx is there once; one that did not left nothing — but for a write
      // the frozen node's append script call had already taken to Redis: it landed, under the old
      // epoch and before the freeze (its id says when), and its caller got no answer in time
      List<StreamEvent> events = cluster.events();
      Map<String, StreamEvent> registered = new HashMap<>();
      Map<String, Integer> times = new HashMap<>();
      for (StreamEvent event : events) {
        if (event.type().equals("uow_registered")) {
          registered.put(event.payload().getString("uow_id"), event);
          times.merge(event.payload().getString("uow_id"), 1, Integer::sum);
        }
      }
      List<String> wrong = new ArrayList<>();
      List<Write> landedUnanswered = new ArrayList<>();
      for (Write write : load.writes) {
        int count = times.getOrDefault(write.uowId(), 0);
        if (write.acknowledged() ? count != 1 : count > 1) {
          wrong.add(write + " is in the stream " + count + " times");
        } else if (!write.acknowledged() && count == 1) {
          landedUnanswered.add(write);
          if (idMillis(registered.get(write.uowId()).id()) > frozenMillis) {
            wrong.add(write + " got no 2xx yet was appended after the writer froze: "
              + registered.get(write.uowId()).id());
          }
        }
      }
      System.out.printf("C20 writes not acknowledged yet in the stream (appended before the freeze): %d %s%n",
        landedUnanswered.size(), landedUnanswered);
      assertTrue(wrong.isEmpty(), wrong.size() + " writes wrong: " + wrong.subList(0, Math.min(10, wrong.size()))
        + cluster.tails());
      assertEquals(registered.size(), events.size(), "the stream holds the load's writes only");

      JsonObject verify = cluster.verify(gatewayNode);
      assertEquals(true, verify.getBoolean("ok"), verify.encode());
      assertEquals(events.size(), verify.getInteger("checked"));
      assertEquals(standby.nodeId, cluster.leaseHolder(), "the new writer keeps the lease");
      assertEquals(epoch + 1, cluster.epoch(), "one takeover");
    } finally {
      load.stop();
    }
  }

  /**
   * Verifies that a writer frozen for longer than Hazelcast waits for a heartbeat — dropped from the
   * cluster, which it would rejoin only minutes later with stale bus registrations — notices when it
   * runs again that the writer is not among its members and exits (code 3), for its supervisor to
   * start it again; the others go on writing, and nothing it had queued lands.
   */
  @Test
  @Order(2)
  void aWriterCutOffFromItsClusterExits() throws Exception {
    ClusterProcess writer = cluster.writer();
    ClusterProcess gatewayNode = cluster.ofKind(Kind.GATEWAY).get(0);
    long before = cluster.events().size();
    writer.pause();
    long pausedAt = System.nanoTime();
    ClusterProcess standby = cluster.ofKind(Kind.STORE).stream().filter(n -> n != writer).findFirst().orElseThrow();
    awaitThat("the standby takes the lease", Duration.ofSeconds(9), () -> standby.nodeId.equals(cluster.leaseHolder()));
    // past Hazelcast's heartbeat timeout (10 s, cluster.xml): the others drop it
    await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(13_000)).until(() -> true);
    writer.resume();
    long resumedAt = System.nanoTime();
    awaitThat("the cut-off node exits by itself", Duration.ofSeconds(30), () -> !writer.alive());
    long exitedAt = System.nanoTime();
    assertEquals(3, writer.process.exitCode(), writer.process.tail());
    assertTrue(writer.process.printed("cut off from its cluster"), writer.process.tail());
    Response created = gatewayNode.http.post("/api/uows", cluster.operator,
      new JsonObject().put("instance_id", UUID.randomUUID().toString()).encode());
    assertEquals(201, created.status(), created.body());
    assertEquals(before + 1, cluster.events().size(), "one event: nothing of the frozen node's landed");
    assertEquals(true, cluster.verify(gatewayNode).getBoolean("ok"));
    System.out.printf("C20 cut off: paused %d ms; exited (code 3) %d ms after SIGCONT%n",
      ms(resumedAt - pausedAt), ms(exitedAt - resumedAt));
  }

  /** The milliseconds of an event id {@code <ms>-<seq>}: when its writer chained it. */
  private static long idMillis(String id) {
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }

  private static void awaitThat(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + atMost + cluster.tails(), e);
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static Map<String, Map<String, Long>> byGateway(List<Write> writes, List<ClusterProcess> targets) {
    return writes.stream().collect(Collectors.groupingBy(w -> "via " + targets.get(w.gateway()).name, TreeMap::new,
      Collectors.groupingBy(w -> w.outcome().startsWith("io:") ? "io" : w.outcome(), TreeMap::new,
        Collectors.counting())));
  }

  private static Map<String, Long> histogram(List<Write> writes) {
    return writes.stream().collect(Collectors.groupingBy(w -> w.outcome().startsWith("io:") ? "io" : w.outcome(),
      TreeMap::new, Collectors.counting()));
  }
}
