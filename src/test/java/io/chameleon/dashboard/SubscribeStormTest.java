package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.Http;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of {@code subscribe {after: "0-0"}} from several sockets, each replacing its own replay
 * again and again, costs the node a bounded number of concurrent log reads: the {@code events.read}
 * requests in flight on the bus (counted here by interceptors, independently of the server's own
 * figures) never pass {@code dashboard.max_concurrent_replays}; replaced replays leave the line without
 * reading; an unrelated HTTP request still gets its answer during the storm; every socket's last
 * subscribe still replays every event; and once the sockets are gone nothing waits or reads.
 */
class SubscribeStormTest {

  static final int EVENTS = 2000;
  static final int SOCKETS = 8;
  static final int SUBSCRIBES = 10;
  static final int MAX_READS = 2; // dashboard.max_concurrent_replays: turns, so also page reads

  @Test
  void verifiesThatASubscribeStormStaysWithinTheNodesReplayReadBudget(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("dashboard", new JsonObject().put("max_concurrent_replays", MAX_READS).put("replay_page_bytes", 16_384)
        .put("max_messages_per_second", 1000));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      ReadsInFlight reads = ReadsInFlight.watch(node.vertx);
      String pad = "x".repeat(1000);
      for (int done = 0; done < EVENTS; done += 500) {
        SlowReplayTest.append(node, done, 500, pad);
      }
      WebSocketClient client = SocketClient.client(clientVertx);
      String token = node.token("viewer-storm", "VIEWER");
      List<SocketClient> sockets = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        sockets.add(SocketClient.authenticated(client, node.http.port(), token));
      }
      reads.reset();
      for (int round = 0; round < SUBSCRIBES; round++) {
        for (int i = 0; i < SOCKETS; i++) {
          sockets.get(i).send("subscribe", "s" + round, new JsonObject().put("after", "0-0"));
        }
      }
      // an unrelated read through the HTTP API is answered while the replays run
      int answered = 0;
      for (int i = 0; i < 5; i++) {
        Http.Response pending = node.http.get("/api/interventions/pending", token);
        assertEquals(200, pending.status(), pending.body());
        answered++;
      }
      assertEquals(5, answered);

      String last = "s" + (SUBSCRIBES - 1);
      for (SocketClient socket : sockets) {
        JsonObject reply = await().atMost(Duration.ofSeconds(60)).until(
          () -> socket.frames.stream().filter(f -> last.equals(f.getValue("id"))).findFirst().orElse(null),
          f -> f != null);
        assertTrue(reply.getBoolean("success"), reply.encode());
        assertEquals(EVENTS, reply.getJsonObject("data").getLong("replayed"));
      }
      JsonObject status = SlowReplayTest.status(node).getJsonObject("replay_turns");
      assertTrue(reads.peak() >= 1, "the storm read the log");
      assertTrue(reads.peak() <= MAX_READS, "events.read in flight at once: " + reads.peak());
      assertTrue(status.getInteger("peak") <= MAX_READS, status.encode());
      assertTrue(status.getLong("cancelled") >= 1, "replaced replays left the line: " + status.encode());
      // each socket's last replay alone needs over 100 pages; replaced ones did not all read theirs
      assertTrue(reads.sent() < (long) SOCKETS * SUBSCRIBES * 100, "reads: " + reads.sent());

      // a storm then the sockets go: nothing is left waiting or reading
      for (int i = 0; i < SOCKETS; i++) {
        sockets.get(i).send("subscribe", "late", new JsonObject().put("after", "0-0"));
      }
      sockets.forEach(SocketClient::close);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        JsonObject after = SlowReplayTest.status(node).getJsonObject("replay_turns");
        return after.getInteger("waiting") == 0 && after.getInteger("in_flight") == 0 && reads.inFlight() == 0;
      });
      assertTrue(reads.peak() <= MAX_READS, "events.read in flight at once: " + reads.peak());
      String metrics = node.http.get("/metrics", null).body();
      assertTrue(metrics.contains("chameleon_dashboard_replays_active") && metrics.contains("chameleon_dashboard_replays_waiting"),
        "the replay line is in /metrics");
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /** Counts {@code events.read} requests on the bus and their replies: how many were in flight at once. */
  static final class ReadsInFlight {
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();

    static ReadsInFlight watch(Vertx vertx) {
      ReadsInFlight reads = new ReadsInFlight();
      vertx.eventBus().addOutboundInterceptor(ctx -> {
        var message = ctx.message();
        if (Addresses.EVENTS_READ.equals(message.address()) && message.replyAddress() != null) {
          reads.waiting.add(message.replyAddress());
          reads.sent.incrementAndGet();
          reads.peak.accumulateAndGet(reads.waiting.size(), Math::max);
        } else if (reads.waiting.remove(message.address())) {
          // the reply to one of them (a failure reply too)
        }
        ctx.next();
      });
      return reads;
    }

    void reset() {
      peak.set(waiting.size());
      sent.set(0);
    }

    int peak() {
      return peak.get();
    }

    long sent() {
      return sent.get();
    }

    int inFlight() {
      return waiting.size();
    }
  }
}
