package io.chameleon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAR.md A1 and the start-up contract: bad configuration stops the start with a message naming the
 * key and the port never opens; with no secret configured a strong one is generated, stored
 * owner-only, and used by {@code chameleon token}.
 */
class StartupTest {

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {
  }

  private Outcome run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path config(JsonObject json) throws IOException {
    Path file = dir.resolve("config-" + System.nanoTime() + ".json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void assertRefused(JsonObject json, Map<String, String> env, String key) throws IOException {
    int port = freePort();
    JsonObject withPort = new JsonObject()
      .put("http", new JsonObject().put("port", port))
      .put("data", new JsonObject().put("dir", dir.resolve("data").toString()))
      .mergeIn(json, true);
    Outcome outcome = run(env, "run", "--config", config(withPort).toString());
    assertEquals(2, outcome.code(), outcome.err());
    assertTrue(outcome.err().contains(key), "the message should name " + key + ": " + outcome.err());
    assertTrue(!listening(port), "the port opened although the start was refused");
  }

  /** Verifies that a short, a well-known and a trivial secret each refuse the start, naming auth.secret (A1). */
  @Test
  void weakSecretsRefuseToStart() throws IOException {
    for (String secret : new String[] {"short", "your-256-bit-secret-your-256-bit-secret",
      "please-change-this-secret-in-production", "a".repeat(40)}) {
      assertRefused(new JsonObject().put("auth", new JsonObject().put("secret", secret)), Map.of(), "auth.secret");
    }
    assertRefused(new JsonObject(), Map.of("CHAMELEON_AUTH_SECRET", "0123456789"), "auth.secret");
  }

  /** Verifies that RS256 without a public key refuses to start, naming the setting (A1). */
  @Test
  void missingPublicKeyRefusesToStart() throws IOException {
    assertRefused(new JsonObject().put("auth", new JsonObject().put("algorithm", "RS256")), Map.of(), "auth.public_key");
  }

  /** Verifies that bad values, from the file or the environment, name their key. */
  @Test
  void badValuesNameTheirKey() throws IOException {
    assertRefused(new JsonObject().put("auth", new JsonObject().put("leeway_seconds", 90)), Map.of(), "auth.leeway_seconds");
    assertRefused(new JsonObject(), Map.of("CHAMELEON_HTTP_PORT", "eighty"), "http.port");
    assertRefused(new JsonObject().put("http", new JsonObject().put("colour", "blue")), Map.of(), "http.colour");
    assertRefused(new JsonObject().put("auth", new JsonObject().put("algorithm", "HS1")), Map.of(), "auth.algorithm");
    assertRefused(new JsonObject().put("metrics", new JsonObject().put("public", "yes")), Map.of(), "metrics.public");
  }

  /** Verifies that a data dir or event log path under a regular file refuses to start, naming it (BAR 24). */
  @Test
  void pathsUnderAFileRefuseToStart() throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    assertRefused(new JsonObject().put("data", new JsonObject().put("dir", file.resolve("data").toString())), Map.of(), "data.dir");
    Outcome outcome = run(Map.of(), "run", "--config", config(new JsonObject()
      .put("http", new JsonObject().put("port", 0))
      .put("data", new JsonObject().put("dir", dir.resolve("d2").toString()))
      .put("events", new JsonObject().put("file", file.resolve("events.jsonl").toString()))).toString());
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().contains(file.resolve("events.jsonl").toString()), outcome.err());
  }

  /** Verifies that with no secret configured one is generated owner-only and `token` mints what the server accepts. */
  @Test
  void generatedSecretIsSharedWithTheTokenCommand() throws IOException {
    Path data = dir.resolve("generated");
    Path configFile = config(new JsonObject()
      .put("http", new JsonObject().put("port", 0))
      .put("data", new JsonObject().put("dir", data.toString())));
    JsonObject config = Chameleon.prepare(Settings.load(configFile, Map.of()));
    Path secretFile = data.resolve(JwtSecret.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
    assertTrue(Files.readString(secretFile).length() >= 43, "a 256-bit secret is at least 43 base64 characters");

    Outcome minted = run(Map.of(), "token", "--sub", "pilot-001", "--role", "ADMIN", "--ttl", "10m", "--config", configFile.toString());
    assertEquals(0, minted.code(), minted.err());
    String token = minted.out().trim();

    Vertx vertx = Chameleon.createVertx();
    Chameleon node = TestNode.await(Chameleon.deploy(vertx, config));
    try {
      Http http = new Http(node.httpPort());
      assertEquals(200, http.get("/api/guardians", token).status());
      assertEquals(config.getJsonObject("auth").getString("secret"),
        Chameleon.prepare(Settings.load(configFile, Map.of())).getJsonObject("auth").getString("secret"),
        "a second start must reuse the stored secret");
    } finally {
      TestNode.await(node.undeploy().compose(v -> vertx.close()));
    }
  }

  /** Verifies that `token` refuses bad roles, ttls and lifetimes the server would reject. */
  @Test
  void tokenCommandValidatesItsArguments() throws IOException {
    Path configFile = config(new JsonObject().put("data", new JsonObject().put("dir", dir.resolve("t").toString())));
    assertEquals(2, run(Map.of(), "token", "--sub", "p", "--role", "admin", "--config", configFile.toString()).code());
    assertEquals(2, run(Map.of(), "token", "--sub", "p", "--role", "ADMIN", "--ttl", "soon", "--config", configFile.toString()).code());
    Outcome tooLong = run(Map.of(), "token", "--sub", "p", "--role", "ADMIN", "--ttl", "2d", "--config", configFile.toString());
    assertEquals(2, tooLong.code());
    assertTrue(tooLong.err().contains("auth.max_lifetime_seconds"), tooLong.err());
    assertThrows(IllegalArgumentException.class, () -> Main.Token.ttlSeconds("0m"));
    assertEquals(3600, Main.Token.ttlSeconds("60m"));
  }
}
