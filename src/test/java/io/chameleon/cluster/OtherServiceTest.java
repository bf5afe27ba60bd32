package io.chameleon.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.HandOff;
import io.chameleon.support.ClusterNode;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 5: a verticle of another service joins the cluster (a node that runs none of
 * Chameleon's verticles), calls the documented {@code store.*} addresses and follows
 * {@code events.appended} — the {@link EngineVerticle} example of docs/EVENT_BUS.md.
 */
class OtherServiceTest {

  @TempDir
  static Path dir;

  static RedisServer redis;
  static ClusterNode chameleon;
  static ClusterNode service;
  static EngineVerticle engine;

  @BeforeAll
  static void startCluster() {
    redis = RedisServer.start(dir.resolve("redis"));
    String name = ClusterNode.randomName();
    int[] ports = ClusterNode.freePorts(4);
    JsonObject backend = ClusterNode.redis(redis.url(), "other-" + UUID.randomUUID().toString().substring(0, 8) + ":");
    chameleon = ClusterNode.start(dir.resolve("chameleon"), ClusterNode.cluster(name, ports[0], ports[2], ports[0], ports[1])
      .mergeIn(backend, true));
    service = ClusterNode.start(dir.resolve("service"), ClusterNode.cluster(name, ports[1], ports[3], ports[0], ports[1])
      .mergeIn(backend, true).mergeIn(ClusterNode.only(), true));
    // another service's node has none of Chameleon's codecs: what it receives must be in Vert.x's own
    service.vertx.eventBus().unregisterCodec(HandOff.NAME);
    engine = new EngineVerticle();
    TestNode.await(service.vertx.deployVerticle(engine));
  }

  @AfterAll
  static void stopCluster() {
    ClusterNode.closeAll(service, chameleon, redis);
  }

  /** Verifies that another service's verticle registers a UOW over the bus and sees its event published. */
  @Test
  void anotherServicesVerticleUsesTheBus() {
    String uowId = UUID.randomUUID().toString();
    String instance = UUID.randomUUID().toString();
    // its node joined a moment ago: the store's consumers become visible to it within a second or two
    JsonObject reply = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
      .until(() -> TestNode.await(engine.register(uowId, instance, new JsonObject().put("amount", 120))), r -> true);
    assertEquals(201, reply.getInteger("status"), reply.encode());
    assertEquals("PENDING", reply.getJsonObject("data").getString("status"));
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.seen.stream()
      .anyMatch(e -> "uow_registered".equals(e.getString("event_type"))));
    JsonObject registered = engine.seen.get(0);
    assertEquals(EngineVerticle.ACTOR.pilotId(), registered.getJsonObject("payload").getString("pilot_id"),
      "the actor it named is the one on record");
    String token = chameleon.token("auditor", "VIEWER");
    assertEquals(200, chameleon.http().get("/api/uows/" + uowId, token).status(), "the same UOW over HTTP");
  }

  /** Verifies that the bus applies the same checks as HTTP: a VIEWER actor cannot register, and nothing is written. */
  @Test
  void theStoreChecksTheActorItIsGiven() {
    JsonObject request = new JsonObject()
      .put("actor", new JsonObject().put("pilot_id", "engine:payments").put("role", "VIEWER"))
      .put("params", new JsonObject())
      .put("body", new JsonObject().put("instance_id", UUID.randomUUID().toString()));
    Throwable refused = await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        TestNode.await(service.vertx.eventBus().request("store.uow.register", request));
        return null;
      } catch (RuntimeException e) {
        return e;
      }
    }, e -> e instanceof ReplyException r && r.failureCode() != -1);
    assertEquals(403, ((ReplyException) refused).failureCode(), refused.getMessage());
    assertTrue(refused.getMessage().contains("OPERATOR"), refused.getMessage());
  }
}
