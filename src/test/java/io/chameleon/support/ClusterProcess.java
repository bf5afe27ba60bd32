package io.chameleon.support;

import io.chameleon.support.Http.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * One member of a cluster of real {@code chameleon run --cluster} JVMs (the test class path) on
 * loopback: its own HTTP port, Hazelcast port and data directory, the event bus on any free port,
 * the members' full list, the Redis event log under the cluster's key prefix. A store node runs
 * every verticle; a gateway node only the gateway. {@link #startAll} starts a cluster's members in
 * parallel; each is stopped by its own pid ({@link #close()}: SIGCONT when paused, then SIGKILL;
 * at the latest when the test JVM exits). {@code -Dcluster.jvm.extra="-Dx=y …"} adds JVM options
 * to every member (Hazelcast properties, for an experiment).
 */
public final class ClusterProcess implements AutoCloseable {

  /** What a member runs. */
  public enum Kind {
    /** Every verticle: a candidate for the writer lease. */
    STORE,
    /** The gateway only: it forwards every request across the cluster. */
    GATEWAY
  }

  /** Small heaps, no JIT tier 2 (faster to start on a small machine), Hazelcast's opens, no join wait. */
  public static final List<String> JVM_ARGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    "-D" + ClusterNode.JOIN_WAIT + "=0",
    "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /** What the first member prints when it builds its Hazelcast configuration. */
  private static final String FIRST_STEP = "cluster configuration [";

  /** {@link #JVM_ARGS} and those of {@code cluster.jvm.extra}. */
  private static List<String> jvmArgs() {
    List<String> args = new ArrayList<>(JVM_ARGS);
    String extra = System.getProperty("cluster.jvm.extra");
    if (extra != null) {
      args.addAll(List.of(extra.split(" ")));
    }
    return args;
  }

  /** A name for messages: a, b, c… */
  public final String name;
  public final Kind kind;
  public final ChameleonProcess process;
  public final Http http;
  /** The cluster manager's id of this member, as /health and the writer lease name it. */
  public final String nodeId;

  private ClusterProcess(String name, Kind kind, ChameleonProcess process) {
    this.name = name;
    this.kind = kind;
    this.process = process;
    this.http = process.http;
    // should the test JVM end without closing it, it does not outlive the run
    ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
    Runtime.getRuntime().addShutdownHook(new Thread(handle::destroyForcibly, "stop-node-" + process.pid()));
    this.nodeId = nodeIdOf(process);
  }

  private static String nodeIdOf(ChameleonProcess process) {
    try {
      Response health = process.http.get("/health", null);
      String id = health.json().getJsonObject("data").getJsonObject("cluster").getString("node_id");
      if (id == null) {
        throw new IllegalStateException("its /health names no cluster node id: " + health.body());
      }
      return id;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /**
   * Starts one member per kind, in parallel, all in one cluster named {@code clusterName}, on the
   * Redis at {@code redisUrl} under {@code keyPrefix}; returns once every one listens (not yet
   * ready: see {@code /health}). {@code env} is added to every member's environment.
   */
  public static List<ClusterProcess> startAll(Path dir, String clusterName, String redisUrl, String keyPrefix,
                                              Map<String, String> env, Kind... kinds) {
    int[] ports = ClusterNode.freePorts(kinds.length);
    String members = Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    ExecutorService starters = Executors.newFixedThreadPool(kinds.length);
    List<CompletableFuture<ClusterProcess>> starting = new ArrayList<>();
    try {
      for (int i = 0; i < kinds.length; i++) {
        String name = String.valueOf((char) ('a' + i));
        Kind kind = kinds[i];
        Map<String, String> memberEnv = new HashMap<>(Map.of(
          "CHAMELEON_CLUSTER_ENABLED", "true",
          "CHAMELEON_CLUSTER_NAME", clusterName,
          "CHAMELEON_CLUSTER_MEMBERS", members,
          "CHAMELEON_CLUSTER_PORT", String.valueOf(ports[i]),
          "CHAMELEON_CLUSTER_BUS_PORT", "0",
          "CHAMELEON_EVENTS_BACKEND", "redis",
          "CHAMELEON_REDIS_URL", redisUrl,
          "CHAMELEON_EVENTS_REDIS_KEY_PREFIX", keyPrefix,
          "CHAMELEON_EVENTS_REDIS_STREAM", keyPrefix + "events"));
        if (kind == Kind.GATEWAY) {
          for (String verticle : List.of("guardian", "store", "dashboard", "broadcaster")) {
            memberEnv.put("CHAMELEON_VERTICLES_" + verticle.toUpperCase() + "_ENABLED", "false");
          }
        }
        memberEnv.putAll(env);
        Path data = dir.resolve("node-" + name);
        // the first member starts alone: members that start Hazelcast together spend seconds
        // agreeing on a master; the others start once it is on its way (their own JVM start
        // takes longer than its join)
        CompletableFuture<Void> onItsWay = new CompletableFuture<>();
        starting.add(CompletableFuture.supplyAsync(() -> new ClusterProcess(name, kind,
          ChameleonProcess.start(data, memberEnv, jvmArgs(), line -> {
            if (line.contains(FIRST_STEP)) {
              onItsWay.complete(null);
            }
          })), starters));
        if (i == 0) {
          CompletableFuture.anyOf(onItsWay, starting.get(0)).exceptionally(e -> null).join();
        }
      }
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
      List<ClusterProcess> started = new ArrayList<>();
      RuntimeException failed = null;
      for (CompletableFuture<ClusterProcess> member : starting) {
        try {
          started.add(member.join());
        } catch (RuntimeException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        closeAll(started);
        throw failed;
      }
      return started;
    } finally {
      starters.shutdown();
    }
  }

  /** Stops every member given (nulls skipped) by its pid, even when one of them fails to stop. */
  public static void closeAll(List<? extends AutoCloseable> closeables) {
    ClusterNode.closeAll(closeables.toArray(AutoCloseable[]::new));
  }

  /** SIGKILL: the member dies as a crashed machine would, leaving the cluster without a word. */
  public void kill() {
    process.kill();
  }

  /** SIGSTOP. */
  public void pause() {
    process.pause();
  }

  /** SIGCONT. */
  public void resume() {
    process.resume();
  }

  public boolean alive() {
    return process.alive();
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "node " + name + " (" + kind + ", pid " + process.pid() + ", http " + http.port() + ", " + nodeId + ")";
  }
}
