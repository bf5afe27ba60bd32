package io.chameleon.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.cluster.OneShotWrites.Write;
import io.chameleon.cluster.ProcessCluster.StreamEvent;
import io.chameleon.support.ClusterProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * BAR.md D25's Redis half under a running cluster of real processes: three Chameleon JVMs (two
 * store nodes, one gateway-only node) write through all three gateways while their redis-server is
 * killed with SIGKILL ({@code appendfsync always}) and started again over the same directory and
 * port: writes fail with 503 while it is down and resume by themselves once it is back, and nothing
 * acknowledged is lost.
 */
class RedisRestartUnderClusterTest extends ClusterOfThree {

  /** Each gateway gets a write this often, answered or not. */
  static final long WRITE_EVERY_MS = 30;
  /** How long Redis stays down once the first 503 has come back. */
  static final long DOWN_MS = 3000;
  /** The bus timeout (bus.timeout_ms, 5 s) and what a loaded machine adds to its answer. */
  static final long ANSWER_WITHIN_MS = 5000 + 1500;


  /**
   * Verifies that with the cluster's redis-server killed, writes through every gateway fail with
   * 503 and Retry-After, none acknowledged, and that after its restart writes resume by themselves
   * with every acknowledged write of before and after in the stream once, and the chain verifying.
   */
  @Test
  void writesFailWith503WhileRedisIsDownAndResumeByThemselves() throws Exception {
    List<ClusterProcess> nodes = cluster.nodes;
    long epoch = cluster.epoch();
    String writerBefore = cluster.writer().name;
    OneShotWrites load = new OneShotWrites(nodes.stream().map(n -> n.http).toList(), cluster.operator,
      Duration.ofSeconds(30)).start(WRITE_EVERY_MS, 0, 1, 2);
    long killedAt;
    long killedMillis;
    long restartedAt;
    try {
      awaitThat("writes before the fault", Duration.ofSeconds(30), () -> load.count(Write::acknowledged) >= 100);
      killedMillis = System.currentTimeMillis();
      killedAt = System.nanoTime();
      cluster.redis.kill();
      long deadAt = System.nanoTime();
      awaitThat("503s while Redis is down", Duration.ofSeconds(15),
        () -> load.count(w -> w.startNanos() > deadAt && w.outcome().startsWith("503")) >= 30);
      long firstRefusal = load.matching(w -> w.startNanos() > deadAt && w.outcome().startsWith("503")).stream()
        .mapToLong(Write::endNanos).min().orElseThrow();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(DOWN_MS)).until(() -> true);
      restartedAt = System.nanoTime();
      cluster.redis.restart();
      long upAt = System.nanoTime();
      awaitThat("writes resume after the restart", Duration.ofSeconds(30),
        () -> load.count(w -> w.acknowledged() && w.startNanos() > upAt) >= 30);
      long resumed = load.matching(w -> w.acknowledged() && w.startNanos() > upAt).stream()
        .mapToLong(Write::endNanos).min().orElseThrow();
      load.stop().get(60, TimeUnit.SECONDS);

      // while it was down: every write sent once it was dead and answered before it was back is a 503 with Retry-After, soon
      List<Write> down = load.matching(w -> w.startNanos() > deadAt && w.endNanos() < restartedAt);
      assertTrue(down.size() >= 30, "writes while Redis was down: " + down.size());
      assertTrue(down.stream().allMatch(w -> w.outcome().equals("503")),
        "while Redis was down: " + histogram(down) + cluster.tails());
      long slowest = down.stream().mapToLong(Write::millis).max().orElseThrow();
      assertTrue(slowest <= ANSWER_WITHIN_MS, "a write waited " + slowest + " ms for its 503");
      System.out.printf("D25 Redis restart under the cluster: first 503 %d ms after SIGKILL, %d writes while it was"
          + " down %s (slowest answer %d ms); Redis down %d ms; writes resumed %d ms after the restart; %d writes in"
          + " all %s; writer %s (epoch %d) then %s (epoch %d)%n",
        ms(firstRefusal - killedAt), down.size(), histogram(down), slowest, ms(upAt - killedAt),
        ms(resumed - upAt), load.writes.size(), histogram(load.writes), writerBefore, epoch, cluster.writer().name,
        cluster.epoch());
    } finally {
      load.stop();
    }

    // nothing acknowledged is lost or doubled; a write without an answer left nothing, but for one
    // Redis ran before it was killed (its reply lost with it: its id is from before the kill)
    List<StreamEvent> events = cluster.events();
    Map<String, List<StreamEvent>> registered = new HashMap<>();
    events.stream().filter(e -> e.type().equals("uow_registered"))
      .forEach(e -> registered.computeIfAbsent(e.payload().getString("uow_id"), k -> new ArrayList<>()).add(e));
    List<String> wrong = new ArrayList<>();
    List<Write> landedUnanswered = new ArrayList<>();
    for (Write write : load.writes) {
      List<StreamEvent> found = registered.getOrDefault(write.uowId(), List.of());
      if (write.acknowledged() ? found.size() != 1 : found.size() > 1) {
        wrong.add(write + " is in the stream " + found.size() + " times");
      } else if (!write.acknowledged() && found.size() == 1) {
        landedUnanswered.add(write);
        if (idMillis(found.get(0).id()) > killedMillis) {
          wrong.add(write + " got no 2xx yet was appended after Redis was killed: " + found.get(0).id());
        }
      }
    }
    System.out.printf("D25 writes not acknowledged yet in the stream (appended before the kill): %d %s%n",
      landedUnanswered.size(), landedUnanswered);
    assertTrue(wrong.isEmpty(), wrong.size() + " writes wrong: " + wrong.subList(0, Math.min(10, wrong.size()))
      + cluster.tails());
    assertEquals(registered.size(), events.size(), "the stream holds the load's writes only");
    // any node's broadcaster may answer the walk, and a standby's log finds Redis again on its own
    // reconnect schedule, a moment after the writer's: the walk is asked until one answers
    AtomicReference<JsonObject> walked = new AtomicReference<>();
    Awaitility.await().atMost(Duration.ofSeconds(15))
      .untilAsserted(() -> walked.set(cluster.verify(nodes.get(nodes.size() - 1))));
    JsonObject verify = walked.get();
    assertEquals(true, verify.getBoolean("ok"), verify.encode());
    assertEquals(events.size(), verify.getInteger("checked"), verify.encode());
  }

  private static long idMillis(String id) {
    return Long.parseLong(id.substring(0, id.indexOf('-')));
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static Map<String, Long> histogram(List<Write> writes) {
    return writes.stream().collect(Collectors.groupingBy(w -> w.outcome().startsWith("io:") ? "io" : w.outcome(),
      TreeMap::new, Collectors.counting()));
  }

  private static void awaitThat(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + atMost + cluster.tails(), e);
    }
  }
}
