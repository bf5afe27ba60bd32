package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The broadcaster driven purely through the event bus. */
@ExtendWith(VertxExtension.class)
class BroadcasterVerticleTest {

  @TempDir
  Path dir;

  private BusClient bus;
  private String deployment;

  private static JsonObject config(String backend, Path file) {
    return new JsonObject().put("bus_timeout_ms", 5000)
      .put("events", new JsonObject().put("backend", backend).put("file", file.toString()));
  }

  private static JsonObject appendBody(String... types) {
    JsonArray events = new JsonArray();
    for (String type : types) {
      events.add(new JsonObject().put("event_type", type).put("payload", new JsonObject().put("t", type)));
    }
    return new JsonObject().put("events", events);
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    bus = new BusClient(vertx, 5000);
    vertx.deployVerticle(new BroadcasterVerticle(),
        new DeploymentOptions().setConfig(config("file", dir.resolve("log/events.jsonl"))))
      .onComplete(ctx.succeeding(id -> {
        deployment = id;
        ctx.completeNow();
      }));
  }

  /**
   * Verifies that an appended event reaches the appender's reply and a local consumer of
   * events.appended as one object, handed over and not copied for each (issue 10, item 9).
   */
  @Test
  void appendedEventIsHandedOverNotCopied(Vertx vertx, VertxTestContext ctx) {
    Promise<JsonObject> published = Promise.promise();
    MessageConsumer<JsonObject> listener = vertx.eventBus().consumer(Addresses.EVENTS_APPENDED,
      message -> published.tryComplete(message.body()));
    listener.completion()
      .compose(v -> bus.request(Addresses.EVENTS_APPEND, appendBody("uow_registered")))
      .compose(reply -> published.future().map(event -> {
        ctx.verify(() -> assertSame(reply.getJsonArray("events").getJsonObject(0).getMap(), event.getMap()));
        return event;
      }))
      .onComplete(ctx.succeeding(event -> listener.unregister().onComplete(ctx.succeedingThenComplete())));
  }

  /** Verifies that an append replies with the full events and publishes each on events.appended. */
  @Test
  void appendRepliesAndPublishes(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> published = new ArrayList<>();
    Promise<List<JsonObject>> bothPublished = Promise.promise();
    MessageConsumer<JsonObject> listener = vertx.eventBus().consumer(Addresses.EVENTS_APPENDED,
      message -> {
        published.add(message.body());
        if (published.size() == 2) {
          bothPublished.complete(published);
        }
      });
    listener.completion()
      .compose(v -> bus.request(Addresses.EVENTS_APPEND, appendBody("uow_registered", "guard_pass")))
      .compose(reply -> bothPublished.future().map(seen -> {
        ctx.verify(() -> {
          JsonArray events = reply.getJsonArray("events");
          assertEquals(2, events.size());
          Event first = Event.fromJson(events.getJsonObject(0));
          Event second = Event.fromJson(events.getJsonObject(1));
          assertEquals("uow_registered", first.eventType());
          assertEquals(EventHash.GENESIS, first.prevHash());
          assertEquals(first.hash(), second.prevHash());
          assertTrue(second.eventId().isAfter(first.eventId()));
          assertEquals(List.of(events.getJsonObject(0), events.getJsonObject(1)), seen);
        });
        return null;
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that malformed append and read bodies are refused with 400. */
  @Test
  void refusesBadBodies(VertxTestContext ctx) {
    var refused = ctx.checkpoint(4);
    for (var body : List.of(new JsonObject(), new JsonObject().put("events", new JsonArray()),
      new JsonObject().put("events", new JsonArray().add(new JsonObject().put("event_type", "x"))))) {
      bus.request(Addresses.EVENTS_APPEND, body).onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertEquals(400, ((Failure) err).status());
        refused.flag();
      })));
    }
    bus.request(Addresses.EVENTS_READ, new JsonObject().put("count", 1001))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertEquals(400, ((Failure) err).status());
        refused.flag();
      })));
  }

  /** Verifies the shapes of the read, verify and status replies after two appends. */
  @Test
  void readVerifyAndStatusShapes(VertxTestContext ctx) {
    bus.request(Addresses.EVENTS_APPEND, appendBody("a", "b"))
      .compose(v -> bus.request(Addresses.EVENTS_APPEND, appendBody("c")))
      .compose(appended -> bus.request(Addresses.EVENTS_READ,
          new JsonObject().put("after", "0-0").put("count", 2))
        .compose(read -> bus.request(Addresses.EVENTS_VERIFY, new JsonObject())
          .compose(verify -> bus.request(Addresses.EVENTS_STATUS, new JsonObject())
            .map(status -> {
              ctx.verify(() -> {
                assertEquals(2, read.getJsonArray("events").size());
                assertEquals(read.getJsonArray("events").getJsonObject(1).getString("id"),
                  read.getString("scanned_to"));
                assertEquals(true, read.getBoolean("more"));

                assertEquals(true, verify.getBoolean("ok"));
                assertEquals(3L, verify.getLong("checked"));
                assertTrue(verify.containsKey("first_bad_id"));
                assertNull(verify.getValue("first_bad_id"));

                assertEquals("file", status.getString("backend"));
                assertEquals("UP", status.getString("status"));
                assertNull(status.getValue("reason"));
                assertEquals(3L, status.getLong("events_emitted"));
                assertTrue(status.getLong("bytes_written") > 0);
                assertEquals(0L, status.getLong("errors"));
                assertEquals(appended.getJsonArray("events").getJsonObject(0).getString("id"),
                  status.getString("last_id"));
              });
              return null;
            }))))
      .onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that an unknown backend fails the deployment naming events.backend. */
  @Test
  void unknownBackendFailsDeployment(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new BroadcasterVerticle(),
        new DeploymentOptions().setConfig(config("carrier-pigeon", dir.resolve("x.jsonl"))))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertTrue(err.getMessage().contains("events.backend"), err.getMessage());
        ctx.completeNow();
      })));
  }

  /** Verifies that a log path under a regular file fails the deployment naming the path. */
  @Test
  void unusablePathFailsDeployment(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path plain = java.nio.file.Files.writeString(dir.resolve("plain"), "x");
    Path file = plain.resolve("events.jsonl");
    vertx.deployVerticle(new BroadcasterVerticle(),
        new DeploymentOptions().setConfig(config("file", file)))
      .onComplete(ctx.failing(err -> ctx.verify(() -> {
        assertTrue(err.getMessage().contains(file.toString()), err.getMessage());
        ctx.completeNow();
      })));
  }

  /** Verifies that a full disk answers 503 over the bus and status reports DOWN with an error and a reason. */
  @Test
  void fullDiskIsUnavailable(Vertx vertx, VertxTestContext ctx) {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(full));
    vertx.undeploy(deployment)
      .compose(v -> vertx.deployVerticle(new BroadcasterVerticle(),
        new DeploymentOptions().setConfig(config("file", full))))
      .compose(id -> bus.request(Addresses.EVENTS_APPEND, appendBody("x"))
        .transform(append -> bus.request(Addresses.EVENTS_STATUS, new JsonObject())
          .map(status -> {
            ctx.verify(() -> {
              assertEquals(503, ((Failure) append.cause()).status());
              assertEquals("DOWN", status.getString("status"));
              assertTrue(status.getString("reason").contains("/dev/full"), status.getString("reason"));
              assertEquals(1L, status.getLong("errors"));
              assertEquals("0-0", status.getString("last_id"));
            });
            return id;
          })))
      .compose(vertx::undeploy)
      .onComplete(ctx.succeedingThenComplete());
  }
}
