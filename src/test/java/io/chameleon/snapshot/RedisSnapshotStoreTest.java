package io.chameleon.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Failure;
import io.chameleon.support.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot contract on a real {@code redis-server} (started for this class, stopped by its
 * pid), each test under its own key prefix; and what only Redis has: values split at 4 MiB,
 * commands bounded by a timeout, failures that name Redis but never a password.
 */
class RedisSnapshotStoreTest extends SnapshotStoreContract {

  @TempDir
  static Path redisDir;

  private static RedisServer server;

  private final String prefix = "test:" + UUID.randomUUID() + ":";
  private Redis client;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start(redisDir);
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      await(client.close());
    }
  }

  @Override
  SnapshotStore newStore(Vertx vertx) {
    return storeOn(vertx, server.url(), 10_000);
  }

  private SnapshotStore storeOn(Vertx vertx, String url, long timeoutMs) {
    if (client != null) {
      await(client.close());
    }
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    return new RedisSnapshotStore(vertx, client, prefix, timeoutMs);
  }

  private String key(SnapshotHeader header) {
    return prefix + "snapshot:" + header.part() + ":" + header.covers().id();
  }

  @Override
  void corruptBody(SnapshotHeader header) {
    String chunk = key(header) + ":0";
    char[] value = server.command("GET", chunk).toCharArray();
    value[value.length / 2] ^= 0x01;
    server.command("SET", chunk, new String(value));
  }

  @Override
  void plantGarbage(String part) {
    String index = prefix + "snapshots:" + part;
    String base = prefix + "snapshot:" + part + ":";
    server.command("ZADD", index, "5", "5-0");
    server.command("SET", base + "5-0", "not a header");
    server.command("ZADD", index, "6", "junk");
    server.command("ZADD", index, "7", "7-0");
    server.command("ZADD", index, "8", "8-0");
    server.command("SET", base + "8-0", header(8, 0).withBody(3, "00".repeat(32)).toJson()
      .put("part", "guardians").put("chunks", 1).encode());
    server.command("SET", base + "9-0:0", "a chunk of a save that never committed");
  }

  @Override
  @SuppressWarnings("unchecked")
  Set<String> storedIds(String part) {
    String base = prefix + "snapshot:" + part + ":";
    Set<String> ids = new HashSet<>();
    for (Object key : (List<Object>) server.send("KEYS", base + "*")) {
      ids.add(key.toString().substring(base.length()).split(":")[0]);
    }
    for (Object member : (List<Object>) server.send("ZRANGE", prefix + "snapshots:" + part,
      "0", "-1")) {
      ids.add(member.toString());
    }
    return ids;
  }

  /** Verifies that a chunk over 4 MiB is stored as several values and read back whole. */
  @Test
  void largeChunksAreSplit(Vertx vertx) {
    byte[] body = bytes(5, 9 << 20);
    SnapshotHeader saved = await(store.save(header(1, 0), List.of(body).iterator()));
    assertEquals(3L, server.send("EXISTS", key(saved) + ":0", key(saved) + ":1",
      key(saved) + ":2"));
    assertEquals(0L, server.send("EXISTS", key(saved) + ":3"));
    assertEquals(-1L, server.send("PTTL", key(saved) + ":0"));
    assertArrayEquals(body, read(saved));
  }

  /** Verifies that a Redis that does not answer within the timeout fails the call with a 503. */
  @Test
  void timeoutIsUnavailable(Vertx vertx) {
    store = storeOn(vertx, server.url(), 300);
    await(store.newestFirst(PART));
    server.command("CLIENT", "PAUSE", "3000", "ALL");
    try {
      Throwable failure = failure(store.newestFirst(PART));
      Failure unavailable = assertInstanceOf(Failure.class, failure);
      assertEquals(503, unavailable.status());
      assertTrue(failure.getMessage().contains("Redis"), failure.getMessage());
      assertTrue(failure.getMessage().contains("300 ms"), failure.getMessage());
    } finally {
      server.command("CLIENT", "UNPAUSE");
    }
  }

  /** Verifies that a password Redis refuses fails the call with a 503 that does not show it. */
  @Test
  void passwordIsNeverShown(Vertx vertx) {
    server.command("ACL", "SETUSER", "snapshots", "on", ">the-right-one", "~*", "+@all");
    String password = "s3cret-snapshot-pw";
    store = storeOn(vertx, "redis://snapshots:" + password + "@127.0.0.1:" + server.port(), 2000);
    Throwable failure = failure(store.save(header(1, 0), List.of(bytes(1, 10)).iterator()));
    Failure unavailable = assertInstanceOf(Failure.class, failure);
    assertEquals(503, unavailable.status());
    assertTrue(failure.getMessage().contains("Redis"), failure.getMessage());
    assertFalse(failure.getMessage().contains(password), failure.getMessage());
  }

  /** Verifies that credentials in a URL inside an error message are dropped. */
  @Test
  void credentialsAreScrubbed() {
    assertEquals("cannot reach redis://127.0.0.1:6379/0 and rediss://host:1",
      RedisSnapshotStore.withoutCredentials(
        "cannot reach redis://:pw@127.0.0.1:6379/0 and rediss://user:pa55@host:1"));
  }
}
