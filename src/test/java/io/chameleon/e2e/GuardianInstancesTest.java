package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several guardian evaluator instances answer alike: each follows the registry events the others append. */
class GuardianInstancesTest {

  @TempDir
  Path dataDir;

  /** Verifies that with 3 instances every read after a change sees it, whichever instance answers. */
  @Test
  void everyInstanceSeesEveryChange() {
    JsonObject config = new JsonObject().put("verticles",
      new JsonObject().put("guardian", new JsonObject().put("instances", 3)));
    try (TestNode node = TestNode.start(dataDir, config)) {
      String admin = node.token("admin", "ADMIN");
      for (int i = 0; i < 10; i++) {
        assertEquals(201, node.http.send("PUT", "/api/guardians/g" + i, admin, "{\"type\":\"PASS_THRU\",\"attributes\":{}}").status());
        for (int read = 0; read < 6; read++) {
          assertEquals(200, node.http.get("/api/guardians/g" + i, admin).status(), "instance missed g" + i);
          assertEquals(i + 1, node.http.get("/api/guardians", admin).data().getJsonArray("guardians").size());
        }
      }
      assertEquals(200, node.http.send("DELETE", "/api/guardians/g0", admin, null).status());
      for (int read = 0; read < 6; read++) {
        assertEquals(404, node.http.get("/api/guardians/g0", admin).status());
      }
    }
  }
}
