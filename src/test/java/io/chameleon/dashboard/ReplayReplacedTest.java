package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket that does not read and subscribes again and again with {@code after} keeps one replay
 * (and its page of events) alive, not one per subscribe: each new subscribe, an unsubscribe or
 * closing ends the earlier replay at once. The last subscribe still replays every event once, in
 * log order.
 */
class ReplayReplacedTest {

  static final int EVENTS = 10_000;
  static final int SUBSCRIBES = 30;

  @Test
  void verifiesThatANewSubscribeUnsubscribeOrCloseEndsTheEarlierReplay(@TempDir Path dataDir) {
    JsonObject overrides = ReplayTest.overrides()
      .put("dashboard", new JsonObject().put("max_queued_bytes", 65_536).put("max_messages_per_second", 1000));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      FakeStore store = new FakeStore();
      TestNode.await(node.vertx.deployVerticle(store));
      SocketGauge gauge = SocketGauge.of(node.vertx);
      String pad = "x".repeat(1000);
      List<String> logged = new ArrayList<>();
      for (int done = 0; done < EVENTS; done += 500) {
        logged.addAll(SlowReplayTest.append(node, done, 500, pad));
      }
      // a client that does not read never sees the server's close frame: it drops the connection after 1 s
      WebSocketClient client = clientVertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setClosingTimeout(1));
      try (SocketClient slow = SocketClient.authenticated(client, node.http.port(), node.token("v", "VIEWER"))) {
        slow.ws.pause();
        for (int i = 0; i < SUBSCRIBES; i++) {
          slow.send("subscribe", "s" + i, new JsonObject().put("after", "0-0"));
        }
        // the store sees this request once the socket has handled every subscribe before it
        slow.send("get_metrics", "m", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.metricsCalls == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> SlowReplayTest.status(node).getInteger("replays") == 1);

        slow.ws.resume();
        String last = "s" + (SUBSCRIBES - 1);
        JsonObject reply = slow.awaitFrame(f -> last.equals(f.getValue("id")));
        assertTrue(reply.getBoolean("success"), reply.encode());
        assertEquals(EVENTS, reply.getJsonObject("data").getLong("replayed"));
        slow.request("sync", "after", null); // anything the replays wrote was written before this reply
        List<String> got = slow.pushes("event").stream().map(f -> f.getJsonObject("data").getString("id")).toList();
        assertEquals(logged, got.subList(got.size() - EVENTS, got.size()), "the last replay: every event once, in order");
        assertEquals(0, gauge.replays());

        // an unsubscribe ends a stalled replay too
        slow.ws.pause();
        slow.send("subscribe", "u", new JsonObject().put("after", "0-0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge.replays() == 1);
        slow.send("unsubscribe", "u2", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge.replays() == 0);

        // and so does closing the socket
        slow.send("subscribe", "c", new JsonObject().put("after", "0-0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge.replays() == 1);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> gauge.replays() == 0 && gauge.open() == 0);
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
