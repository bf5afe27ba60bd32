package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A client inventing SockJS session ids cannot grow the session-binding table: a new polling
 * session past {@code dashboard.max_sockets_per_address} (or {@code dashboard.max_sockets}) is
 * refused with 503, the envelope and {@code Retry-After}, before SockJS makes it, and a binding
 * that has gone idle frees its place.
 */
@OneNodePerClass.Config("{\"dashboard\":{\"max_sockets_per_address\":2}}")
class SessionBindingCapTest extends OneNodePerClass {

  /** Verifies the caps and the release of an idle binding on the table itself. */
  @Test
  void aNewSessionPastACapIsRefusedAndAnIdleOneFreesItsPlace() {
    SessionBinding bindings = new SessionBinding(new SocketCaps.Limits(3, 100, 2));
    assertTrue(bindings.enter("a", false, "10.0.0.1", null, 0).allowed());
    assertTrue(bindings.enter("b", false, "10.0.0.1", null, 0).allowed());
    SessionBinding.Verdict third = bindings.enter("c", false, "10.0.0.1", null, 0);
    assertFalse(third.allowed());
    assertEquals(SocketCaps.Cap.ADDRESS, third.overCap());
    assertTrue(bindings.enter("d", false, "10.0.0.2", null, 0).allowed());
    assertEquals(SocketCaps.Cap.NODE, bindings.enter("e", false, "10.0.0.3", null, 0).overCap());
    bindings.done("a", 0);
    bindings.done("b", 0);
    bindings.done("d", 0);
    // once idle past the limit, the bindings are forgotten and their places are free again
    SessionBinding.Verdict later = bindings.enter("f", false, "10.0.0.1", null, SessionBinding.IDLE_MS + 1);
    assertTrue(later.allowed(), String.valueOf(later.overCap()));
    assertNull(later.overCap());
    assertEquals(1, bindings.size());
  }

  /** Verifies over HTTP: two xhr sessions from one address are made, the third gets a 503 envelope. */
  @Test
  void theThirdPollingSessionFromOneAddressGets503() {
    for (String sid : new String[] {"cap-1", "cap-2"}) {
      Response opened = xhr(sid);
      assertEquals(200, opened.status(), opened.body());
      assertTrue(opened.body().startsWith("o"), opened.body());
    }
    Response refused = xhr("cap-3");
    assertEquals(503, refused.status(), refused.body());
    assertEquals("UNAVAILABLE", refused.errorCode());
    assertEquals("too many sockets from this address", refused.json().getJsonObject("error").getString("message"));
    assertTrue(refused.header("Retry-After") != null, "Retry-After");
  }

  /** Each session on a connection of its own, as a browser's polling transport opens them. */
  private static Response xhr(String sid) {
    HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = node.http.request("/ws/interventions/000/" + sid + "/xhr", null)
      .POST(HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<String> response = fresh.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
