package io.chameleon.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.cluster.ProcessCluster.StreamEvent;
import io.chameleon.support.ClusterProcess;
import io.chameleon.support.Http.Response;
import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * BAR.md C20's race across nodes with real processes: three Chameleon JVMs (two store nodes, one
 * gateway-only node), and 100 pilots approving one intervention request at once, a third of them
 * through each gateway — the one writer's store decides, whichever gateway a call came through.
 */
class CrossNodeRaceTest extends ClusterOfThree {

  static final int ROUNDS = 20;
  static final int RACERS = 100;


  /**
   * Verifies that 100 concurrent approvals of one request through three gateways on three nodes,
   * 20 rounds, give exactly one 200 and 99 × 409 each round, and one decision event.
   */
  @Test
  void oneOfAHundredApprovalsThroughThreeGatewaysWins() {
    List<ClusterProcess> nodes = cluster.nodes;
    List<String> racers = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      racers.add(Jwts.hs256(TestNode.SECRET, Jwts.claims("racer-" + i, "OPERATOR", 3600)));
    }
    long[] roundMillis = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      String id = "race-" + UUID.randomUUID();
      Response created = nodes.get(round % nodes.size()).http.post("/api/interventions", cluster.operator,
        new JsonObject().put("request_id", id).put("uow_id", "ext-" + id).put("intervention_type", "resume")
          .put("title", "cross-node race " + round).encode());
      assertEquals(201, created.status(), created.body());
      String before = lastId();

      long t0 = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        calls.add(nodes.get(i % nodes.size()).http.sendAsync("POST", "/api/interventions/" + id + "/approve",
          racers.get(i), new JsonObject().put("reason", "race " + i).encode(), null, Duration.ofSeconds(20)));
      }
      Map<Integer, Long> counts = calls.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
      roundMillis[round] = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Map.of(200, 1L, 409, (long) RACERS - 1), counts, "round " + round);

      int winner = -1;
      for (int i = 0; i < RACERS; i++) {
        if (calls.get(i).join().statusCode() == 200) {
          winner = i;
        }
      }
      List<StreamEvent> after = eventsAfter(before);
      List<StreamEvent> decisions = after.stream()
        .filter(e -> e.type().equals("intervention_approved") || e.type().equals("intervention_rejected")).toList();
      assertEquals(1, decisions.size(), "round " + round + ": " + after);
      assertEquals(id, decisions.get(0).payload().getString("request_id"));
      assertEquals("racer-" + winner, decisions.get(0).payload().getString("pilot_id"));
      // every gateway reads the one outcome
      for (ClusterProcess node : nodes) {
        JsonObject request = node.http.get("/api/interventions/" + id, cluster.viewer).data();
        assertEquals("APPROVED", request.getString("status"), node + ": " + request.encode());
        assertEquals("racer-" + winner, request.getString("action_by"));
      }
    }
    JsonObject verify = cluster.verify(nodes.get(nodes.size() - 1));
    assertEquals(true, verify.getBoolean("ok"), verify.encode());
    assertEquals(cluster.events().size(), verify.getInteger("checked"));
    System.out.printf("C20 cross-node race: %d rounds of %d approvals over %d gateways, one winner each; per round"
        + " (ms) %s%n", ROUNDS, RACERS, nodes.size(), java.util.Arrays.toString(roundMillis));
    assertTrue(cluster.live().size() == nodes.size(), "every node is still up");
  }

  /** The id of the newest event of the stream, or 0-0. */
  private static String lastId() {
    List<?> newest = (List<?>) cluster.redis.send("XREVRANGE", cluster.prefix + "events", "+", "-", "COUNT", "1");
    return newest.isEmpty() ? "0-0" : (String) ((List<?>) newest.get(0)).get(0);
  }

  private static List<StreamEvent> eventsAfter(String id) {
    return cluster.events().stream().filter(e -> compare(e.id(), id) > 0).toList();
  }

  private static int compare(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int ms = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return ms != 0 ? ms : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }
}
