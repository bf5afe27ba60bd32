package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A socket never outlives its token: it is closed (1008) when the token expires, however far off that is. */
class SocketExpiryTest {

  static final long DAY_MS = 86_400_000L;

  @Test
  void verifiesThatATokenValidForAYearIsStillCheckedAndTheSocketClosedAtItsExpiry() {
    // the longest lifetime auth.max_lifetime_seconds allows, plus the leeway
    long start = 1_764_072_000_000L;
    long validUntil = start + 365 * DAY_MS + 60_000;
    long now = start;
    int checks = 0;
    long delay;
    while ((delay = SessionAuth.nextExpiryCheck(validUntil, now)) > 0) {
      assertTrue(delay <= SessionAuth.EXPIRY_STEP_MS && delay <= Integer.MAX_VALUE, "each timer is a short one");
      now += delay;
      checks++;
    }
    assertEquals(validUntil, now, "closed at the expiry, not before nor never");
    assertEquals(365 * 24 + 1, checks);
    assertEquals(0, SessionAuth.nextExpiryCheck(validUntil, validUntil + 5), "past the expiry: close now");
    assertEquals(1, SessionAuth.nextExpiryCheck(validUntil, validUntil - 1));
    assertEquals(SessionAuth.EXPIRY_STEP_MS, SessionAuth.nextExpiryCheck(Long.MAX_VALUE, now), "no overflow");
  }

  @Test
  void verifiesThatASocketIsClosedWhenItsTokenExpires(@TempDir Path dataDir) {
    JsonObject overrides = new JsonObject()
      .put("verticles", new JsonObject().put("store", new JsonObject().put("enabled", false)))
      .put("auth", new JsonObject().put("leeway_seconds", 0));
    Vertx clientVertx = Vertx.vertx();
    try (TestNode node = TestNode.start(dataDir, overrides)) {
      String token = Jwts.hs256(TestNode.SECRET, Jwts.claims("viewer-1", "VIEWER", 2));
      try (SocketClient socket = SocketClient.authenticated(SocketClient.client(clientVertx), node.http.port(), token)) {
        assertTrue(socket.request("subscribe", "s", null).getBoolean("success"));
        assertEquals((short) 1008, socket.awaitClose());
        assertEquals("token expired", socket.closeReason);
      }
    } finally {
      TestNode.await(clientVertx.close());
    }
  }
}
