package io.chameleon.support;

import io.chameleon.app.Chameleon;
import io.chameleon.app.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Chameleon node for end-to-end tests: every verticle, HTTP on a free loopback port, a
 * temporary data directory, and a known HS256 secret so tests can sign tokens. The event log is the
 * file in the data directory, or — when the suite runs with {@code -Dchameleon.test.backend=redis}
 * (the second run of the end-to-end suite) — a Redis stream on the test JVM's own redis-server,
 * under a key prefix derived from the data directory: a restart over the same directory finds the
 * same stream, and no two data directories share one.
 */
public final class TestNode implements AutoCloseable {

  public static final String SECRET = "test-secret-for-chameleon-suite-0123456789abcdef";
  /** The event log backend the suite runs on: {@code file} (default) or {@code redis}. */
  public static final String BACKEND = System.getProperty("chameleon.test.backend", "file");

  public final Vertx vertx;
  public final Chameleon node;
  public final Path dataDir;
  public final Http http;

  private TestNode(Vertx vertx, Chameleon node, Path dataDir) {
    this.vertx = vertx;
    this.node = node;
    this.dataDir = dataDir;
    this.http = new Http(node.httpPort());
  }

  /** Starts a node over {@code dataDir}; {@code overrides} is merged (deeply) into the defaults. */
  public static TestNode start(Path dataDir, JsonObject overrides) {
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("port", 0))
      .put("data", new JsonObject().put("dir", dataDir.toString()))
      .put("auth", new JsonObject().put("secret", SECRET))
      .put("bus", new JsonObject().put("timeout_ms", 2000))
      .mergeIn(backendConfig(dataDir), true)
      .mergeIn(overrides, true);
    JsonObject config = Chameleon.prepare(Settings.resolve(given, Map.of()));
    Vertx vertx = Chameleon.createVertx();
    try {
      Chameleon node = await(Chameleon.deploy(vertx, config));
      return new TestNode(vertx, node, dataDir);
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
  }

  public static TestNode start(Path dataDir) {
    return start(dataDir, new JsonObject());
  }

  public static boolean onRedis() {
    return "redis".equals(BACKEND);
  }

  /** The Redis keys' prefix of the node over {@code dataDir}. */
  public static String keyPrefix(Path dataDir) {
    return "t" + Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode()) + ":";
  }

  /** The configuration of the suite's backend for a node over {@code dataDir}. */
  static JsonObject backendConfig(Path dataDir) {
    if (!onRedis()) {
      return new JsonObject();
    }
    String prefix = keyPrefix(dataDir);
    return new JsonObject()
      .put("events", new JsonObject().put("backend", "redis")
        .put("redis", new JsonObject().put("key_prefix", prefix).put("stream", prefix + "events")))
      .put("redis", new JsonObject().put("url", RedisServer.shared().url()).put("timeout_ms", 1000));
  }

  /** The same as environment variables, for a node in its own process. */
  static Map<String, String> backendEnv(Path dataDir) {
    if (!onRedis()) {
      return Map.of();
    }
    String prefix = keyPrefix(dataDir);
    return Map.of("CHAMELEON_EVENTS_BACKEND", "redis", "CHAMELEON_EVENTS_REDIS_KEY_PREFIX", prefix,
      "CHAMELEON_EVENTS_REDIS_STREAM", prefix + "events", "CHAMELEON_REDIS_URL", RedisServer.shared().url(),
      "CHAMELEON_REDIS_TIMEOUT_MS", "1000");
  }

  /** A token for {@code role} signed with the test secret, valid for an hour. */
  public String token(String pilot, String role) {
    return Jwts.hs256(SECRET, Jwts.claims(pilot, role, 3600));
  }

  /** Blocks the test thread (never an event loop) until the future completes, up to 30 s. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(node.undeploy().compose(v -> vertx.close()));
  }
}
