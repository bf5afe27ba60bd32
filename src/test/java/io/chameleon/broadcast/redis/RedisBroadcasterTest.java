package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static io.chameleon.broadcast.redis.RedisLogs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.broadcast.Event;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcaster on the Redis backend, through the event bus: appends and status, DOWN naming
 * Redis while it is unreachable and UP again by itself, and events found in the stream that no
 * reply carried published on {@code events.appended}.
 */
class RedisBroadcasterTest {

  private static final RedisKeys KEYS = RedisLogs.keys("broadcaster:");

  @TempDir
  Path dir;

  private RedisServer server;
  private Vertx vertx;
  private BusClient bus;

  @BeforeEach
  void start() {
    server = RedisServer.start(dir.resolve("redis"));
    vertx = Vertx.vertx();
    bus = new BusClient(vertx, 5000);
  }

  @AfterEach
  void stop() {
    try {
      await(vertx.close());
    } finally {
      server.close();
    }
  }

  private void deploy() {
    JsonObject config = new JsonObject()
      .put("events", new JsonObject().put("backend", "redis").put("redis", new JsonObject()
        .put("stream", KEYS.stream()).put("key_prefix", KEYS.prefix()).put("max_len", 0)))
      .put("redis", new JsonObject().put("url", server.url()).put("timeout_ms", 1000))
      .put("bus", new JsonObject().put("timeout_ms", 5000));
    await(vertx.deployVerticle(new BroadcasterVerticle(), new DeploymentOptions().setConfig(config)));
  }

  private static JsonObject appendBody(String type) {
    return new JsonObject().put("events", new JsonArray()
      .add(new JsonObject().put("event_type", type).put("payload", new JsonObject().put("t", type))));
  }

  private JsonObject status() {
    return await(bus.request(Addresses.EVENTS_STATUS, new JsonObject()));
  }

  /** Verifies that appends, reads, verify and status work through the bus on the Redis backend. */
  @Test
  void appendsReadsAndReportsOnRedis() {
    deploy();
    JsonObject appended = await(bus.request(Addresses.EVENTS_APPEND, appendBody("a")));
    String id = appended.getJsonArray("events").getJsonObject(0).getString("id");
    JsonObject read = await(bus.request(Addresses.EVENTS_READ, new JsonObject()));
    assertEquals(id, read.getJsonArray("events").getJsonObject(0).getString("id"));
    JsonObject verify = await(bus.request(Addresses.EVENTS_VERIFY, new JsonObject()));
    assertEquals(true, verify.getBoolean("ok"));
    assertTrue(verify.containsKey("anchored_at"));
    JsonObject status = status();
    assertEquals("redis", status.getString("backend"));
    assertEquals("UP", status.getString("status"));
    assertFalse(status.containsKey("reason"));
    assertEquals(id, status.getString("last_id"));
  }

  /**
   * Verifies that with Redis down at start the broadcaster deploys, status is DOWN naming Redis,
   * appends are 503s, and once Redis is there status is UP and appends land — no restart.
   */
  @Test
  void downNamingRedisThenUpByItself() {
    server.kill();
    deploy();
    JsonObject status = status();
    assertEquals("DOWN", status.getString("status"));
    assertTrue(status.getString("reason").contains("Redis at 127.0.0.1:" + server.port()),
      status.getString("reason"));
    assertEquals(503, ((Failure) failure(bus.request(Addresses.EVENTS_APPEND, appendBody("a")))).status());

    try {
      server.restart();
    } catch (RedisServer.RedisError loading) {
      // still loading its append-only file: the log's probe waits for it
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(status().getString("status")));
    await(bus.request(Addresses.EVENTS_APPEND, appendBody("b")));
  }

  /**
   * Verifies that events another writer appended to the stream are published on events.appended
   * once the broadcaster's log finds them (its next append is refused and reloads the tip).
   */
  @Test
  void eventsFoundInTheStreamArePublished() {
    deploy();
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_APPENDED, m -> published.add(m.body()))
      .completion());
    await(bus.request(Addresses.EVENTS_APPEND, appendBody("ours")));

    RedisEventLog other = new RedisLogs(vertx, server).opened(KEYS, 1000);
    List<Event> theirs = await(other.append(call(0, 2)));
    Failure refused = (Failure) failure(bus.request(Addresses.EVENTS_APPEND, appendBody("refused")));
    assertEquals(503, refused.status());

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 3);
    assertEquals(List.of("ours", "load", "load"), published.stream().map(e -> e.getString("event_type")).toList());
    assertEquals(theirs.get(0).toJson(), published.get(1));
    assertEquals(theirs.get(1).toJson(), published.get(2));
    await(bus.request(Addresses.EVENTS_APPEND, appendBody("after")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 4);
  }
}
