package io.chameleon.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token accepted once (and remembered by the gateway) still stops working when it expires. */
class TokenExpiryTest {

  @TempDir
  Path dataDir;

  /** Verifies that a token used successfully is refused once its exp has passed (leeway 0). */
  @Test
  void aUsedTokenStillExpires() {
    JsonObject config = new JsonObject().put("auth", new JsonObject().put("leeway_seconds", 0));
    try (TestNode node = TestNode.start(dataDir, config)) {
      String token = Jwts.hs256(TestNode.SECRET, Jwts.claims("short-lived", "VIEWER", 2));
      assertEquals(200, node.http.get("/api/guardians", token).status());
      assertEquals(200, node.http.get("/api/guardians", token).status());
      await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
        .until(() -> node.http.get("/api/guardians", token).status() == 401);
    }
  }
}
