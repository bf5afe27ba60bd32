package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;

import io.chameleon.support.ClusterNode;
import io.chameleon.support.ClusterProcess;
import io.chameleon.support.ClusterProcess.Kind;
import io.chameleon.support.Http.Response;
import io.chameleon.support.Jwts;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A cluster of real Chameleon JVMs for one test class: its own redis-server (a temporary
 * directory, a free port), a random cluster name, a key prefix of its own, the members started in
 * parallel and awaited until every one is ready and one store node holds the writer lease. The
 * writer is found the way an operator would: the value of {@code <prefix>lease} in Redis matched
 * with each member's {@code /health} node id. {@link #close()} stops every process by its pid;
 * with {@code -Dcluster.dump=<dir>} it first writes each member's whole output there.
 */
final class ProcessCluster implements AutoCloseable {

  final RedisServer redis;
  final String prefix;
  final List<ClusterProcess> nodes;
  final String operator = Jwts.hs256(TestNode.SECRET, Jwts.claims("engine-1", "OPERATOR", 3600));
  final String admin = Jwts.hs256(TestNode.SECRET, Jwts.claims("admin-1", "ADMIN", 3600));
  final String viewer = Jwts.hs256(TestNode.SECRET, Jwts.claims("auditor-1", "VIEWER", 3600));
  private ProcessCluster(RedisServer redis, String prefix, List<ClusterProcess> nodes) {
    this.redis = redis;
    this.prefix = prefix;
    this.nodes = nodes;
  }

  /** Starts a redis-server under {@code dir} and one member per kind, and awaits them ready. */
  static ProcessCluster start(Path dir, Kind... kinds) {
    long t0 = System.nanoTime();
    RedisServer redis = RedisServer.start(dir.resolve("redis"));
    String prefix = "c" + UUID.randomUUID().toString().substring(0, 8) + ":";
    List<ClusterProcess> nodes = new ArrayList<>();
    try {
      nodes.addAll(ClusterProcess.startAll(dir, ClusterNode.randomName(), redis.url(), prefix, Map.of(), kinds));
      ProcessCluster cluster = new ProcessCluster(redis, prefix, nodes);
      cluster.awaitReady(Duration.ofSeconds(60));
      System.out.printf("cluster.measure %d JVMs started in parallel and ready, a writer elected, in %d ms: %s%n",
        nodes.size(), (System.nanoTime() - t0) / 1_000_000, nodes);
      return cluster;
    } catch (RuntimeException | Error e) {
      try {
        ClusterProcess.closeAll(nodes);
      } finally {
        redis.close();
      }
      throw e;
    }
  }

  /** Every live member answers /health 200 (its backends answer somewhere) and a live store node holds the lease. */
  void awaitReady(Duration atMost) {
    AtomicReference<String> last = new AtomicReference<>("");
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
        for (ClusterProcess node : live()) {
          Response health = node.http.get("/health", null);
          if (health.status() != 200) {
            last.set(node + " /health " + health.status() + ": " + health.body());
            return false;
          }
        }
        String holder = leaseHolder();
        last.set("lease holder " + holder);
        return holder != null && live().stream().anyMatch(n -> n.nodeId.equals(holder));
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the cluster is not ready in " + atMost + ": " + last.get() + "\n" + tails(), e);
    }
  }

  List<ClusterProcess> live() {
    return nodes.stream().filter(ClusterProcess::alive).toList();
  }

  /** The node id the writer lease names in Redis, or null when none holds it. */
  String leaseHolder() {
    return redis.command("GET", prefix + "lease");
  }

  /** The writer epoch of the tip hash. */
  long epoch() {
    String epoch = redis.command("HGET", prefix + "tip", "epoch");
    return epoch == null ? 0 : Long.parseLong(epoch);
  }

  /** The member the lease names (awaited while it names none). */
  ClusterProcess writer() {
    String holder = await().atMost(Duration.ofSeconds(30)).until(this::leaseHolder, h -> h != null);
    return nodes.stream().filter(n -> n.nodeId.equals(holder)).findFirst()
      .orElseThrow(() -> new AssertionError("the lease names " + holder + ", no member of " + nodes));
  }

  /** The member that holds the lease now, or null. */
  ClusterProcess holder() {
    String holder = leaseHolder();
    return nodes.stream().filter(n -> n.nodeId.equals(holder)).findFirst().orElse(null);
  }

  List<ClusterProcess> ofKind(Kind kind) {
    return nodes.stream().filter(n -> n.kind == kind).toList();
  }

  /** Every event of the stream, read with XRANGE straight from Redis. */
  List<StreamEvent> events() {
    List<StreamEvent> events = new ArrayList<>();
    String from = "-";
    while (true) {
      List<?> page = (List<?>) redis.send("XRANGE", prefix + "events", from, "+", "COUNT", "2000");
      for (Object entry : page) {
        List<?> pair = (List<?>) entry;
        List<?> fields = (List<?>) pair.get(1);
        JsonObject event = new JsonObject();
        for (int i = 0; i < fields.size(); i += 2) {
          event.put((String) fields.get(i), fields.get(i + 1));
        }
        events.add(new StreamEvent((String) pair.get(0), event.getString("event_type"),
          new JsonObject(event.getString("payload")), event.getString("prev_hash"), event.getString("hash")));
      }
      if (page.size() < 2000) {
        return events;
      }
      from = "(" + events.get(events.size() - 1).id();
    }
  }

  /** {@code GET /api/events/verify} through {@code via}: the data of a 200. */
  JsonObject verify(ClusterProcess via) {
    Response verify = via.http.get("/api/events/verify", viewer);
    if (verify.status() != 200) {
      throw new AssertionError("verify through " + via + ": " + verify.status() + " " + verify.body());
    }
    return verify.data();
  }

  /** The last lines of every member, for a failure message. */
  String tails() {
    StringBuilder all = new StringBuilder();
    for (ClusterProcess node : nodes) {
      all.append("\n--- ").append(node).append(node.alive() ? "" : " (dead)").append(":\n").append(node.process.tail());
    }
    return all.toString();
  }

  @Override
  public void close() {
    String dump = System.getProperty("cluster.dump");
    if (dump != null) {
      for (ClusterProcess node : nodes) {
        try {
          java.nio.file.Files.write(Path.of(dump, node.name + ".log"), node.process.lines(""));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    try {
      ClusterProcess.closeAll(nodes);
    } finally {
      redis.close();
    }
  }

  /** One entry of the stream. */
  record StreamEvent(String id, String type, JsonObject payload, String prevHash, String hash) {
  }
}
