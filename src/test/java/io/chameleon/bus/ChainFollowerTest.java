package io.chameleon.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.bus.Tip;
import io.chameleon.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following published events over a real event log: gaps are read from the log, repeats dropped. */
class ChainFollowerTest {

  @TempDir
  Path dir;

  Vertx vertx;
  Context context;
  final List<String> applied = new CopyOnWriteArrayList<>();
  final List<Tip> gaps = new CopyOnWriteArrayList<>();
  ChainFollower follower;

  @BeforeEach
  void log() {
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject().put("events", new JsonObject().put("backend", "file")
      .put("file", dir.resolve("events.jsonl").toString()));
    TestNode.await(vertx.deployVerticle(new BroadcasterVerticle(), new DeploymentOptions().setConfig(config)));
    context = vertx.getOrCreateContext();
    follower = new ChainFollower(new BusClient(vertx, 2000), Tip.EMPTY,
      event -> applied.add(event.getString("id")), gaps::add);
  }

  @AfterEach
  void close() {
    TestNode.await(vertx.close());
  }

  private List<JsonObject> append(int count) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      events.add(new JsonObject().put("event_type", "test_event").put("payload", new JsonObject().put("i", i)));
    }
    JsonObject reply = TestNode.await(vertx.eventBus().<JsonObject>request(Addresses.EVENTS_APPEND,
      new JsonObject().put("events", events))).body();
    List<JsonObject> stored = new ArrayList<>();
    reply.getJsonArray("events").forEach(e -> stored.add((JsonObject) e));
    return stored;
  }

  private void publish(JsonObject event) {
    context.runOnContext(v -> follower.published(event));
  }

  private List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  /** Verifies that events in chain order are applied as they come, and a repeat is dropped. */
  @Test
  void appliesInOrderAndDropsRepeats() {
    List<JsonObject> events = append(5);
    events.forEach(this::publish);
    publish(events.get(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 5);
    TestNode.await(vertx.executeBlocking(() -> null)); // let a wrongly repeated apply land first
    assertEquals(ids(events), applied);
    assertEquals(List.of(), gaps);
  }

  /** Verifies that a missed event is noticed by the next one's prev_hash and read from the log, once, in order. */
  @Test
  void readsAGapFromTheLog() {
    List<JsonObject> events = append(8);
    publish(events.get(0));
    publish(events.get(1));
    // 2, 3 and 4 never arrive; 5 shows the hole
    publish(events.get(5));
    publish(events.get(6));
    publish(events.get(7));
    publish(events.get(3)); // a late duplicate of what the read brought
    await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 8);
    assertEquals(ids(events), applied);
    assertEquals(1, gaps.size());
    assertEquals(events.get(1).getString("id"), gaps.get(0).id());
    List<JsonObject> more = append(2);
    more.forEach(this::publish);
    await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 10);
    assertEquals(ids(more), applied.subList(8, 10));
  }
}
