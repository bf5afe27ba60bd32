package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.Pilots;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** BAR.md C17–C19 on the embedded (memory + file log) store: races have exactly one winner. */
class ConcurrencyTest extends OneNodePerClass {

  private static CompletableFuture<HttpResponse<String>> post(String path, String token, String body, String key) {
    return node.http.sendAsync("POST", path, token, body, key, Duration.ofSeconds(20));
  }

  private static Map<Integer, Long> statuses(List<CompletableFuture<HttpResponse<String>>> calls) {
    return calls.stream().map(CompletableFuture::join)
      .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
  }

  /** Verifies that 100 concurrent decisions on one request, 20 rounds, give 1 success and 99 × 409 each. */
  @Test
  void oneOfManyDecisionsWins() {
    for (int round = 0; round < 20; round++) {
      String id = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "race-" + round)
        .put("intervention_type", "resume").put("title", "race").encode()).data().getString("request_id");
      String before = p.lastEventId();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String token = node.token("racer-" + i, i % 3 == 0 ? "ADMIN" : "OPERATOR");
        calls.add(post("/api/interventions/" + id + "/" + (i % 2 == 0 ? "approve" : "reject"), token, "{\"reason\":\"race " + i + "\"}", null));
      }
      Map<Integer, Long> counts = statuses(calls);
      assertEquals(Map.of(200, 1L, 409, 99L), counts, "round " + round);
      String status = p.request(id).getString("status");
      long decisions = p.eventTypesAfter(before).stream()
        .filter(t -> t.equals("intervention_approved") || t.equals("intervention_rejected")).count();
      assertEquals(1, decisions, "round " + round + " ended " + status);
    }
  }

  /** Verifies that ten concurrent sends with one Idempotency-Key have one effect and identical answers. */
  @Test
  void oneKeyOneEffect() {
    String id = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "idem")
      .put("intervention_type", "resume").put("title", "t").encode()).data().getString("request_id");
    String before = p.lastEventId();
    String path = "/api/interventions/" + id + "/approve";
    HttpResponse<String> first = post(path, p.operator, "{\"reason\":\"once\"}", "k-1").join();
    assertEquals(200, first.statusCode(), first.body());
    List<CompletableFuture<HttpResponse<String>>> retries = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      retries.add(post(path, p.operator, "{\"reason\":\"once\"}", "k-1"));
    }
    for (CompletableFuture<HttpResponse<String>> retry : retries) {
      HttpResponse<String> response = retry.join();
      assertEquals(200, response.statusCode());
      assertEquals(new JsonObject(first.body()), new JsonObject(response.body()));
    }
    assertEquals(1, p.eventTypesAfter(before).stream().filter("intervention_approved"::equals).count());
  }

  /** Verifies that concurrent sends of a new key while the first is in flight never apply twice. */
  @Test
  void concurrentFirstSendsApplyOnce() {
    String id = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "idem-2")
      .put("intervention_type", "resume").put("title", "t").encode()).data().getString("request_id");
    String before = p.lastEventId();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(post("/api/interventions/" + id + "/approve", p.operator, "{\"reason\":\"once\"}", "k-2"));
    }
    Map<Integer, Long> counts = statuses(calls);
    assertEquals(10L, counts.getOrDefault(200, 0L) + counts.getOrDefault(409, 0L), counts.toString());
    assertEquals(1, p.eventTypesAfter(before).stream().filter("intervention_approved"::equals).count());
  }

  /**
   * Verifies that an action whose connection was cut before the answer arrived, then retried with
   * its key, has one effect: every retry gets the same answer and the log has one decision.
   */
  @Test
  void aKeyRetriedAfterACutConnectionHasOneEffect() throws Exception {
    String id = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "idem-cut")
      .put("intervention_type", "resume").put("title", "t").encode()).data().getString("request_id");
    String before = p.lastEventId();
    String path = "/api/interventions/" + id + "/approve";
    String body = "{\"reason\":\"cut\"}";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.http.port())) {
      socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + p.operator + "\r\nContent-Type: application/json\r\nIdempotency-Key: k-cut\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    } // closed before any answer is read: the client never learns the outcome
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
      .until(() -> "APPROVED".equals(p.request(id).getString("status")));
    HttpResponse<String> first = post(path, p.operator, body, "k-cut").join();
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("APPROVED", new JsonObject(first.body()).getJsonObject("data").getString("status"), first.body());
    for (int i = 0; i < 9; i++) {
      HttpResponse<String> retry = post(path, p.operator, body, "k-cut").join();
      assertEquals(200, retry.statusCode());
      assertEquals(new JsonObject(first.body()), new JsonObject(retry.body()));
    }
    assertEquals(1, p.eventTypesAfter(before).stream().filter("intervention_approved"::equals).count());
  }

  /**
   * Verifies that a key first used for a dry run (a success with no event) answers its repeat with
   * the same result, and refuses another body — the real kill switch — with 409, changing nothing.
   */
  @Test
  void aKeyUsedForADryRunIsNotReusedForTheRealThing() {
    String instance = Pilots.newId();
    String uow = p.active(instance, null).getString("uow_id");
    String dry = new JsonObject().put("instance_id", instance).put("reason", "check").put("dry_run", true).encode();
    HttpResponse<String> first = post("/pilot/kill-switch", p.admin, dry, "k-dry").join();
    assertEquals(200, first.statusCode(), first.body());
    HttpResponse<String> repeat = post("/pilot/kill-switch", p.admin, dry, "k-dry").join();
    assertEquals(new JsonObject(first.body()), new JsonObject(repeat.body()));
    String before = p.lastEventId();
    String real = new JsonObject().put("instance_id", instance).put("reason", "check").encode();
    HttpResponse<String> reused = post("/pilot/kill-switch", p.admin, real, "k-dry").join();
    assertEquals(409, reused.statusCode(), reused.body());
    assertEquals("ACTIVE", p.uow(uow).getString("status"));
    assertEquals(List.of(), p.eventTypesAfter(before));
  }

  /** Verifies that resume and cancel racing on one parked UOW (100 rounds) have exactly one winner. */
  @Test
  void resumeVersusCancel() {
    JsonObject policy = new JsonObject().put("approval_guardians",
      new io.vertx.core.json.JsonArray().add(Pilots.minAmount(null, 100)));
    for (int round = 0; round < 100; round++) {
      String id = p.active(Pilots.newId(), policy).getString("uow_id");
      assertEquals("PENDING_PILOT_APPROVAL", p.advance(id, "COMPLETED", Pilots.smallAmount(), 200).getString("outcome"));
      CompletableFuture<HttpResponse<String>> resume = post("/pilot/resume/" + id, p.operator, "{}", null);
      CompletableFuture<HttpResponse<String>> cancel = post("/pilot/cancel/" + id, p.admin, "{\"reason\":\"stop\"}", null);
      Map<Integer, Long> counts = statuses(List.of(resume, cancel));
      assertEquals(Map.of(200, 1L, 409, 1L), counts, "round " + round);
      String status = p.uow(id).getString("status");
      String expected = resume.join().statusCode() == 200 ? "ACTIVE" : "FAILED";
      assertEquals(expected, status);
    }
  }

}
