package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR F29: a client that stops reading while 50,000 × 1 KiB pushes are sent costs the server at
 * most ~{@code max_queued_bytes} (plus one message), is sent {@code resync} once it reads again,
 * and another client meanwhile receives every push.
 */
class SlowConsumerTest {

  static final int PUSHES = 50_000;
  static final int BATCH = 500;
  static final int MAX_QUEUED = 1_048_576;

  @Test
  void verifiesThatAStalledClientIsBoundedThenResyncedWhileAnotherGetsEverything(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)))
      .put("dashboard", new JsonObject().put("max_queued_bytes", MAX_QUEUED));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      WebSocketClient client = SocketClient.client(clientVertx);
      String token = node.token("viewer-1", "VIEWER");
      SocketClient slow = SocketClient.authenticated(client, node.http.port(), token);
      SocketClient fast = SocketClient.authenticated(client, node.http.port(), token);
      assertTrue(slow.request("subscribe", "s", null).getBoolean("success"));
      assertTrue(fast.request("subscribe", "s", null).getBoolean("success"));
      int fastBefore = fast.received.get();
      slow.ws.pause();

      String pad = "x".repeat(1024 - 60);
      Push sample = Push.of(Push.EVENT, "1-0", new JsonObject().put("n", 0).put("pad", pad));
      long started = System.nanoTime();
      for (int sent = 0; sent < PUSHES; sent += BATCH) {
        for (int i = sent; i < sent + BATCH; i++) {
          Push.of(Push.EVENT, (i + 1) + "-0", new JsonObject().put("n", i).put("pad", pad)).publish(node.vertx);
        }
        int expected = fastBefore + sent + BATCH;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
          .until(() -> fast.received.get() >= expected);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      assertEquals(fastBefore + PUSHES, fast.received.get(), "the reading client got every push");

      JsonObject status = TestNode.await(node.vertx.eventBus()
        .<JsonObject>request(Addresses.DASHBOARD_STATUS, new JsonObject())).body();
      long peak = status.getLong("peak_queued_bytes");
      assertTrue(peak <= MAX_QUEUED + sample.bytes(), "peak queued " + peak);

      slow.ws.resume();
      JsonObject resync = slow.awaitFrame(f -> "resync".equals(f.getString("type")));
      long dropped = resync.getJsonObject("data").getLong("dropped");
      int slowEvents = slow.pushes("event").size();
      assertTrue(dropped > 0 && slowEvents < PUSHES, "dropped " + dropped + ", delivered " + slowEvents);
      assertEquals(PUSHES, slowEvents + dropped, "every push was either delivered or counted as dropped");
      System.out.printf("F29: %d pushes in %.2f s (%.0f/s to the reading client); stalled client: peak queued %d B,"
        + " delivered %d, dropped %d%n", PUSHES, seconds, PUSHES / seconds, peak, slowEvents, dropped);

      // Pushes flow again after the resync.
      Push.of(Push.EVENT, "999999-0", new JsonObject().put("n", -1)).publish(node.vertx);
      slow.awaitFrame(f -> "event".equals(f.getString("type")) && f.getJsonObject("data").getInteger("n") == -1);
      slow.close();
      fast.close();
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
