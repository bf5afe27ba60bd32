package io.chameleon.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.ChameleonProcess;
import io.chameleon.support.Http;
import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR.md D24 and "restart without loss" with real processes: a node is killed with SIGKILL three
 * times while 16 clients keep creating intervention requests; after each crash it starts again
 * over the same data directory. In the end every acknowledged request is there, no request and no
 * event is there twice, the store holds exactly the requests the log holds, event ids increase
 * across all the restarts, and the hash chain verifies.
 */
class CrashRecoveryTest {

  static final int CRASHES = 3;
  static final int WRITERS = 16;
  static final int ACKS_BEFORE_KILL = 150;

  @TempDir
  Path dataDir;

  final String operator = Jwts.hs256(TestNode.SECRET, Jwts.claims("engine", "OPERATOR", 3600));
  final String viewer = Jwts.hs256(TestNode.SECRET, Jwts.claims("auditor", "VIEWER", 3600));

  @Test
  void verifiesThatKillingTheNodeWhileWritingLosesNothingAcknowledgedAndDoublesNothing() {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    for (int crash = 1; crash <= CRASHES; crash++) {
      try (ChameleonProcess node = ChameleonProcess.start(dataDir)) {
        int before = acknowledged.size();
        AtomicBoolean killed = new AtomicBoolean();
        for (int w = 0; w < WRITERS; w++) {
          write(node.http, acknowledged, unexpected, killed);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + ACKS_BEFORE_KILL
          || !unexpected.isEmpty());
        assertTrue(unexpected.isEmpty(), "before the crash: " + unexpected + "\n" + node.tail());
        killed.set(true);
        node.kill(); // writes are in flight: some of them were appended, some not, none answered
      }
    }

    try (ChameleonProcess node = ChameleonProcess.start(dataDir)) {
      Map<String, Integer> created = new HashMap<>();
      List<String> ids = new ArrayList<>();
      String after = "0-0";
      while (true) {
        JsonArray page = node.http.get("/api/events?count=1000&after=" + after, viewer).data().getJsonArray("events");
        if (page.isEmpty()) {
          break;
        }
        for (Object o : page) {
          JsonObject event = (JsonObject) o;
          ids.add(event.getString("id"));
          if ("intervention_request".equals(event.getString("event_type"))) {
            created.merge(event.getJsonObject("payload").getString("request_id"), 1, Integer::sum);
          }
        }
        after = ids.get(ids.size() - 1);
      }
      assertTrue(acknowledged.size() >= CRASHES * ACKS_BEFORE_KILL);
      assertTrue(created.keySet().containsAll(acknowledged), "an acknowledged request is missing from the log");
      assertTrue(created.values().stream().allMatch(n -> n == 1), "a request was logged twice");
      for (int i = 1; i < ids.size(); i++) {
        assertTrue(compare(ids.get(i - 1), ids.get(i)) < 0, "ids out of order: " + ids.get(i - 1) + ", " + ids.get(i));
      }
      JsonObject verify = node.http.get("/api/events/verify", viewer).data();
      assertTrue(verify.getBoolean("ok"), verify.encode());
      assertEquals(ids.size(), verify.getInteger("checked"));

      JsonObject metrics = node.http.get("/api/interventions/metrics", viewer).data();
      assertEquals(created.size(), metrics.getInteger("total_interventions"), "the store holds what the log holds");
      for (String id : acknowledged) {
        assertEquals(200, node.http.get("/api/interventions/" + id, viewer).status(), id);
      }
      System.out.printf("D24: %d crashes, %d acknowledged creates, %d in the log, %d events verified%n",
        CRASHES, acknowledged.size(), created.size(), ids.size());
    }
  }

  /** One writer: creates a request, and when it is acknowledged the next, until the node is killed. */
  private void write(Http http, Set<String> acknowledged, List<String> unexpected, AtomicBoolean killed) {
    if (killed.get()) {
      return;
    }
    String id = UUID.randomUUID().toString();
    String body = new JsonObject().put("request_id", id).put("uow_id", "crash-" + id)
      .put("intervention_type", "resume").put("title", "written while crashing").encode();
    http.sendAsync("POST", "/api/interventions", operator, body, null, Duration.ofSeconds(10))
      .whenComplete((response, error) -> {
        if (error == null && response.statusCode() == 201) {
          acknowledged.add(id);
          write(http, acknowledged, unexpected, killed);
        } else if (!killed.get()) {
          unexpected.add(error != null ? error.toString() : response.statusCode() + " " + response.body());
        }
        // after the kill, no answer is expected: this writer stops
      });
  }

  private static int compare(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int ms = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return ms != 0 ? ms : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }
}
