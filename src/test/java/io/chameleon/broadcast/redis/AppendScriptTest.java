package io.chameleon.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.broadcast.EventHash;
import io.chameleon.support.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The append script called directly: it checks a batch's first link (after the tip, naming its
 * hash) and that its last id comes after its first, and a batch refused on any of these writes
 * nothing — the checks it keeps since it stopped walking every event of the batch.
 */
class AppendScriptTest {

  private static final String H1 = "1".repeat(64);
  private static final String H2 = "2".repeat(64);
  private static final String H3 = "3".repeat(64);
  private static RedisServer server;
  private static String sha;

  @BeforeAll
  static void startRedis(@TempDir Path dir) {
    server = RedisServer.start(dir.resolve("redis"));
    sha = server.command("SCRIPT", "LOAD", AppendScript.SOURCE);
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Object> call(String prefix, String tipId, String tipHash, String... events) {
    List<String> args = new ArrayList<>(List.of("EVALSHA", sha, "2", prefix + "events", prefix + "tip",
      tipId, tipHash, "", "", "0"));
    args.addAll(List.of(events));
    return (List<Object>) server.send(args.toArray(String[]::new));
  }

  private static String[] entry(String id, String prev, String hash) {
    return new String[] {id, "t", "2026-12-07T00:00:00.000Z", "{}", prev, hash};
  }

  private static String[] batch(String[]... entries) {
    List<String> all = new ArrayList<>();
    for (String[] e : entries) {
      all.addAll(List.of(e));
    }
    return all.toArray(String[]::new);
  }

  private static long length(String prefix) {
    return Long.parseLong(String.valueOf(server.send("XLEN", prefix + "events")));
  }

  /** Verifies that a batch on the tip lands whole and moves the tip to its last event. */
  @Test
  void aBatchOnTheTipLands() {
    List<Object> reply = call("ok:", "0-0", EventHash.GENESIS,
      batch(entry("5-0", EventHash.GENESIS, H1), entry("5-1", H1, H2), entry("6-0", H2, H3)));
    assertEquals(List.of("OK", "6-0"), reply);
    assertEquals(3, length("ok:"));
    assertEquals(List.of("6-0", H3), server.send("HMGET", "ok:tip", "id", "hash"));
  }

  /** Verifies that a first event not naming the tip's hash is refused (LINK) and writes nothing. */
  @Test
  void aFirstEventNotNamingTheTipIsRefused() {
    List<Object> reply = call("link:", "0-0", EventHash.GENESIS,
      batch(entry("5-0", H3, H1), entry("5-1", H1, H2)));
    assertEquals(List.of("LINK", "5-0"), reply);
    assertEquals(0, length("link:"));
  }

  /** Verifies that a first id not after the tip's, or a last id not after the first, is refused (ID) and writes nothing. */
  @Test
  void idsNotAfterTheTipOrTheFirstAreRefused() {
    assertEquals(List.of("OK", "5-0"), call("id:", "0-0", EventHash.GENESIS, entry("5-0", EventHash.GENESIS, H1)));
    assertEquals(List.of("ID", "5-0", "5-0"), call("id:", "5-0", H1, batch(entry("5-0", H1, H2))));
    assertEquals(List.of("ID", "6-0", "5-9"), call("id:", "5-0", H1,
      batch(entry("6-0", H1, H2), entry("5-9", H2, H3))));
    assertEquals(1, length("id:"));
    assertEquals(List.of("5-0", H1), server.send("HMGET", "id:tip", "id", "hash"));
  }
}
