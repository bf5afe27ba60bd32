package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code get_pending} reply is cut to {@code dashboard.max_reply_bytes}: the longest prefix of
 * the requests that fits (at least one), with {@code count}, {@code truncated} and
 * {@code next_offset}; paging on with {@code next_offset} reads every request once. Before, one
 * reply carried the whole page (500 requests of large contexts: ~30 MB).
 */
class PendingPageTest {

  static final int MAX_REPLY = 32_768;
  static final int REQUESTS = 100;

  /** Verifies the cut on its own: under the bound untouched, over it a prefix, one request over it alone. */
  @Test
  void verifiesTheCut() {
    JsonObject small = answer(3, 10, 0);
    assertSame(small, PendingPage.fit(small, MAX_REPLY));

    JsonObject big = answer(50, 2000, 20);
    JsonObject cut = (JsonObject) PendingPage.fit(big, MAX_REPLY);
    assertTrue(cut.encode().length() <= MAX_REPLY, "bytes: " + cut.encode().length());
    int kept = cut.getJsonArray("requests").size();
    assertTrue(kept > 1 && kept < 50, "kept " + kept);
    assertEquals(kept, cut.getInteger("count"));
    assertTrue(cut.getBoolean("truncated"));
    assertEquals(20 + kept, cut.getInteger("next_offset"));
    assertEquals(50, cut.getInteger("total"));
    assertEquals(big.getJsonArray("requests").getList().subList(0, kept), cut.getJsonArray("requests").getList());

    JsonObject huge = (JsonObject) PendingPage.fit(answer(2, 40_000, 0), MAX_REPLY);
    assertEquals(1, huge.getJsonArray("requests").size(), "one request over the bound still comes alone");
    assertEquals(1, huge.getInteger("next_offset"));
  }

  /** Verifies, through a real socket, that pages cut by bytes read every request once. */
  @Test
  void verifiesThatPagingByNextOffsetReadsEveryRequestOnce(@TempDir Path dataDir) {
    JsonObject overrides = ReplayTest.overrides().put("dashboard", new JsonObject().put("max_reply_bytes", MAX_REPLY));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      JsonObject all = answer(REQUESTS, 3000, 0);
      TestNode.await(node.vertx.eventBus().<JsonObject>consumer(Addresses.STORE_INTERVENTION_PENDING, m -> {
        JsonObject params = m.body().getJsonObject("params");
        int offset = Integer.parseInt(params.getString("offset", "0"));
        int limit = Integer.parseInt(params.getString("limit", "50"));
        List<Object> page = all.getJsonArray("requests").getList().subList(Math.min(offset, REQUESTS),
          Math.min(offset + limit, REQUESTS));
        m.reply(new JsonObject().put("status", 200).put("data", new JsonObject().put("requests", new JsonArray(page))
          .put("total", REQUESTS).put("count", page.size()).put("limit", limit).put("offset", offset)));
      }).completion());
      try (SocketClient socket = SocketClient.authenticated(SocketClient.client(clientVertx), node.http.port(),
        node.token("v", "VIEWER"))) {
        List<String> seen = new ArrayList<>();
        int offset = 0;
        for (int call = 0; call < REQUESTS; call++) {
          JsonObject reply = socket.request("get_pending", "p" + call,
            new JsonObject().put("limit", 500).put("offset", offset));
          assertTrue(reply.encode().length() <= MAX_REPLY + 200, "reply bytes: " + reply.encode().length());
          JsonObject data = reply.getJsonObject("data");
          data.getJsonArray("requests").forEach(r -> seen.add(((JsonObject) r).getString("request_id")));
          if (!data.getBoolean("truncated", false)) {
            assertNull(data.getValue("next_offset"));
            break;
          }
          assertFalse(data.getJsonArray("requests").isEmpty());
          offset = data.getInteger("next_offset");
        }
        assertEquals(all.getJsonArray("requests").stream().map(r -> ((JsonObject) r).getString("request_id")).toList(), seen);
      }
    } finally {
      TestNode.await(clientVertx.close());
    }
  }

  /** A pending answer of {@code count} requests, each with a context of about {@code contextBytes}. */
  static JsonObject answer(int count, int contextBytes, int offset) {
    JsonArray requests = new JsonArray();
    for (int i = 0; i < count; i++) {
      requests.add(FakeStore.request("req-" + (offset + i), "PENDING")
        .put("context", new JsonObject().put("blob", "y".repeat(contextBytes))));
    }
    return new JsonObject().put("requests", requests).put("total", count).put("count", count)
      .put("limit", 500).put("offset", offset);
  }
}
