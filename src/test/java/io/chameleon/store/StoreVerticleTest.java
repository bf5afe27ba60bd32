package io.chameleon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.guardian.GuardianVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store driven over the event bus, with the real broadcaster (file log) and the real guardian
 * evaluator deployed before it.
 */
@ExtendWith(VertxExtension.class)
class StoreVerticleTest {

  static final JsonObject ADMIN = new JsonObject().put("pilot_id", "admin-1").put("role", "ADMIN");
  static final JsonObject OPERATOR = new JsonObject().put("pilot_id", "op-1")
    .put("role", "OPERATOR");
  static final String INSTANCE = "11111111-1111-4111-8111-111111111111";

  @TempDir
  Path dir;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T12:00:00.000Z"));
  private final List<String> deployments = new ArrayList<>();

  /** A clock tests move forward. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private Future<Void> deployAll(Vertx vertx, String file) {
    JsonObject events = new JsonObject().put("events", new JsonObject().put("backend", "file")
      .put("file", file));
    JsonObject fast = new JsonObject().put("store", new JsonObject().put("sweep_ms", 50));
    return vertx.deployVerticle(new BroadcasterVerticle(), new DeploymentOptions().setConfig(events))
      .compose(id -> {
        deployments.add(id);
        return vertx.deployVerticle(new GuardianVerticle(), new DeploymentOptions()
          .setConfig(new JsonObject()));
      })
      .compose(id -> {
        deployments.add(id);
        return vertx.deployVerticle(new StoreVerticle(clock),
          new DeploymentOptions().setConfig(fast));
      })
      .map(id -> {
        deployments.add(id);
        return null;
      });
  }

  private Future<Void> undeployAll(Vertx vertx) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.onComplete(done -> deployments.clear());
  }

  private static Future<JsonObject> call(Vertx vertx, String address, JsonObject actor,
                                         JsonObject params, JsonObject body) {
    JsonObject message = new JsonObject().put("actor", actor).put("params", params)
      .put("body", body);
    return new BusClient(vertx, 5000).request(address, message);
  }

  private static Future<JsonObject> data(Vertx vertx, String address, JsonObject actor,
                                         JsonObject params, JsonObject body) {
    return call(vertx, address, actor, params, body).map(reply -> reply.getJsonObject("data"));
  }

  private static JsonObject uowParam(String uowId) {
    return new JsonObject().put("uow_id", uowId);
  }

  /**
   * Verifies the guarded path end to end and across a restart: a blocking guardian pauses the
   * UOW with a waive_violation request, a waiver (with an idempotency key) re-activates it, and
   * after redeploying everything over the same file every UOW, request, metric and idempotency
   * record is the same.
   */
  @Test
  void guardedAdvanceWaiveAndRestart(Vertx vertx, VertxTestContext ctx) {
    String uowId = UUID.randomUUID().toString();
    String file = dir.resolve("events.jsonl").toString();
    JsonObject limit = new JsonObject().put("type", "CRITERIA_GATE").put("attributes",
      new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("field", "amount")
        .put("condition", "lte").put("value", 100))));
    JsonObject register = new JsonObject().put("uow_id", uowId).put("instance_id", INSTANCE)
      .put("attributes", new JsonObject().put("amount", 10))
      .put("interaction_policy", new JsonObject().put("guardians", new JsonArray().add("limit")));
    JsonObject waive = new JsonObject().put("actor", ADMIN)
      .put("params", uowParam(uowId).put("guard_rule_id", "limit"))
      .put("body", new JsonObject().put("reason", "accepted risk"))
      .put("idempotency", new JsonObject().put("key", "k-1").put("method", "POST")
        .put("path", "/pilot/waive/" + uowId + "/limit"));
    JsonObject[] before = new JsonObject[4];
    String[] requestId = new String[1];
    BusClient bus = new BusClient(vertx, 5000);
    deployAll(vertx, file)
      .compose(v -> bus.request(Addresses.GUARDIAN_PUT, new JsonObject().put("name", "limit")
        .put("config", limit).put("actor", ADMIN)))
      .compose(v -> call(vertx, Addresses.STORE_UOW_REGISTER, OPERATOR, new JsonObject(),
        register))
      .compose(created -> {
        ctx.verify(() -> assertEquals(201, created.getInteger("status")));
        return data(vertx, Addresses.STORE_UOW_ADVANCE, OPERATOR, uowParam(uowId),
          new JsonObject().put("status", "ACTIVE"));
      })
      .compose(active -> {
        ctx.verify(() -> assertEquals("ADVANCED", active.getString("outcome")));
        return data(vertx, Addresses.STORE_UOW_ADVANCE, OPERATOR, uowParam(uowId),
          new JsonObject().put("status", "COMPLETED").put("attributes",
            new JsonObject().put("amount", 500)));
      })
      .compose(paused -> {
        ctx.verify(() -> {
          assertEquals("PAUSED", paused.getString("outcome"));
          JsonObject uow = paused.getJsonObject("uow");
          assertEquals("PAUSED", uow.getString("status"));
          assertEquals("limit", uow.getJsonObject("pause").getString("rule_id"));
          assertEquals(500, uow.getJsonObject("attributes").getInteger("amount"));
          assertEquals("limit", paused.getJsonArray("decisions").getJsonObject(0)
            .getString("name"));
        });
        requestId[0] = paused.getString("request_id");
        return data(vertx, Addresses.STORE_INTERVENTION_GET, OPERATOR,
          new JsonObject().put("request_id", requestId[0]), new JsonObject());
      })
      .compose(request -> {
        ctx.verify(() -> {
          assertEquals("waive_violation", request.getString("intervention_type"));
          assertEquals("ADMIN", request.getString("required_role"));
        });
        return bus.request(Addresses.STORE_PILOT_WAIVE, waive);
      })
      .compose(waived -> {
        ctx.verify(() -> {
          JsonObject d = waived.getJsonObject("data");
          assertEquals("ACTIVE", d.getJsonObject("uow").getString("status"));
          assertEquals(new JsonArray().add(requestId[0]), d.getJsonArray("request_ids_closed"));
        });
        before[0] = waived;
        return snapshot(vertx, uowId, requestId[0]);
      })
      .compose(snapshot -> {
        before[1] = snapshot;
        return undeployAll(vertx);
      })
      .compose(v -> deployAll(vertx, file))
      .compose(v -> snapshot(vertx, uowId, requestId[0]))
      .compose(after -> {
        ctx.verify(() -> assertEquals(before[1], after));
        return bus.request(Addresses.STORE_PILOT_WAIVE, waive);
      })
      .compose(repeat -> {
        ctx.verify(() -> assertEquals(before[0], repeat));
        return bus.request(Addresses.STORE_PILOT_WAIVE, waive.copy().put("body",
          new JsonObject().put("reason", "another body")))
          .transform(other -> {
            ctx.verify(() -> assertEquals(409, ((Failure) other.cause()).status()));
            return snapshot(vertx, uowId, requestId[0]);
          });
      })
      .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
        assertEquals(before[1], after);
        ctx.completeNow();
      })));
  }

  private static Future<JsonObject> snapshot(Vertx vertx, String uowId, String requestId) {
    JsonObject result = new JsonObject();
    return data(vertx, Addresses.STORE_UOW_GET, OPERATOR, uowParam(uowId), new JsonObject())
      .compose(uow -> {
        result.put("uow", uow);
        return data(vertx, Addresses.STORE_INTERVENTION_GET, OPERATOR,
          new JsonObject().put("request_id", requestId), new JsonObject());
      })
      .compose(request -> {
        result.put("request", request);
        return data(vertx, Addresses.STORE_INTERVENTION_METRICS, OPERATOR, new JsonObject(),
          new JsonObject());
      })
      .compose(metrics -> {
        result.put("metrics", metrics);
        return data(vertx, Addresses.STORE_UOW_LIST, OPERATOR, new JsonObject(), new JsonObject());
      })
      .compose(list -> {
        result.put("list", list);
        return data(vertx, Addresses.STORE_INSTANCES_HALTED, OPERATOR, new JsonObject(),
          new JsonObject());
      })
      .map(halted -> result.put("halted", halted));
  }

  /** Verifies that of 100 simultaneous approvals of one request exactly one succeeds. */
  @Test
  void concurrentApprovals(Vertx vertx, VertxTestContext ctx) {
    JsonObject create = new JsonObject().put("request_id", "race-1").put("uow_id", "ext-uow-1")
      .put("intervention_type", "cancel").put("title", "stop it");
    deployAll(vertx, dir.resolve("events.jsonl").toString())
      .compose(v -> call(vertx, Addresses.STORE_INTERVENTION_CREATE, OPERATOR, new JsonObject(),
        create))
      .compose(created -> {
        List<Future<Integer>> outcomes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          JsonObject actor = new JsonObject().put("pilot_id", "pilot-" + i).put("role", "ADMIN");
          outcomes.add(call(vertx, Addresses.STORE_INTERVENTION_APPROVE, actor,
            new JsonObject().put("request_id", "race-1"),
            new JsonObject().put("reason", "go " + i))
            .transform(done -> Future.succeededFuture(done.succeeded() ? 200
              : ((Failure) done.cause()).status())));
        }
        return Future.all(outcomes).map(all -> {
          List<Integer> codes = all.list();
          return codes;
        });
      })
      .compose(codes -> {
        ctx.verify(() -> {
          assertEquals(1, codes.stream().filter(c -> c == 200).count());
          assertEquals(99, codes.stream().filter(c -> c == 409).count());
        });
        return data(vertx, Addresses.STORE_INTERVENTION_METRICS, OPERATOR, new JsonObject(),
          new JsonObject());
      })
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(1L, metrics.getLong("approved_interventions"));
        assertEquals(1, metrics.getJsonArray("top_pilots").size());
        ctx.completeNow();
      })));
  }

  /** Verifies that when the log cannot be written, a write answers 503 and nothing changes. */
  @Test
  void appendFailureChangesNothing(Vertx vertx, VertxTestContext ctx) {
    Path full = Path.of("/dev/full");
    Assumptions.assumeTrue(Files.exists(full));
    JsonObject register = new JsonObject().put("instance_id", INSTANCE);
    deployAll(vertx, full.toString())
      .compose(v -> call(vertx, Addresses.STORE_UOW_REGISTER, OPERATOR, new JsonObject(), register)
        .transform(done -> {
          ctx.verify(() -> assertEquals(503, ((Failure) done.cause()).status()));
          return new BusClient(vertx, 5000).request(Addresses.STORE_STATUS, new JsonObject());
        }))
      .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
        assertEquals("UP", status.getString("status"));
        assertEquals(0, status.getInteger("uows"));
        ctx.completeNow();
      })));
  }

  /** Verifies that a request past expires_at is expired by the sweeper, and its parked UOW dies. */
  @Test
  void sweeperExpires(Vertx vertx, VertxTestContext ctx) {
    String uowId = UUID.randomUUID().toString();
    JsonObject register = new JsonObject().put("uow_id", uowId).put("instance_id", INSTANCE)
      .put("interaction_policy", new JsonObject().put("max_interactions", 0));
    deployAll(vertx, dir.resolve("events.jsonl").toString())
      .compose(v -> call(vertx, Addresses.STORE_UOW_REGISTER, OPERATOR, new JsonObject(),
        register))
      .compose(v -> call(vertx, Addresses.STORE_UOW_ADVANCE, OPERATOR, uowParam(uowId),
        new JsonObject().put("status", "ACTIVE")))
      .compose(v -> data(vertx, Addresses.STORE_UOW_INTERACTION, OPERATOR, uowParam(uowId),
        new JsonObject()))
      .compose(locked -> {
        ctx.verify(() -> assertEquals("ZOMBIED_SOFT", locked.getString("status")));
        clock.advance(3601);
        return poll(vertx, uowId, 100);
      })
      .onComplete(ctx.succeeding(uow -> ctx.verify(() -> {
        assertEquals("ZOMBIED_DEAD", uow.getString("status"));
        ctx.completeNow();
      })));
  }

  /** Asks for the UOW on every timer tick until it is ZOMBIED_DEAD or the tries run out. */
  private static Future<JsonObject> poll(Vertx vertx, String uowId, int tries) {
    return vertx.timer(20).compose(t -> data(vertx, Addresses.STORE_UOW_GET, OPERATOR,
      uowParam(uowId), new JsonObject())).compose(uow -> {
        if ("ZOMBIED_DEAD".equals(uow.getString("status")) || tries <= 1) {
          return Future.succeededFuture(uow);
        }
        return poll(vertx, uowId, tries - 1);
      });
  }

  /** Verifies the shape checks and the endpoint role: 400 for bad ids and bodies, 403 for roles. */
  @Test
  void shapeAndRoleChecks(Vertx vertx, VertxTestContext ctx) {
    JsonObject viewer = new JsonObject().put("pilot_id", "v-1").put("role", "VIEWER");
    deployAll(vertx, dir.resolve("events.jsonl").toString())
      .compose(v -> status(call(vertx, Addresses.STORE_UOW_GET, OPERATOR,
        uowParam("not-a-uuid"), new JsonObject())))
      .compose(code -> {
        ctx.verify(() -> assertEquals(400, code));
        return status(call(vertx, Addresses.STORE_PILOT_KILL_SWITCH, OPERATOR, new JsonObject(),
          new JsonObject().put("instance_id", INSTANCE).put("reason", "x")));
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals(403, code));
        return status(call(vertx, Addresses.STORE_PILOT_CANCEL, OPERATOR,
          uowParam(UUID.randomUUID().toString()), new JsonObject().put("reason", "  ")));
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals(400, code));
        return status(call(vertx, Addresses.STORE_PILOT_CANCEL, OPERATOR,
          uowParam(UUID.randomUUID().toString()), new JsonObject().put("reason", "x")
            .put("extra", 1)));
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals(400, code));
        return status(call(vertx, Addresses.STORE_INTERVENTION_PENDING, viewer,
          new JsonObject().put("limit", "501"), new JsonObject()));
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals(400, code));
        return status(call(vertx, Addresses.STORE_UOW_REGISTER, viewer, new JsonObject(),
          new JsonObject().put("instance_id", INSTANCE)));
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals(403, code));
        return status(call(vertx, Addresses.STORE_PILOT_CANCEL, OPERATOR,
          uowParam(UUID.randomUUID().toString()), new JsonObject().put("reason", "x")));
      })
      .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
        assertEquals(404, code);
        ctx.completeNow();
      })));
  }

  private static Future<Integer> status(Future<JsonObject> reply) {
    return reply.transform(done -> Future.succeededFuture(done.succeeded()
      ? done.result().getInteger("status") : ((Failure) done.cause()).status()));
  }

  /** Verifies that a kill switch on an instance pauses its ACTIVE UOWs and is listed as halted. */
  @Test
  void killSwitchOverTheBus(Vertx vertx, VertxTestContext ctx) {
    String uowId = UUID.randomUUID().toString();
    deployAll(vertx, dir.resolve("events.jsonl").toString())
      .compose(v -> call(vertx, Addresses.STORE_UOW_REGISTER, OPERATOR, new JsonObject(),
        new JsonObject().put("uow_id", uowId).put("instance_id", INSTANCE)))
      .compose(v -> call(vertx, Addresses.STORE_UOW_ADVANCE, OPERATOR, uowParam(uowId),
        new JsonObject().put("status", "ACTIVE")))
      .compose(v -> data(vertx, Addresses.STORE_PILOT_KILL_SWITCH, ADMIN, new JsonObject(),
        new JsonObject().put("instance_id", INSTANCE).put("reason", "runaway")))
      .compose(halt -> {
        ctx.verify(() -> {
          assertEquals(1, halt.getInteger("paused_uow_count"));
          assertEquals(uowId, halt.getJsonArray("paused_uow_ids").getString(0));
        });
        return data(vertx, Addresses.STORE_INSTANCES_HALTED, OPERATOR, new JsonObject(),
          new JsonObject());
      })
      .onComplete(ctx.succeeding(halted -> ctx.verify(() -> {
        JsonObject instance = halted.getJsonArray("instances").getJsonObject(0);
        assertEquals("admin-1", instance.getString("halted_by"));
        assertNotNull(instance.getString("halted_at"));
        assertTrue(instance.getJsonArray("paused_uow_ids").contains(uowId));
        ctx.completeNow();
      })));
  }
}
