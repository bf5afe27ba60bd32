package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health reports each backend; /metrics serves Prometheus text with HTTP, bus and Chameleon counters. */
class HealthAndMetricsTest {

  @TempDir
  Path dataDir;

  /** Verifies that /health is ready with every backend UP when the embedded default runs. */
  @Test
  void healthReportsEveryBackend() {
    try (TestNode node = TestNode.start(dataDir)) {
      Response r = node.http.get("/health", null);
      assertEquals(200, r.status(), r.body());
      JsonObject data = r.data();
      assertTrue(data.getBoolean("live"));
      assertTrue(data.getBoolean("ready"));
      assertEquals("UP", data.getJsonObject("backends").getJsonObject("event_log").getString("status"));
      assertEquals("UP", data.getJsonObject("backends").getJsonObject("guardian_evaluator").getString("status"));
    }
  }

  /** Verifies that a node without a guardian evaluator reports itself not ready, naming it. */
  @Test
  void healthIsNotReadyWithoutABackend() {
    JsonObject config = new JsonObject().put("verticles",
      new JsonObject().put("guardian", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, config)) {
      Response r = node.http.get("/health", null);
      assertEquals(503, r.status(), r.body());
      assertEquals("DOWN", r.data().getJsonObject("backends").getJsonObject("guardian_evaluator").getString("status"));
      String admin = node.token("admin", "ADMIN");
      Response put = node.http.send("PUT", "/api/guardians/x", admin, "{\"type\":\"PASS_THRU\",\"attributes\":{}}");
      assertEquals(503, put.status(), "a missing backend must be a 503: " + put.body());
      assertEquals("2", put.headers().firstValue("Retry-After").orElse(null), "a 503 says when to try again");
    }
  }

  /** Verifies that /metrics has HTTP, event-bus, event-log and auth figures in Prometheus text. */
  @Test
  void metricsArePrometheusText() {
    try (TestNode node = TestNode.start(dataDir)) {
      String admin = node.token("admin", "ADMIN");
      node.http.send("PUT", "/api/guardians/m", admin, "{\"type\":\"PASS_THRU\",\"attributes\":{}}");
      node.http.get("/api/guardians", node.token("v", "VIEWER"));
      node.http.send("PUT", "/api/guardians/m2", node.token("v", "VIEWER"), "{\"type\":\"PASS_THRU\",\"attributes\":{}}");
      Response r = node.http.get("/metrics", null);
      assertEquals(200, r.status());
      String text = r.body();
      for (String metric : new String[] {"vertx_http_server_requests_total", "vertx_eventbus_processed_total",
        "chameleon_events_emitted_total", "chameleon_events_bytes_written_total", "chameleon_events_errors_total",
        "chameleon_auth_decisions_total{outcome=\"forbidden\"}", "chameleon_auth_decisions_total{outcome=\"allowed\"}"}) {
        assertTrue(text.contains(metric), metric + " missing from /metrics");
      }
    }
  }

  /** Verifies that metrics.public=false puts /metrics behind a VIEWER token. */
  @Test
  void metricsCanRequireAToken() {
    JsonObject config = new JsonObject().put("metrics", new JsonObject().put("public", false));
    try (TestNode node = TestNode.start(dataDir, config)) {
      assertEquals(401, node.http.get("/metrics", null).status());
      assertEquals(200, node.http.get("/metrics", node.token("v", "VIEWER")).status());
    }
  }
}
