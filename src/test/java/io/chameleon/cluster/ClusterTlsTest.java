package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.ClusterNode;
import io.chameleon.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered event bus with TLS and client certificates (issue 9, item 6): nodes A and B hold
 * keys the cluster's trust store accepts; node C joins the same Hazelcast cluster (Hazelcast's own
 * port is not what TLS protects) with a key nobody trusts. A and B talk; C gets nothing through.
 */
class ClusterTlsTest {

  private static final String PASSWORD = "test-store-password";

  @TempDir
  static Path dir;

  static ClusterNode a;
  static ClusterNode b;
  static ClusterNode c;

  @BeforeAll
  static void startNodes() throws Exception {
    Path stores = Files.createDirectories(dir.resolve("stores"));
    List.of("node-a", "node-b", "rogue").parallelStream().forEach(key -> KeyStores.keyPair(stores, key, PASSWORD));
    KeyStores.trustStore(stores, "cluster-trust.p12", PASSWORD, "node-a", "node-b");
    // the rogue trusts the cluster's nodes: what fails is the cluster refusing the rogue
    KeyStores.trustStore(stores, "rogue-trust.p12", PASSWORD, "node-a", "node-b", "rogue");

    String name = ClusterNode.randomName();
    int[] ports = ClusterNode.freePorts(3);
    a = start("a", name, ports, 0, tls(stores, "node-a.p12", "cluster-trust.p12"));
    b = start("b", name, ports, 1, tls(stores, "node-b.p12", "cluster-trust.p12"));
    c = start("c", name, ports, 2, tls(stores, "rogue.p12", "rogue-trust.p12"));
    System.out.printf("cluster.measure TLS nodes joined in %d, %d, %d ms%n", a.joinMillis, b.joinMillis, c.joinMillis);
  }

  @AfterAll
  static void stopNodes() {
    long t0 = System.nanoTime();
    ClusterNode.closeAll(c, b, a);
    System.out.printf("cluster.measure TLS nodes closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  private static ClusterNode start(String node, String name, int[] ports, int index, JsonObject tls) throws Exception {
    JsonObject config = ClusterNode.cluster(name, ports[index], 0, ports)
      .mergeIn(ClusterNode.redis("redis://127.0.0.1:1", "tls-test:"), true)
      .mergeIn(ClusterNode.only(), true);
    config.getJsonObject("cluster").put("tls", tls);
    return ClusterNode.start(Files.createDirectories(dir.resolve(node)), config);
  }

  private static JsonObject tls(Path stores, String keyStore, String trustStore) {
    return new JsonObject()
      .put("enabled", true)
      .put("key_store", stores.resolve(keyStore).toString())
      .put("key_store_password", PASSWORD)
      .put("trust_store", stores.resolve(trustStore).toString())
      .put("trust_store_password", PASSWORD);
  }

  /** Verifies that two nodes with trusted certificates exchange requests and replies over TLS, and measures it. */
  @Test
  void trustedNodesExchangeRequestReply() {
    String address = "tls.echo." + UUID.randomUUID();
    MessageConsumer<JsonObject> echo = b.vertx.eventBus().consumer(address, m -> m.reply(m.body()));
    TestNode.await(echo.completion());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(1000);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
      .until(() -> TestNode.await(a.vertx.eventBus().request(address, new JsonObject(), options)) != null);
    long[] micros = new long[300];
    for (int i = 0; i < micros.length; i++) {
      long t0 = System.nanoTime();
      Message<JsonObject> reply = TestNode.await(a.vertx.eventBus().request(address, new JsonObject().put("i", i), options));
      micros[i] = (System.nanoTime() - t0) / 1000;
      assertEquals(i, reply.body().getInteger("i"));
    }
    Arrays.sort(micros);
    System.out.printf("cluster.measure TLS bus: A→B request/reply (one at a time, 300) p50 %d µs, p99 %d µs%n",
      micros[150], micros[297]);
    TestNode.await(echo.unregister());
  }

  /** Verifies that a node without a trusted certificate cannot get one message to a consumer on a trusted node. */
  @Test
  void aNodeWithoutATrustedCertificateGetsNothingThrough() {
    String address = "tls.guarded." + UUID.randomUUID();
    AtomicInteger received = new AtomicInteger();
    MessageConsumer<JsonObject> guarded = b.vertx.eventBus().consumer(address, m -> {
      received.incrementAndGet();
      m.reply(new JsonObject().put("ok", true));
    });
    TestNode.await(guarded.completion());
    // the rogue is a Hazelcast member: it sees where the consumer lives, so it does try to connect
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !registrations(c, address).isEmpty());

    DeliveryOptions options = new DeliveryOptions().setSendTimeout(1500);
    List<Future<Message<Object>>> attempts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      c.vertx.eventBus().send(address, new JsonObject().put("from", "rogue-send"));
      attempts.add(c.vertx.eventBus().request(address, new JsonObject().put("from", "rogue"), options));
    }
    TestNode.await(Future.join(attempts).otherwiseEmpty());
    List<String> failures = attempts.stream().map(f -> f.failed() ? f.cause().getMessage() : "DELIVERED").toList();
    assertTrue(attempts.stream().allMatch(Future::failed), "the rogue got replies: " + failures);

    // the consumer was reachable all along, for a trusted node
    Message<JsonObject> trusted = TestNode.await(a.vertx.eventBus().request(address, new JsonObject().put("from", "a"), options));
    assertEquals(true, trusted.body().getBoolean("ok"));
    assertEquals(1, received.get(), "only the trusted node's message arrived; the rogue's failed with " + failures);
    System.out.printf("cluster.measure TLS bus: the untrusted node's 5 requests failed: %s%n", failures);
    TestNode.await(guarded.unregister());
  }

  private static List<RegistrationInfo> registrations(ClusterNode node, String address) {
    Promise<List<RegistrationInfo>> promise = Promise.promise();
    node.clusterManager().getRegistrations(address, promise);
    return TestNode.await(promise.future());
  }
}
