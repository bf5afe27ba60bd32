package io.chameleon.support;

import io.chameleon.app.Chameleon;
import io.chameleon.app.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real clustered Chameleon node in the test JVM: Hazelcast on loopback with TCP-IP join, the
 * verticles the test asks for, HTTP on a free port when it runs the gateway, the same HS256 secret
 * as {@link TestNode}. Several of them in one JVM form a cluster when they share a cluster name
 * and list each other's Hazelcast ports. {@link #close()} undeploys and leaves the cluster.
 */
public final class ClusterNode implements AutoCloseable {

  /** Hazelcast's wait before a member joins (5 s by default): none in tests (STYLE.md habit 13). */
  public static final String JOIN_WAIT = "hazelcast.wait.seconds.before.join";

  /** Every verticle a node may run, as in the verticles.* settings. */
  public static final List<String> VERTICLES = List.of("gateway", "guardian", "store", "dashboard", "broadcaster");

  public final Vertx vertx;
  public final Chameleon node;
  public final JsonObject config;
  /** How long {@code buildClustered()} took: the join. */
  public final long joinMillis;
  private boolean closed;

  private ClusterNode(Vertx vertx, Chameleon node, JsonObject config, long joinMillis) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.joinMillis = joinMillis;
  }

  /**
   * Starts a node over {@code dataDir}: {@code overrides} (merged deeply) says the cluster, the
   * backend and the verticles; see {@link #cluster}, {@link #redis} and {@link #only}.
   */
  public static ClusterNode start(Path dataDir, JsonObject overrides) {
    if (System.getProperty(JOIN_WAIT) == null) {
      System.setProperty(JOIN_WAIT, "0");
    }
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("port", 0))
      .put("data", new JsonObject().put("dir", dataDir.toString()))
      .put("auth", new JsonObject().put("secret", TestNode.SECRET))
      .put("bus", new JsonObject().put("timeout_ms", 2000))
      .mergeIn(overrides, true);
    JsonObject config = Chameleon.prepare(Settings.resolve(given, Map.of()));
    long started = System.nanoTime();
    Vertx vertx = TestNode.await(Chameleon.createClusteredVertx(config));
    long joinMillis = (System.nanoTime() - started) / 1_000_000;
    try {
      return new ClusterNode(vertx, TestNode.await(Chameleon.deploy(vertx, config)), config, joinMillis);
    } catch (RuntimeException e) {
      TestNode.await(vertx.close());
      throw e;
    }
  }

  /** The cluster settings of one member: its Hazelcast and bus ports, and every member's Hazelcast port. */
  public static JsonObject cluster(String name, int hazelcastPort, int busPort, int... memberPorts) {
    String members = Arrays.stream(memberPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    return new JsonObject().put("cluster", new JsonObject()
      .put("enabled", true)
      .put("name", name)
      .put("port", hazelcastPort)
      .put("members", members)
      .put("bus_port", busPort));
  }

  /** The redis backend on {@code url} under {@code prefix}. */
  public static JsonObject redis(String url, String prefix) {
    return new JsonObject()
      .put("events", new JsonObject().put("backend", "redis")
        .put("redis", new JsonObject().put("key_prefix", prefix).put("stream", prefix + "events")))
      .put("redis", new JsonObject().put("url", url).put("timeout_ms", 1000));
  }

  /** Only these verticles run on the node; every other one is off. */
  public static JsonObject only(String... names) {
    List<String> on = List.of(names);
    JsonObject verticles = new JsonObject();
    for (String name : VERTICLES) {
      verticles.put(name, new JsonObject().put("enabled", on.contains(name)));
    }
    return new JsonObject().put("verticles", verticles);
  }

  /** A cluster name no other run shares. */
  public static String randomName() {
    return "chameleon-test-" + UUID.randomUUID();
  }

  /** {@code count} different loopback ports nothing listens on now (all held open while picking). */
  public static int[] freePorts(int count) {
    List<ServerSocket> probes = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        probes.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return probes.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      for (ServerSocket probe : probes) {
        try {
          probe.close();
        } catch (IOException ignored) {
          // a probe only
        }
      }
    }
  }

  /** An HTTP client on this node's gateway. */
  public Http http() {
    return new Http(node.httpPort());
  }

  /** A token for {@code role} signed with the test secret, valid for an hour. */
  public String token(String pilot, String role) {
    return Jwts.hs256(TestNode.SECRET, Jwts.claims(pilot, role, 3600));
  }

  /** The cluster manager this node joined with. */
  public ClusterManager clusterManager() {
    return ((VertxInternal) vertx).clusterManager();
  }

  /** Undeploys this node's verticles, then closes Vert.x, which leaves the cluster. Once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      TestNode.await(node.undeploy());
    } finally {
      TestNode.await(vertx.close());
    }
  }

  /** Closes every node given (the nulls skipped), even when one of them fails to close. */
  public static void closeAll(AutoCloseable... closeables) {
    RuntimeException first = null;
    for (AutoCloseable closeable : closeables) {
      if (closeable == null) {
        continue;
      }
      try {
        closeable.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
