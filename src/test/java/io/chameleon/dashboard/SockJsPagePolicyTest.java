package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SockJS's own HTML pages (iframe and htmlfile transports) carry a Content-Security-Policy. */
class SockJsPagePolicyTest {

  @Test
  void verifiesThatTheIframeAndHtmlfilePagesSendAPolicy(@TempDir Path dataDir) throws Exception {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)));
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + node.http.port() + "/ws/interventions";

      for (String page : new String[] {"/iframe.html", "/iframe-abc.html"}) {
        HttpResponse<String> iframe = client.send(HttpRequest.newBuilder(URI.create(base + page))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, iframe.statusCode());
        String csp = iframe.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'"), csp);
        assertTrue(csp.contains("frame-ancestors 'self'"), csp);
        // the hash allows exactly the page's inline script: it must be the one SockJS serves
        assertTrue(iframe.body().contains("<script>" + SockJsPagePolicy.IFRAME_SCRIPT + "</script>"), iframe.body());
        assertTrue(csp.contains("'" + SockJsPagePolicy.sha256(SockJsPagePolicy.IFRAME_SCRIPT) + "'"), csp);
        assertTrue(iframe.body().contains(DashboardRoutes.SOCKJS_LIBRARY), "the library is loaded from 'self'");
      }

      HttpResponse<InputStream> htmlfile = client.send(HttpRequest.newBuilder(
          URI.create(base + "/000/page0001/htmlfile?c=callback")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = htmlfile.body()) {
        assertEquals(200, htmlfile.statusCode());
        String csp = htmlfile.headers().firstValue("Content-Security-Policy").orElse("");
        assertEquals(SockJsPagePolicy.HTMLFILE, csp);
        assertEquals("nosniff", htmlfile.headers().firstValue("X-Content-Type-Options").orElse(""));
      }
    }
  }
}
