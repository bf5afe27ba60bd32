package io.chameleon.guardian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guardian evaluator driven purely through the event bus, over a fake event log. */
@ExtendWith(VertxExtension.class)
class GuardianVerticleTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00.000Z");

  private final FakeEventLog log = new FakeEventLog();
  private String logDeployment;
  private String guardianDeployment;
  private GuardianVerticle guardian;

  private static JsonObject ttl(int maxAge) {
    return new JsonObject().put("type", "TTL_CHECK")
      .put("attributes", new JsonObject().put("max_age_seconds", maxAge));
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    vertx.deployVerticle(log)
      .compose(id -> {
        logDeployment = id;
        return deployGuardian(vertx);
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  private Future<String> deployGuardian(Vertx vertx) {
    guardian = new GuardianVerticle(Clock.fixed(NOW, ZoneOffset.UTC));
    return vertx.deployVerticle(guardian)
      .onSuccess(id -> guardianDeployment = id);
  }

  /** The caller of every request below unless it names its own: an ADMIN may do everything. */
  static final JsonObject ADMIN = new JsonObject().put("pilot_id", "admin-1").put("role", "ADMIN");

  private static Future<JsonObject> send(Vertx vertx, String address, JsonObject body) {
    JsonObject request = body.containsKey("actor") ? body : body.copy().put("actor", ADMIN);
    return vertx.eventBus().<JsonObject>request(address, request).map(reply -> reply.body());
  }

  private static Future<JsonObject> put(Vertx vertx, String name, JsonObject config) {
    return send(vertx, Addresses.GUARDIAN_PUT,
      new JsonObject().put("name", name).put("config", config).put("actor", ADMIN));
  }

  /** Verifies that evaluate combines named and inline guardians and replies every decision. */
  @Test
  void evaluatesOverTheBus(Vertx vertx, VertxTestContext testContext) {
    JsonObject uow = new JsonObject().put("uow_id", "u-1").put("amount", 100)
      .put("created_at", NOW.minusSeconds(30).toString());
    JsonObject gate = new JsonObject().put("type", "CRITERIA_GATE").put("attributes",
      new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("field", "amount")
        .put("condition", "gte").put("value", 50000))));
    put(vertx, "fresh", ttl(60))
      .compose(created -> send(vertx, Addresses.GUARDIAN_EVALUATE, new JsonObject()
        .put("guardians", new JsonArray().add("fresh").add(gate))
        .put("rule_prefix", "approval_guardians")
        .put("uow", uow)))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertFalse(reply.getBoolean("allowed"));
        JsonArray decisions = reply.getJsonArray("decisions");
        assertEquals(2, decisions.size());
        assertEquals("fresh", decisions.getJsonObject(0).getString("name"));
        assertEquals(30.0, decisions.getJsonObject(0).getJsonObject("metadata")
          .getDouble("age_seconds"));
        JsonObject denial = decisions.getJsonObject(1);
        assertEquals("approval_guardians[1]", denial.getString("name"));
        assertEquals("rule 1 of 1 failed: amount gte 50000 (actual 100)",
          denial.getString("reason"));
        assertEquals(100, denial.getJsonObject("metadata").getJsonArray("rules")
          .getJsonObject(0).getInteger("actual"));
        testContext.completeNow();
      })));
  }

  /**
   * Verifies that an inline configuration evaluated again is not compiled again, that a different
   * one is, and that the answers are the same as the first time.
   */
  @Test
  void inlineConfigCompiledOnce(Vertx vertx, VertxTestContext testContext) {
    JsonObject uow = new JsonObject().put("uow_id", "u-1").put("created_at", NOW.minusSeconds(30).toString());
    JsonObject same = new JsonObject().put("guardians", new JsonArray().add(ttl(60))).put("uow", uow);
    JsonObject other = new JsonObject().put("guardians", new JsonArray().add(ttl(10))).put("uow", uow);
    send(vertx, Addresses.GUARDIAN_EVALUATE, same.copy())
      .compose(first -> send(vertx, Addresses.GUARDIAN_EVALUATE, same.copy())
        .map(again -> {
          testContext.verify(() -> {
            assertEquals(first, again);
            assertTrue(first.getBoolean("allowed"));
            assertEquals(1, guardian.inlineCompilations());
          });
          return again;
        }))
      .compose(again -> send(vertx, Addresses.GUARDIAN_EVALUATE, other.copy()))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertFalse(reply.getBoolean("allowed"));
        assertEquals(2, guardian.inlineCompilations());
        testContext.completeNow();
      })));
  }

  /** Verifies that a bad inline config is a 400 naming the path of the bad field. */
  @Test
  void badConfigNamesThePath(Vertx vertx, VertxTestContext testContext) {
    JsonObject bad = new JsonObject().put("type", "CRITERIA_GATE").put("attributes",
      new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("condition", "exists"))));
    send(vertx, Addresses.GUARDIAN_EVALUATE, new JsonObject()
      .put("guardians", new JsonArray().add(ttl(5)).add(bad)).put("uow", new JsonObject()))
      .onComplete(testContext.failing(err -> testContext.verify(() -> {
        ReplyException reply = (ReplyException) err;
        assertEquals(400, reply.failureCode());
        assertEquals("guardians[1].attributes.rules[0].field: is required", reply.getMessage());
        testContext.completeNow();
      })));
  }

  /** Verifies that a missing uow is a 400. */
  @Test
  void missingUowIsBadRequest(Vertx vertx, VertxTestContext testContext) {
    send(vertx, Addresses.GUARDIAN_EVALUATE, new JsonObject().put("guardians", new JsonArray()))
      .onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertEquals(400, ((ReplyException) err).failureCode());
        assertTrue(err.getMessage().startsWith("uow:"), err.getMessage());
        testContext.completeNow();
      })));
  }

  /** Verifies put, get, list, replace and remove, each change recorded as an event first. */
  @Test
  void registryLifecycle(Vertx vertx, VertxTestContext testContext) {
    // Assertions inside compose fail the chain, which fails the test with their message.
    put(vertx, "fresh", ttl(60))
      .compose(first -> {
        assertTrue(first.getJsonObject("guardian").getBoolean("created"));
        assertEquals("TTL_CHECK", first.getJsonObject("guardian").getString("type"));
        return put(vertx, "fresh", ttl(120));
      })
      .compose(second -> {
        assertFalse(second.getJsonObject("guardian").getBoolean("created"));
        return send(vertx, Addresses.GUARDIAN_GET, new JsonObject().put("name", "fresh"));
      })
      .compose(got -> {
        assertEquals(ttl(120), got.getJsonObject("guardian").getJsonObject("config"));
        return send(vertx, Addresses.GUARDIAN_LIST, new JsonObject());
      })
      .compose(listed -> {
        assertEquals(1, listed.getJsonArray("guardians").size());
        return send(vertx, Addresses.GUARDIAN_REMOVE,
          new JsonObject().put("name", "fresh").put("actor", ADMIN));
      })
      .compose(removed -> {
        assertEquals("fresh", removed.getString("removed"));
        return send(vertx, Addresses.GUARDIAN_STATUS, new JsonObject());
      })
      .onComplete(testContext.succeeding(status -> testContext.verify(() -> {
        assertEquals("UP", status.getString("status"));
        assertEquals(0, status.getInteger("guardians"));
        assertEquals(3, log.events.size());
        assertEquals("guardian_registered", log.events.get(0).getString("event_type"));
        assertEquals(new JsonObject().put("name", "fresh").put("config", ttl(60))
          .put("actor", "admin-1"), log.events.get(0).getJsonObject("payload"));
        assertEquals("guardian_removed", log.events.get(2).getString("event_type"));
        testContext.completeNow();
      })));
  }

  /** Verifies that get of an unknown name is 404 and removing a referenced guardian is 409. */
  @Test
  void notFoundAndConflict(Vertx vertx, VertxTestContext testContext) {
    JsonObject outer = new JsonObject().put("type", "COMPOSITE")
      .put("attributes", new JsonObject().put("guardians", new JsonArray().add("fresh")));
    send(vertx, Addresses.GUARDIAN_GET, new JsonObject().put("name", "ghost"))
      .transform(got -> {
        assertEquals(404, ((ReplyException) got.cause()).failureCode());
        return put(vertx, "fresh", ttl(5));
      })
      .compose(created -> put(vertx, "outer", outer))
      .compose(created -> send(vertx, Addresses.GUARDIAN_REMOVE,
        new JsonObject().put("name", "fresh")))
      .onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertEquals(409, ((ReplyException) err).failureCode());
        assertEquals(2, log.events.size());
        testContext.completeNow();
      })));
  }

  /** Verifies that a put with a bad config is a 400 naming the path and appends nothing. */
  @Test
  void putBadConfig(Vertx vertx, VertxTestContext testContext) {
    put(vertx, "fresh", new JsonObject().put("type", "TTL_CHECK")
      .put("attributes", new JsonObject().put("max_age_seconds", "soon")))
      .onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertEquals(400, ((ReplyException) err).failureCode());
        assertEquals("attributes.max_age_seconds: must be a number", err.getMessage());
        assertTrue(log.events.isEmpty());
        testContext.completeNow();
      })));
  }

  /** Verifies that when the log refuses the append, the put fails with 503 and nothing changes. */
  @Test
  void appendFailureLeavesRegistryUnchanged(Vertx vertx, VertxTestContext testContext) {
    log.refuseAppends = true;
    put(vertx, "fresh", ttl(60))
      .transform(refused -> {
        assertEquals(503, ((ReplyException) refused.cause()).failureCode());
        return send(vertx, Addresses.GUARDIAN_GET, new JsonObject().put("name", "fresh"));
      })
      .onComplete(testContext.failing(err -> testContext.verify(() -> {
        assertEquals(404, ((ReplyException) err).failureCode());
        testContext.completeNow();
      })));
  }

  /** Verifies that a redeployed evaluator rebuilds its registry from the log, over several pages. */
  @Test
  void rebuildsFromTheLog(Vertx vertx, VertxTestContext testContext) {
    put(vertx, "a", ttl(1))
      .compose(done -> put(vertx, "b", ttl(2)))
      .compose(done -> put(vertx, "c", ttl(3)))
      .compose(done -> put(vertx, "a", ttl(4)))
      .compose(done -> send(vertx, Addresses.GUARDIAN_REMOVE, new JsonObject().put("name", "b")))
      .compose(done -> vertx.undeploy(guardianDeployment))
      .compose(done -> deployGuardian(vertx))
      .compose(done -> send(vertx, Addresses.GUARDIAN_LIST, new JsonObject()))
      .onComplete(testContext.succeeding(listed -> testContext.verify(() -> {
        JsonArray guardians = listed.getJsonArray("guardians");
        assertEquals(2, guardians.size());
        assertEquals("a", guardians.getJsonObject(0).getString("name"));
        assertEquals(ttl(4), guardians.getJsonObject(0).getJsonObject("config"));
        assertEquals("c", guardians.getJsonObject(1).getString("name"));
        testContext.completeNow();
      })));
  }

  /**
   * Verifies that without an event log the evaluator still deploys (a node starts before its
   * Redis does), answers 503 saying why, and loads by itself once the log is there.
   */
  @Test
  void waitsForTheEventLog(Vertx vertx, VertxTestContext testContext) {
    vertx.undeploy(guardianDeployment)
      .compose(done -> vertx.undeploy(logDeployment))
      .compose(done -> deployGuardian(vertx))
      .compose(done -> send(vertx, Addresses.GUARDIAN_LIST, new JsonObject()))
      .transform(refused -> {
        assertEquals(503, ((ReplyException) refused.cause()).failureCode());
        assertTrue(refused.cause().getMessage().contains("guardian evaluator unavailable"), refused.cause().getMessage());
        return send(vertx, Addresses.GUARDIAN_STATUS, new JsonObject());
      })
      .compose(status -> {
        assertEquals("DOWN", status.getString("status"));
        return vertx.deployVerticle(new FakeEventLog());
      })
      .onComplete(testContext.succeeding(logUp -> vertx.setPeriodic(50, poll ->
        send(vertx, Addresses.GUARDIAN_LIST, new JsonObject()).onSuccess(listed -> {
          vertx.cancelTimer(poll);
          testContext.verify(() -> assertTrue(listed.getJsonArray("guardians").isEmpty()));
          testContext.completeNow();
        }))));
  }
}
