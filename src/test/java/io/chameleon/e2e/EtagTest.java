package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.Pilots;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The GETs of a UOW and of an intervention request send the item's version as a quoted
 * {@code ETag}, and {@code If-Match} takes it as it is: the current one lets the write through, a
 * stale one is the documented 409 (SPEC §5) and changes nothing.
 */
class EtagTest extends OneNodePerClass {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Verifies GET → ETag → a write with it succeeds; the same ETag again is stale (409). */
  @Test
  void aUowsEtagGuardsItsWrites() throws Exception {
    String uowId = p.register(Pilots.newId(), null).getString("uow_id");
    Response got = node.http.get("/api/uows/" + uowId, p.operator);
    assertEquals(200, got.status(), got.body());
    String etag = got.header("ETag");
    assertEquals("\"" + got.data().getLong("version") + "\"", etag);

    HttpResponse<String> advanced = post("/api/uows/" + uowId + "/advance", "{\"status\":\"ACTIVE\"}", etag);
    assertEquals(200, advanced.statusCode(), advanced.body());
    String newer = node.http.get("/api/uows/" + uowId, p.operator).header("ETag");
    assertTrue(!etag.equals(newer), "the version moved: " + etag + " → " + newer);

    HttpResponse<String> stale = post("/api/uows/" + uowId + "/advance", "{\"status\":\"COMPLETED\"}", etag);
    assertEquals(409, stale.statusCode(), stale.body());
    assertTrue(new JsonObject(stale.body()).getJsonObject("error").getString("message").contains("version"), stale.body());
    Response after = node.http.get("/api/uows/" + uowId, p.operator);
    assertEquals("ACTIVE", after.data().getString("status"), "the stale write changed nothing");
    assertEquals(newer, after.header("ETag"));
  }

  /** Verifies the same for an intervention request: claim with its ETag, then a stale approve is 409. */
  @Test
  void aRequestsEtagGuardsItsWrites() throws Exception {
    Response created = node.http.post("/api/interventions", p.operator, new JsonObject()
      .put("uow_id", "engine-7:" + Pilots.newId()).put("intervention_type", "clarification").put("title", "Which vendor?")
      .encode());
    assertEquals(201, created.status(), created.body());
    String id = created.data().getString("request_id");
    Response got = node.http.get("/api/interventions/" + id, p.viewer);
    String etag = got.header("ETag");
    assertEquals("\"" + got.data().getLong("version") + "\"", etag);

    HttpResponse<String> claimed = post("/api/interventions/" + id + "/claim", "{}", etag);
    assertEquals(200, claimed.statusCode(), claimed.body());
    HttpResponse<String> stale = post("/api/interventions/" + id + "/approve", "{\"reason\":\"ok\"}", etag);
    assertEquals(409, stale.statusCode(), stale.body());
    assertEquals("IN_PROGRESS", node.http.get("/api/interventions/" + id, p.viewer).data().getString("status"));

    String current = node.http.get("/api/interventions/" + id, p.viewer).header("ETag");
    HttpResponse<String> approved = post("/api/interventions/" + id + "/approve", "{\"reason\":\"ok\"}", current);
    assertEquals(200, approved.statusCode(), approved.body());
  }

  /** Verifies that lists carry no ETag (no single version), and a HEAD of an item carries its GET's. */
  @Test
  void onlyItemsHaveAnEtag() {
    String uowId = p.register(Pilots.newId(), null).getString("uow_id");
    assertNull(node.http.get("/api/uows", p.viewer).header("ETag"));
    assertNull(node.http.get("/api/interventions/pending", p.viewer).header("ETag"));
    assertEquals(node.http.get("/api/uows/" + uowId, p.viewer).header("ETag"),
      node.http.send("HEAD", "/api/uows/" + uowId, p.viewer, null).header("ETag"));
  }

  private static HttpResponse<String> post(String path, String body, String ifMatch) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.http.port() + path))
      .timeout(Duration.ofSeconds(15))
      .header("Authorization", "Bearer " + p.operator)
      .header("Content-Type", "application/json")
      .header("If-Match", ifMatch)
      .POST(HttpRequest.BodyPublishers.ofString(body))
      .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
