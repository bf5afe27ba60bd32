package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 7: a client cannot grow {@code /metrics}. Methods it invents (and paths nobody
 * routes) fold into one label value, so the series stay as many as the server's own answers.
 */
class MetricsCardinalityTest extends OneNodePerClass {

  /** Verifies that 300 invented methods on unrouted paths add no label value of their own and almost no text. */
  @Test
  void inventedMethodsDoNotBecomeLabels() throws IOException {
    // one round first, so the series for OTHER and these statuses exist before the baseline
    send(0, 10);
    int before = node.http.get("/metrics", null).body().length();
    send(10, 300);
    String after = node.http.get("/metrics", null).body();
    assertFalse(after.contains("XMETHOD"), "an invented method is a label value");
    assertFalse(after.contains("/nowhere"), "an unrouted path is a label value");
    assertTrue(after.contains("method=\"OTHER\""), "invented methods are counted as OTHER");
    // other series move a little between two scrapes (JVM figures, new statuses); 300 methods were ~100 KB
    assertTrue(after.length() - before < 8 * 1024, "/metrics grew from " + before + " to " + after.length() + " bytes");
  }

  /** Pipelines {@code to - from} requests with invented methods on one connection and reads every answer. */
  private static void send(int from, int to) throws IOException {
    try (Wire wire = new Wire(node.http.port())) {
      StringBuilder requests = new StringBuilder();
      for (int i = from; i < to; i++) {
        String path = i % 2 == 0 ? "/api/nowhere-" + i : "/nowhere-" + i;
        requests.append("XMETHOD").append(i).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      }
      wire.write(requests.toString());
      for (int i = from; i < to; i++) {
        int status = wire.read().status();
        assertTrue(status >= 400 && status < 500, "status " + status);
      }
    }
  }
}
