package io.chameleon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.app.Settings.ConfigException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration: defaults, file, environment precedence, checks that name the key, and the README table. */
class SettingsTest {

  /** Verifies that the defaults are the embedded default of SPEC §9. */
  @Test
  void defaultsAreTheEmbeddedDefault() {
    JsonObject config = Settings.resolve(new JsonObject(), Map.of());
    assertEquals("127.0.0.1", config.getJsonObject("http").getString("host"));
    assertEquals(8080, config.getJsonObject("http").getInteger("port"));
    assertEquals("./data", config.getJsonObject("data").getString("dir"));
    assertEquals(Path.of("./data", "events.jsonl").toString(), config.getJsonObject("events").getString("file"));
    assertEquals(30, config.getJsonObject("auth").getInteger("leeway_seconds"));
  }

  /** Verifies that an environment variable wins over the file (unlike ConfigRetriever's default order). */
  @Test
  void environmentOverridesTheFile() {
    JsonObject file = new JsonObject().put("http", new JsonObject().put("port", 9000));
    JsonObject config = Settings.resolve(file, Map.of("CHAMELEON_HTTP_PORT", "9100", "CHAMELEON_METRICS_PUBLIC", "false"));
    assertEquals(9100, config.getJsonObject("http").getInteger("port"));
    assertEquals(false, config.getJsonObject("metrics").getBoolean("public"));
  }

  /** Verifies that each kind of bad value is refused with the key's name first. */
  @Test
  void badValuesNameTheKey() {
    Map<String, JsonObject> cases = Map.of(
      "http.port", new JsonObject().put("http", new JsonObject().put("port", 70000)),
      "auth.leeway_seconds", new JsonObject().put("auth", new JsonObject().put("leeway_seconds", 61)),
      "verticles.broadcaster.instances", new JsonObject().put("verticles",
        new JsonObject().put("broadcaster", new JsonObject().put("instances", 2))),
      "data.dir", new JsonObject().put("data", new JsonObject().put("dir", "  ")),
      "bus.timeout_ms", new JsonObject().put("bus", new JsonObject().put("timeout_ms", "fast")));
    cases.forEach((key, given) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> Settings.resolve(given, Map.of()));
      assertTrue(e.getMessage().startsWith(key), e.getMessage());
    });
    ConfigException env = assertThrows(ConfigException.class,
      () -> Settings.resolve(new JsonObject(), Map.of("CHAMELEON_VERTICLES_GATEWAY_ENABLED", "maybe")));
    assertTrue(env.getMessage().contains("verticles.gateway.enabled"), env.getMessage());
  }

  /** Verifies events.redis.pipeline_depth: 1 by default, set by its variable, 0 refused naming the key. */
  @Test
  void redisPipelineDepthIsAKey() {
    assertEquals(1, Settings.resolve(new JsonObject(), Map.of()).getJsonObject("events")
      .getJsonObject("redis").getInteger("pipeline_depth"));
    assertEquals(2, Settings.resolve(new JsonObject(), Map.of("CHAMELEON_EVENTS_REDIS_PIPELINE_DEPTH", "2"))
      .getJsonObject("events").getJsonObject("redis").getInteger("pipeline_depth"));
    ConfigException zero = assertThrows(ConfigException.class,
      () -> Settings.resolve(new JsonObject(), Map.of("CHAMELEON_EVENTS_REDIS_PIPELINE_DEPTH", "0")));
    assertTrue(zero.getMessage().startsWith("events.redis.pipeline_depth"), zero.getMessage());
  }

  /** Verifies that the HTTP connection limits are checked together with the keys they depend on. */
  @Test
  void connectionLimitsAreCheckedTogether() {
    Map<String, JsonObject> cases = Map.of(
      "idle below the bus timeout", new JsonObject().put("http", new JsonObject().put("idle_timeout_ms", 5000)),
      "idle below SockJS's heartbeat", new JsonObject().put("http", new JsonObject().put("idle_timeout_ms", 20_000)),
      "per address above the node", new JsonObject().put("http", new JsonObject().put("max_connections", 100)
        .put("max_connections_per_address", 101)),
      "too few connections", new JsonObject().put("http", new JsonObject().put("max_connections", 8)));
    cases.forEach((why, given) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> Settings.resolve(given, Map.of()), why);
      assertTrue(e.getMessage().startsWith("http."), why + ": " + e.getMessage());
    });
    JsonObject http = Settings.resolve(new JsonObject(), Map.of()).getJsonObject("http");
    assertEquals(60_000, http.getInteger("idle_timeout_ms"));
    assertEquals(30_000, http.getInteger("request_timeout_ms"));
    assertEquals(4096, http.getInteger("max_connections"));
    assertEquals(256, http.getInteger("max_connections_per_address"));
    // without the dashboard there is no heartbeat to wait for
    JsonObject quiet = new JsonObject().put("http", new JsonObject().put("idle_timeout_ms", 20_000))
      .put("verticles", new JsonObject().put("dashboard", new JsonObject().put("enabled", false)));
    assertEquals(20_000, Settings.resolve(quiet, Map.of()).getJsonObject("http").getInteger("idle_timeout_ms"));
  }

  /** Verifies that the README documents every key and its environment variable, so it stays true. */
  @Test
  void readmeDocumentsEveryKey() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Settings.Key key : Settings.KEYS) {
      assertTrue(readme.contains("`" + key.path() + "`"), "README lacks " + key.path());
      assertTrue(readme.contains("`" + key.envName() + "`"), "README lacks " + key.envName());
    }
  }
}
