package io.chameleon.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.app.Main;
import io.chameleon.support.ClusterNode;
import io.chameleon.support.Http.Response;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clustered mode's start-up contract: it refuses the file backend, a bad cluster.* value, or an
 * incomplete or unreadable TLS setup, naming the key, before anything joins a cluster or opens a
 * port, and a store password never appears in the message; a node whose backends run on no node
 * yet starts live but not ready.
 */
class ClusterStartupTest {

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {
  }

  private Outcome run(JsonObject config, Map<String, String> env, String... flags) throws IOException {
    Path file = dir.resolve("config-" + System.nanoTime() + ".json");
    Files.writeString(file, config.encodePrettily());
    String[] args = new String[flags.length + 3];
    args[0] = "run";
    System.arraycopy(flags, 0, args, 1, flags.length);
    args[flags.length + 1] = "--config";
    args[flags.length + 2] = file.toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  private JsonObject base(int port) {
    return new JsonObject()
      .put("http", new JsonObject().put("port", port))
      .put("data", new JsonObject().put("dir", dir.resolve("data").toString()));
  }

  private JsonObject onRedis(int port) {
    return base(port).mergeIn(ClusterNode.redis("redis://127.0.0.1:1", "refused:"), true);
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void assertRefused(Outcome outcome, int port, String key) {
    assertEquals(2, outcome.code(), outcome.err());
    assertTrue(outcome.err().contains(key), "the message should name " + key + ": " + outcome.err());
    assertFalse(listening(port), "the port opened although the start was refused");
  }

  /** Verifies that run --cluster, cluster.enabled and CHAMELEON_CLUSTER_ENABLED each refuse the file backend, naming events.backend. */
  @Test
  void clusteredModeRefusesTheFileBackend() throws IOException {
    int port = ClusterNode.freePorts(1)[0];
    Outcome flag = run(base(port), Map.of(), "--cluster");
    assertRefused(flag, port, "events.backend");
    assertTrue(flag.err().contains("redis"), "the message says what it needs: " + flag.err());

    JsonObject enabled = base(port).put("cluster", new JsonObject().put("enabled", true));
    assertRefused(run(enabled, Map.of()), port, "events.backend");
    assertRefused(run(base(port), Map.of("CHAMELEON_CLUSTER_ENABLED", "true")), port, "events.backend");
    // the flag wins over the environment
    assertRefused(run(base(port), Map.of("CHAMELEON_CLUSTER_ENABLED", "false"), "--cluster"), port, "events.backend");
  }

  /** Verifies that bad cluster.* values stop the start naming the key. */
  @Test
  void badClusterValuesNameTheKey() throws IOException {
    int port = ClusterNode.freePorts(1)[0];
    Map<String, JsonObject> cases = Map.of(
      "cluster.members", new JsonObject().put("members", "127.0.0.1"),
      "cluster.port", new JsonObject().put("port", 70000),
      "cluster.bus_port", new JsonObject().put("bus_port", -1),
      "cluster.name", new JsonObject().put("name", " "),
      "cluster.bus_host", new JsonObject().put("bus_host", ""));
    for (Map.Entry<String, JsonObject> c : cases.entrySet()) {
      JsonObject config = onRedis(port).put("cluster", c.getValue().put("enabled", true));
      assertRefused(run(config, Map.of()), port, c.getKey());
    }
    assertRefused(run(onRedis(port), Map.of("CHAMELEON_CLUSTER_MEMBERS", "127.0.0.1:5701,host:x")), port, "cluster.members");
  }

  /**
   * Verifies that a gateway-only node alone in its cluster starts and is live but not ready: its
   * backends are on no node yet, so /health is 503 with them DOWN, and it shows itself as the only
   * member with its verticles.
   */
  @Test
  void aGatewayNodeAloneIsLiveButNotReady() {
    int[] ports = ClusterNode.freePorts(1);
    JsonObject config = ClusterNode.cluster(ClusterNode.randomName(), ports[0], 0, ports)
      .mergeIn(ClusterNode.redis("redis://127.0.0.1:1", "alone:"), true)
      .mergeIn(ClusterNode.only("gateway"), true);
    try (ClusterNode node = ClusterNode.start(dir.resolve("alone"), config)) {
      Response health = node.http().get("/health", null);
      assertEquals(503, health.status(), health.body());
      JsonObject data = health.json().getJsonObject("data");
      assertFalse(data.getBoolean("ready"));
      data.getJsonObject("backends").forEach(e ->
        assertEquals("DOWN", ((JsonObject) e.getValue()).getString("status"), e.getKey() + " answers on no node"));
      JsonObject cluster = data.getJsonObject("cluster");
      String self = node.clusterManager().getNodeId();
      assertEquals(self, cluster.getString("node_id"));
      assertEquals(1, cluster.getJsonArray("members").size(), cluster.encode());
      assertEquals(self, cluster.getJsonArray("members").getJsonObject(0).getString("node_id"));
      assertTrue(cluster.getJsonArray("members").getJsonObject(0).getString("bus").startsWith("127.0.0.1:"), cluster.encode());
      assertEquals(new JsonObject().put("gateway", 2), cluster.getJsonObject("verticles"));
    }
  }

  /** Verifies that TLS without its stores, with a missing store, or with a wrong password is refused naming the key, never the password. */
  @Test
  void incompleteOrWrongTlsIsRefusedWithoutShowingThePassword() throws IOException {
    int port = ClusterNode.freePorts(1)[0];
    JsonObject noStores = onRedis(port).put("cluster", new JsonObject().put("enabled", true)
      .put("tls", new JsonObject().put("enabled", true)));
    assertRefused(run(noStores, Map.of()), port, "cluster.tls.key_store");

    Path stores = Files.createDirectories(dir.resolve("stores"));
    KeyStores.create(stores, "node", "right-password");
    String secret = "wrong-password-4711";
    Map<String, String> env = new HashMap<>(Map.of(
      "CHAMELEON_CLUSTER_ENABLED", "true",
      "CHAMELEON_CLUSTER_TLS_ENABLED", "true",
      "CHAMELEON_CLUSTER_TLS_KEY_STORE", stores.resolve("node.p12").toString(),
      "CHAMELEON_CLUSTER_TLS_KEY_STORE_PASSWORD", secret,
      "CHAMELEON_CLUSTER_TLS_TRUST_STORE", stores.resolve("trust.p12").toString(),
      "CHAMELEON_CLUSTER_TLS_TRUST_STORE_PASSWORD", "right-password"));
    Outcome wrong = run(onRedis(port), env);
    assertRefused(wrong, port, "cluster.tls.key_store");
    assertFalse(wrong.err().contains(secret) || wrong.out().contains(secret), "the password was shown: " + wrong.err());

    env.put("CHAMELEON_CLUSTER_TLS_KEY_STORE_PASSWORD", "right-password");
    env.put("CHAMELEON_CLUSTER_TLS_TRUST_STORE", stores.resolve("missing.p12").toString());
    assertRefused(run(onRedis(port), env), port, "cluster.tls.trust_store");

    JsonObject typed = onRedis(port).put("cluster", new JsonObject().put("tls", new JsonObject().put("key_store_password", 123456789)));
    Outcome badType = run(typed, Map.of());
    assertRefused(badType, port, "cluster.tls.key_store_password");
    assertFalse(badType.err().contains("123456789"), "the password was shown: " + badType.err());
  }
}
