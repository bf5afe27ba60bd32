package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 item 1: a connection cannot be held for free. Silence, a head or a body trickled a byte
 * at a time, and connections past the caps per client address and per node are closed, while a
 * client already in keeps being served and {@code /health} still gets in. Real sockets throughout.
 */
class ConnectionLimitsTest {

  @TempDir
  Path dataDir;

  /** Short deadlines; no dashboard (its SockJS heartbeat needs an idle timeout of 30 s or more). */
  private TestNode quickNode() {
    return TestNode.start(dataDir, new JsonObject()
      .put("bus", new JsonObject().put("timeout_ms", 1000))
      .put("http", new JsonObject().put("idle_timeout_ms", 2000).put("request_timeout_ms", 1000))
      .put("verticles", new JsonObject().put("dashboard", new JsonObject().put("enabled", false))));
  }

  /** Small caps, long deadlines: whatever closes here is the caps' doing. */
  private TestNode cappedNode() {
    return TestNode.start(dataDir, new JsonObject()
      .put("http", new JsonObject().put("max_connections", 16).put("max_connections_per_address", 4)));
  }

  /**
   * Verifies that a connection that sends nothing is closed at the request deadline (1 s), and one
   * kept alive after a response at the idle timeout (2 s).
   */
  @Test
  void idleConnectionsAreClosed() throws IOException {
    try (TestNode node = quickNode()) {
      long opened = System.nanoTime();
      try (Wire silent = new Wire(node.http.port())) {
        silent.readToEnd(8000);
        long ms = (System.nanoTime() - opened) / 1_000_000;
        assertTrue(ms >= 900, "closed after " + ms + " ms, before the deadline");
      }
      try (Wire kept = new Wire(node.http.port())) {
        assertEquals(200, kept.get("/metrics", null).status());
        long answered = System.nanoTime();
        kept.readToEnd(8000);
        long ms = (System.nanoTime() - answered) / 1_000_000;
        assertTrue(ms >= 1800, "closed " + ms + " ms after its answer, before the idle timeout");
      }
    }
  }

  /** Verifies that a request head trickled a byte at a time is cut off at the request deadline. */
  @Test
  void trickledHeadIsClosed() throws IOException {
    try (TestNode node = quickNode(); Wire wire = new Wire(node.http.port())) {
      long start = System.nanoTime();
      wire.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      assertTrue(trickleUntilClosed(wire, "X-Slow: " + "a".repeat(200)), "the trickled head was never cut off");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 5000, "took " + ms + " ms");
    }
  }

  /** Verifies that a body trickled a byte at a time gets 408 in the envelope and the connection closes. */
  @Test
  void trickledBodyGets408AndIsClosed() throws IOException {
    try (TestNode node = quickNode(); Wire wire = new Wire(node.http.port())) {
      wire.write("POST /api/uows HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + node.token("op", "OPERATOR")
        + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{");
      StringBuilder got = new StringBuilder();
      assertTrue(trickleUntilClosed(wire, " ".repeat(150), got), "the trickled body was never cut off");
      String text = got.toString();
      assertTrue(text.startsWith("HTTP/1.1 408"), text);
      assertTrue(text.contains("\"REQUEST_TIMEOUT\""), text);
      assertTrue(text.toLowerCase().contains("connection: close"), text);
    }
  }

  /**
   * Verifies that past the per-address cap a new connection from that address is closed at once,
   * while the client already in is still served and another address still gets in.
   */
  @Test
  void overThePerAddressCapANewConnectionIsClosed() throws IOException {
    try (TestNode node = cappedNode(); Wire client = new Wire(node.http.port())) {
      assertEquals(200, client.get("/api/guardians", node.token("viewer", "VIEWER")).status());
      List<Wire> more = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          more.add(new Wire(node.http.port()));
        }
        long refused = closedWithin(more, 3000);
        assertEquals(2, refused, "4 per address: the client and 3 more");
        assertEquals(200, client.get("/api/guardians", node.token("viewer", "VIEWER")).status());
        try (Wire other = new Wire(node.http.port(), "127.0.0.2")) {
          assertEquals(200, other.get("/health", null).status());
        }
      } finally {
        more.forEach(Wire::close);
      }
    }
  }

  /**
   * Verifies that at the node's cap idle connections that never authenticated make room: /health
   * from a new client gets in, and the authenticated client keeps its connection.
   */
  @Test
  void atTheNodeCapIdleStrangersMakeRoom() throws IOException {
    try (TestNode node = cappedNode(); Wire pilot = new Wire(node.http.port())) {
      String viewer = node.token("viewer", "VIEWER");
      assertEquals(200, pilot.get("/api/guardians", viewer).status());
      List<Wire> idle = new ArrayList<>();
      try {
        for (int address = 2; address <= 5; address++) {
          for (int i = 0; i < 4; i++) {
            idle.add(new Wire(node.http.port(), "127.0.0." + address));
          }
        }
        try (Wire health = new Wire(node.http.port(), "127.0.0.9")) {
          assertEquals(200, health.get("/health", null).status());
        }
        assertEquals(200, pilot.get("/api/guardians", viewer).status());
        long closed = closedWithin(idle, 1000);
        assertTrue(closed >= 2, "16 connections at most: " + closed + " of the idle ones closed");
      } finally {
        idle.forEach(Wire::close);
      }
    }
  }

  /** How many of {@code wires} the server closes within {@code ms}, all watched at once. */
  private static long closedWithin(List<Wire> wires, long ms) {
    ExecutorService watchers = Executors.newFixedThreadPool(wires.size());
    try {
      List<CompletableFuture<Boolean>> closed = wires.stream()
        .map(w -> CompletableFuture.supplyAsync(() -> w.closedWithin(ms), watchers))
        .toList();
      return closed.stream().filter(CompletableFuture::join).count();
    } finally {
      watchers.shutdownNow();
    }
  }

  private static boolean trickleUntilClosed(Wire wire, String bytes) throws IOException {
    return trickleUntilClosed(wire, bytes, new StringBuilder());
  }

  /** Writes one byte every 100 ms until the server closes; what it answered goes to {@code got}. */
  private static boolean trickleUntilClosed(Wire wire, String bytes, StringBuilder got) throws IOException {
    wire.socket.setSoTimeout(100);
    byte[] buffer = new byte[4096];
    for (char c : bytes.toCharArray()) {
      try {
        wire.socket.getOutputStream().write(c);
        wire.socket.getOutputStream().flush();
      } catch (IOException closed) {
        return true;
      }
      try {
        int n = wire.socket.getInputStream().read(buffer);
        if (n < 0) {
          return true;
        }
        got.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      } catch (java.net.SocketTimeoutException stillOpen) {
        // the 100 ms between two bytes
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }
}
