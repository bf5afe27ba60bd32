package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer lease against a real Redis: two nodes (two Vert.x instances, each with its lease
 * verticle) compete for it; exactly one holds it at a time, every take-over moves the epoch, and a
 * holder that finds another node holding it, or cannot reach Redis, stops being the writer.
 */
class WriterLeaseVerticleTest {

  static final long TTL_MS = 1500;

  @TempDir
  static Path redisDir;

  static RedisServer redis;

  String prefix;
  Node a;
  Node b;

  /** One node: a Vert.x with a lease verticle, and the role changes it announced. */
  static final class Node {
    final Vertx vertx = Vertx.vertx();
    final List<JsonObject> announced = new CopyOnWriteArrayList<>();
    String deployment;

    Node(String name, String prefix) {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_WRITER, m -> announced.add(m.body()));
      JsonObject config = new JsonObject()
        .put("cluster", new JsonObject().put("lease_ttl_ms", TTL_MS).put("node_id", name))
        .put("events", new JsonObject().put("redis", new JsonObject().put("key_prefix", prefix).put("stream", prefix + "events")))
        .put("redis", new JsonObject().put("url", redis.url()).put("timeout_ms", 500));
      deployment = TestNode.await(vertx.deployVerticle(new WriterLeaseVerticle(), new DeploymentOptions().setConfig(config)));
    }

    JsonObject status() {
      return TestNode.await(vertx.eventBus().<JsonObject>request(Addresses.CLUSTER_WRITER_STATUS, new JsonObject())).body();
    }

    boolean writer() {
      return status().getBoolean("writer");
    }

    void close() {
      TestNode.await(vertx.close());
    }
  }

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(redisDir);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void twoNodes() {
    prefix = "lease" + System.nanoTime() + ":";
    a = new Node("node-a", prefix);
    b = new Node("node-b", prefix);
  }

  @AfterEach
  void closeNodes() {
    a.close();
    b.close();
    if (!redis.running()) {
      redis.restart();
    }
  }

  private long epoch() {
    return Long.parseLong(redis.command("HGET", prefix + "tip", "epoch"));
  }

  /** Verifies that exactly one of two nodes becomes the writer, with epoch 1, and both know which. */
  @Test
  void exactlyOneNodeHoldsTheLease() {
    await().atMost(Duration.ofSeconds(5)).until(() -> a.writer() || b.writer());
    assertTrue(a.writer() ^ b.writer());
    Node holder = a.writer() ? a : b;
    Node other = holder == a ? b : a;
    assertEquals(1, holder.status().getLong("epoch"));
    assertEquals(1, epoch());
    await().atMost(Duration.ofSeconds(5)).until(() -> holder.status().getString("node").equals(other.status().getString("holder")));
    assertEquals(List.of(new JsonObject().put("writer", true).put("epoch", 1L).put("node", holder.status().getString("node"))),
      holder.announced);
  }

  /** Verifies that when the writer shuts down cleanly it frees the lease and the other node takes over at once, under a new epoch. */
  @Test
  void aCleanShutdownHandsTheLeaseOver() {
    await().atMost(Duration.ofSeconds(5)).until(() -> a.writer() || b.writer());
    Node holder = a.writer() ? a : b;
    Node other = holder == a ? b : a;
    TestNode.await(holder.vertx.undeploy(holder.deployment));
    long released = System.nanoTime();
    await().atMost(Duration.ofSeconds(2)).until(other::writer);
    assertTrue((System.nanoTime() - released) / 1_000_000 < TTL_MS, "taken over before the ttl could expire it");
    assertEquals(2, other.status().getLong("epoch"));
  }

  /**
   * Verifies that a writer whose lease another node took (as after a pause past the ttl) finds out
   * at its next renewal and stops being the writer: the epoch moved, so its appends are refused anyway.
   */
  @Test
  void aWriterWhoseLeaseWasTakenStepsDown() {
    await().atMost(Duration.ofSeconds(5)).until(() -> a.writer() || b.writer());
    Node holder = a.writer() ? a : b;
    Node other = holder == a ? b : a;
    redis.command("DEL", prefix + "lease"); // as if it had expired while the holder was frozen
    await().atMost(Duration.ofSeconds(5)).until(other::writer);
    await().atMost(Duration.ofSeconds(5)).until(() -> !holder.writer());
    assertEquals(new JsonObject().put("writer", false).put("epoch", null).put("node", holder.status().getString("node")),
      holder.announced.get(holder.announced.size() - 1));
    assertNotEquals(1, other.status().getLong("epoch"));
    assertEquals(other.status().getLong("epoch"), epoch());
  }

  /** Verifies that a writer that cannot reach Redis stops being the writer within half the ttl or so. */
  @Test
  void aWriterThatCannotRenewStepsDown() {
    await().atMost(Duration.ofSeconds(5)).until(() -> a.writer() || b.writer());
    Node holder = a.writer() ? a : b;
    redis.kill();
    long killed = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> !holder.writer());
    long ms = (System.nanoTime() - killed) / 1_000_000;
    assertTrue(ms < TTL_MS, "stepped down " + ms + " ms after Redis went away, inside the ttl");
  }
}
