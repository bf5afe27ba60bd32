package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks for a long replay and stops reading holds the replay back, not the server's
 * memory: what is queued for it stays within the write budget however long the log is, and once
 * it reads again it gets every event exactly once, in log order — the live ones appended while it
 * was stalled included.
 */
class SlowReplayTest {

  static final int EVENTS = 10_000;
  static final int MAX_QUEUED = 262_144;

  static final String PAD = "x".repeat(1000);

  @TempDir
  Path dataDir;
  Vertx clientVertx;
  TestNode node;
  SocketClient slow;
  /** The ids in the log, in order. */
  final List<String> logged = new ArrayList<>();

  /** A log of ~10 MB, and a client that asks for all of it and stops reading until the replay waits. */
  @BeforeEach
  void stalledReplay() {
    clientVertx = Vertx.vertx();
    node = TestNode.start(dataDir, ReplayTest.overrides()
      .put("dashboard", new JsonObject().put("max_queued_bytes", MAX_QUEUED)));
    for (int done = 0; done < EVENTS; done += 500) {
      logged.addAll(append(node, done, 500, PAD));
    }
    slow = SocketClient.authenticated(SocketClient.client(clientVertx), node.http.port(), node.token("v", "VIEWER"));
    slow.ws.pause();
    slow.send("subscribe", "s", new JsonObject().put("after", "0-0"));
    // the socket's kernel buffers fill, then the replay must wait for them
    await().atMost(Duration.ofSeconds(20)).until(() -> status(node).getLong("peak_queued_bytes") >= MAX_QUEUED / 2);
  }

  @AfterEach
  void close() {
    slow.close();
    node.close();
    TestNode.await(clientVertx.close());
  }

  @Test
  void verifiesThatAStalledReplayStaysWithinTheBudgetAndLosesNothing() {
    logged.addAll(append(node, EVENTS, 5, "live"));

    long peak = status(node).getLong("peak_queued_bytes");
    int largestFrame = Push.of(Push.EVENT, logged.get(0), new JsonObject().put("pad", PAD + PAD)).bytes();
    assertTrue(peak <= MAX_QUEUED / 2 + largestFrame, "queued for the stalled client: " + peak + " B");

    slow.ws.resume();
    JsonObject reply = slow.awaitFrame(f -> "s".equals(f.getValue("id")));
    assertTrue(reply.getBoolean("success"), reply.encode());
    await().atMost(Duration.ofSeconds(20)).until(() -> slow.pushes("event").size() >= logged.size());
    slow.request("sync", "after", null); // any duplicate would have been written before this reply
    List<String> got = slow.pushes("event").stream().map(f -> f.getJsonObject("data").getString("id")).toList();
    assertEquals(logged, got, "every event once, in log order");
    assertTrue(slow.pushes("resync").isEmpty(), "nothing was dropped");
  }

  @Test
  void verifiesThatMoreLivePushesThanTheBudgetDuringAStalledReplayEndInResync() {
    // live pushes only (not in the log, so the replay cannot cover them): 400 KB > the budget
    int live = 400;
    for (int i = 0; i < live; i++) {
      Push.of(Push.NEW_REQUEST, null, new JsonObject().put("n", i).put("pad", PAD)).publish(node.vertx);
    }
    slow.ws.resume();
    JsonObject resync = slow.awaitFrame(f -> "resync".equals(f.getString("type")));
    assertEquals(live, resync.getJsonObject("data").getLong("dropped"), "every held push counted as dropped");
    assertEquals(logged.size(), slow.pushes("event").size(), "the replay itself lost nothing");
    assertTrue(slow.pushes(Push.NEW_REQUEST).isEmpty(), "no held push after the overflow");
  }

  static JsonObject status(TestNode node) {
    return TestNode.await(node.vertx.eventBus().<JsonObject>request(Addresses.DASHBOARD_STATUS, new JsonObject())).body();
  }

  static List<String> append(TestNode node, int first, int count, String pad) {
    JsonArray events = new JsonArray();
    for (int i = first; i < first + count; i++) {
      // a type no verticle acts on: only the dashboard forwards it
      events.add(new JsonObject().put("event_type", "test_padding")
        .put("payload", new JsonObject().put("n", i).put("pad", pad)));
    }
    JsonObject reply = TestNode.await(node.vertx.eventBus()
      .<JsonObject>request(Addresses.EVENTS_APPEND, new JsonObject().put("events", events))).body();
    List<String> ids = new ArrayList<>();
    reply.getJsonArray("events").forEach(e -> ids.add(((JsonObject) e).getString("id")));
    return ids;
  }
}
