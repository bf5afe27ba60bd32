package io.chameleon.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event's live push can reach a socket after the replay that read the event from the log has
 * finished (the push takes two bus hops, the read one): it is dropped, so each event still reaches
 * the socket exactly once. The pushes are held back here (by 500 ms, an interceptor on the node's
 * bus) so that every one of them comes after the replay.
 */
class LatePushTest {

  @Test
  void verifiesThatALivePushOfAnEventTheReplayCoveredIsDropped(@TempDir Path dataDir) {
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = ReplayTest.start(dataDir)) {
      AtomicInteger delivered = new AtomicInteger();
      node.vertx.eventBus().addOutboundInterceptor(ctx -> {
        if (Addresses.DASHBOARD_PUSH.equals(ctx.message().address())) {
          node.vertx.setTimer(500, t -> {
            delivered.incrementAndGet();
            ctx.next();
          });
        } else {
          ctx.next();
        }
      });
      String before = ReplayTest.append(node, "before", 1).get(0);
      try (SocketClient socket = SocketClient.authenticated(SocketClient.client(clientVertx), node.http.port(),
        node.token("v", "VIEWER"))) {
        int pushesBefore = delivered.get();
        List<String> appended = ReplayTest.append(node, "late", 5);
        JsonObject reply = socket.request("subscribe", "s", new JsonObject().put("after", before));
        assertTrue(reply.getBoolean("success"), reply.encode());
        assertEquals(5, reply.getJsonObject("data").getLong("replayed"));
        // the five events' pushes come after the reply
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() >= pushesBefore + 5);
        socket.request("sync", "after", null); // behind any push the socket was handed
        List<String> got = socket.pushes("event").stream().map(f -> f.getJsonObject("data").getString("id")).toList();
        assertEquals(appended, got, "each event once");

        // and a later event still comes live
        String live = ReplayTest.append(node, "live", 1).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> socket.pushes("event").size() == 6);
        assertEquals(live, socket.pushes("event").get(5).getJsonObject("data").getString("id"));
      }
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
