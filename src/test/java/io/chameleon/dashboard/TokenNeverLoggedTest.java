package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** BAR.md F27: a token — good, forged or in a URL — never reaches a log line, at any level. */
class TokenNeverLoggedTest {

  @TempDir
  Path dataDir;

  /** Verifies that with every Chameleon logger at DEBUG, no log line carries a token or its signature. */
  @Test
  void tokensAreNeverLogged() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger chameleon = (Logger) LoggerFactory.getLogger("io.chameleon");
    Logger access = (Logger) LoggerFactory.getLogger("chameleon.access");
    Level chameleonBefore = chameleon.getLevel();
    Level accessBefore = access.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    // the gateway's access lines, in batches on their own logger
    Logger accessLines = (Logger) LoggerFactory.getLogger("chameleon.access.lines");
    accessLines.addAppender(captured);
    chameleon.setLevel(Level.DEBUG);
    access.setLevel(Level.DEBUG);
    Vertx clientVertx = Vertx.vertx();
    String good;
    String forged;
    try (TestNode node = TestNode.start(dataDir)) {
      good = node.token("pilot-logged", "ADMIN");
      forged = Jwts.sign("an-attacker-secret-that-is-long-enough-42", "HmacSHA256", "{\"alg\":\"HS256\"}",
        Jwts.claims("mallory", "ADMIN", 600).encode());
      node.http.get("/api/guardians", good);
      node.http.send("PUT", "/api/guardians/x", good, "{\"type\":\"PASS_THRU\",\"attributes\":{}}");
      node.http.get("/api/guardians", forged);
      node.http.get("/api/guardians?token=" + good, null);
      WebSocketClient client = SocketClient.client(clientVertx);
      try (SocketClient socket = SocketClient.authenticated(client, node.http.port(), good)) {
        socket.request("get_metrics", "m1", new JsonObject());
      }
      try (SocketClient refused = SocketClient.connect(client, node.http.port())) {
        refused.request("auth", "a1", new JsonObject().put("token", forged));
      }
      try (SocketClient inUrl = SocketClient.connect(client, node.http.port(),
        SocketClient.RAW_PATH + "?token=" + good, null, true)) {
        inUrl.request("auth", "a1", new JsonObject().put("token", ""));
      }
    } finally {
      root.detachAppender(captured);
      accessLines.detachAppender(captured);
      chameleon.setLevel(chameleonBefore);
      access.setLevel(accessBefore);
      TestNode.await(clientVertx.close());
    }
    List<String> lines = captured.list.stream()
      .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
      .toList();
    assertTrue(lines.stream().anyMatch(l -> l.contains("socket allow [pilot: pilot-logged")), "the socket said nothing: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("allow [pilot: pilot-logged, role: ADMIN, method: GET")),
      "the access log said nothing: " + lines);
    for (String token : List.of(good, forged)) {
      String signature = token.substring(token.lastIndexOf('.') + 1);
      for (String line : lines) {
        assertFalse(line.contains(signature), "a token reached the log: " + line);
      }
    }
  }
}
