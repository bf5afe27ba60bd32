package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR F30: a pilot reconnects after a server restart with the last event id it saw and gets every
 * later event exactly once — those appended while it was away (several replay pages of them), those
 * appended while the replay runs, and the live ones after.
 */
class ReplayTest {

  static JsonObject overrides() {
    return new JsonObject().put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
  }

  static TestNode start(Path dataDir) {
    TestNode node = TestNode.start(dataDir, overrides());
    return node;
  }

  /** Appends {@code count} events in batches of 100; returns their ids. */
  static List<String> append(TestNode node, String tag, int count) {
    List<String> ids = new ArrayList<>();
    for (int done = 0; done < count; done += 100) {
      JsonArray events = new JsonArray();
      for (int i = done; i < Math.min(count, done + 100); i++) {
        events.add(new JsonObject().put("event_type", "guardian_registered")
          .put("payload", new JsonObject().put("name", tag + "-" + i)));
      }
      JsonObject reply = TestNode.await(node.vertx.eventBus()
        .<JsonObject>request(Addresses.EVENTS_APPEND, new JsonObject().put("events", events))).body();
      reply.getJsonArray("events").forEach(e -> ids.add(((JsonObject) e).getString("id")));
    }
    return ids;
  }

  @Test
  void verifiesThatReconnectingWithTheLastSeenIdAfterARestartReplaysEveryLaterEventOnce(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    WebSocketClient client = SocketClient.client(clientVertx);
    try {
      String lastSeen;
      try (TestNode node = start(dataDir)) {
        try (SocketClient socket = SocketClient.authenticated(client, node.http.port(), node.token("v", "VIEWER"))) {
          assertTrue(socket.request("subscribe", "s", null).getBoolean("success"));
          List<String> seen = append(node, "before", 3);
          await().until(() -> socket.pushes("event").size() == 3);
          lastSeen = socket.pushes("event").get(2).getJsonObject("data").getString("id");
          assertEquals(seen.get(2), lastSeen);
        }
        append(node, "away", 1500);
      }

      try (TestNode node = start(dataDir)) {
        List<String> expected = new ArrayList<>(append(node, "restarted", 1200));
        try (SocketClient socket = SocketClient.authenticated(client, node.http.port(), node.token("v", "VIEWER"))) {
          // Appends racing with the replay.
          CompletableFuture<List<String>> racing = CompletableFuture.supplyAsync(() -> append(node, "racing", 300));
          socket.send("subscribe", "again", new JsonObject().put("after", lastSeen));
          List<String> racingIds = racing.join();
          List<String> live = append(node, "live", 5);

          JsonObject reply = socket.awaitFrame(f -> "again".equals(f.getValue("id")));
          assertTrue(reply.getBoolean("success"), reply.encode());
          int total = 1500 + 1200 + 300 + 5;
          await().atMost(Duration.ofSeconds(20)).until(() -> socket.pushes("event").size() >= total);
          // a round trip: any duplicate would have been written before this reply
          socket.request("sync", "after", null); // answered on the socket's own context, behind any queued push

          List<String> got = socket.pushes("event").stream().map(f -> f.getJsonObject("data").getString("id")).toList();
          assertEquals(total, got.size(), "no duplicates");
          List<String> log = new ArrayList<>();
          String after = lastSeen;
          while (true) {
            JsonObject page = TestNode.await(node.vertx.eventBus().<JsonObject>request(Addresses.EVENTS_READ,
              new JsonObject().put("after", after).put("count", 1000))).body();
            page.getJsonArray("events").forEach(e -> log.add(((JsonObject) e).getString("id")));
            if (!page.getBoolean("more")) {
              break;
            }
            after = log.get(log.size() - 1);
          }
          assertEquals(log, got, "every later event, in log order, exactly once");
          assertTrue(got.containsAll(expected) && got.containsAll(racingIds) && got.containsAll(live));
          assertTrue(EventIds.compare(got.get(0), lastSeen) > 0);
        }
      }
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
