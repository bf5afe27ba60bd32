package io.chameleon.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several guardian evaluator instances keep one registry between them: each follows the registry
 * events the others append. A change is answered once the instance that made it has followed its
 * own event, so the others have it queued; they converge within milliseconds (not atomically).
 */
class GuardianInstancesTest {

  @TempDir
  Path dataDir;

  /** Verifies that with 3 instances every read converges on every change, whichever instance answers. */
  @Test
  void everyInstanceSeesEveryChange() {
    JsonObject config = new JsonObject().put("verticles",
      new JsonObject().put("guardian", new JsonObject().put("instances", 3)));
    try (TestNode node = TestNode.start(dataDir, config)) {
      String admin = node.token("admin", "ADMIN");
      for (int i = 0; i < 10; i++) {
        String name = "g" + i;
        int expected = i + 1;
        assertEquals(201, node.http.send("PUT", "/api/guardians/" + name, admin, "{\"type\":\"PASS_THRU\",\"attributes\":{}}").status());
        // six reads in a row (round robin over the 3 instances) all see it; they converge in
        // milliseconds, the deadline is generous for a loaded machine
        await().atMost(Duration.ofSeconds(5)).until(() -> sixReadsSee(node, admin, name, expected));
      }
      assertEquals(200, node.http.send("DELETE", "/api/guardians/g0", admin, null).status());
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        for (int read = 0; read < 6; read++) {
          if (node.http.get("/api/guardians/g0", admin).status() != 404) {
            return false;
          }
        }
        return true;
      });
    }
  }

  private static boolean sixReadsSee(TestNode node, String token, String name, int count) {
    for (int read = 0; read < 6; read++) {
      if (node.http.get("/api/guardians/" + name, token).status() != 200
        || node.http.get("/api/guardians", token).data().getJsonArray("guardians").size() != count) {
        return false;
      }
    }
    return true;
  }
}
