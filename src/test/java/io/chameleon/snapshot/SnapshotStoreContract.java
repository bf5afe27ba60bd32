package io.chameleon.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link SnapshotStore} adapter must do, run against each by a subclass: round trips,
 * newest first, only {@link SnapshotStore#KEPT} kept, nothing visible of a failed save, corrupted
 * bodies refused, garbage skipped, empty bodies. The subclass makes a fresh store for each test
 * and knows how to tamper with what it stored.
 */
@ExtendWith(VertxExtension.class)
abstract class SnapshotStoreContract {

  static final String PART = "store";

  SnapshotStore store;

  /** A new, empty store over fresh storage (a directory, a key prefix). */
  abstract SnapshotStore newStore(Vertx vertx);

  /** Changes one byte of the stored body of {@code header}. */
  abstract void corruptBody(SnapshotHeader header);

  /** Puts unreadable or unknown entries of {@code part} beside the snapshots, newer than them. */
  abstract void plantGarbage(String part);

  /** The event ids of {@code part} that anything is stored under (complete or not). */
  abstract Set<String> storedIds(String part);

  @BeforeEach
  void open(Vertx vertx) {
    store = newStore(vertx);
  }

  /** Verifies that a body saved in several chunks comes back whole, with its size and checksum. */
  @Test
  void roundTrip() {
    List<byte[]> chunks = List.of(bytes(1, 1000), bytes(2, 3 << 20), bytes(3, 5 << 20),
      bytes(4, 7));
    SnapshotHeader saved = await(store.save(header(1000, 3), chunks.iterator()));
    byte[] body = concat(chunks);
    assertEquals(body.length, saved.bytes());
    assertEquals(sha256(body), saved.sha256());
    assertEquals(List.of(saved), await(store.newestFirst(PART)));
    assertArrayEquals(body, read(saved));
  }

  /** Verifies that snapshots are listed by event id, newest first, numerically in both parts. */
  @Test
  void newestFirst() {
    await(store.save(header(10, 2), List.of(bytes(1, 10)).iterator()));
    await(store.save(header(10, 10), List.of(bytes(2, 10)).iterator()));
    await(store.save(header(9, 99), List.of(bytes(3, 10)).iterator()));
    assertEquals(List.of("10-10", "10-2"), ids(await(store.newestFirst(PART))));
  }

  /** Verifies that only the newest KEPT snapshots of a part stay stored, the others deleted. */
  @Test
  void keepsOnlyTheNewest() {
    for (int i = 1; i <= 5; i++) {
      await(store.save(header(i, 0), List.of(bytes(i, 100), bytes(i + 1, 100)).iterator()));
    }
    List<SnapshotHeader> listed = await(store.newestFirst(PART));
    assertEquals(List.of("5-0", "4-0"), ids(listed));
    assertEquals(Set.of("5-0", "4-0"), storedIds(PART));
    assertEquals(List.of(), await(store.newestFirst("guardians")));
  }

  /** Verifies that a save whose chunks fail midway fails, and leaves nothing of itself stored. */
  @Test
  void failedSaveLeavesNothing() {
    SnapshotHeader kept = await(store.save(header(1, 0), List.of(bytes(1, 10)).iterator()));
    Iterator<byte[]> failing = new Iterator<>() {
      int pulled;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public byte[] next() {
        if (++pulled == 3) {
          throw new IllegalStateException("serialiser failed");
        }
        return bytes(pulled, 1 << 20);
      }
    };
    Throwable failure = failure(store.save(header(2, 0), failing));
    assertEquals("serialiser failed", failure.getMessage());
    assertEquals(List.of(kept), await(store.newestFirst(PART)));
    assertEquals(Set.of("1-0"), storedIds(PART));
  }

  /** Verifies that a body changed after it was saved fails its read, after the chunks went by. */
  @Test
  void corruptedBodyFailsTheRead() {
    SnapshotHeader saved = await(store.save(header(1, 0),
      List.of(bytes(1, 1 << 20), bytes(2, 1 << 20)).iterator()));
    corruptBody(saved);
    Throwable failure = failure(store.read(saved, chunk -> { }));
    assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(failure.getMessage().contains("SHA-256"), failure.getMessage());
  }

  /** Verifies that unreadable and unknown entries are skipped when listing, not fatal. */
  @Test
  void garbageIsSkipped() {
    SnapshotHeader good = await(store.save(header(1, 0), List.of(bytes(1, 10)).iterator()));
    plantGarbage(PART);
    assertEquals(List.of(good), await(store.newestFirst(PART)));
    SnapshotHeader newer = await(store.save(header(2, 0), List.of(bytes(2, 10)).iterator()));
    assertEquals(List.of(newer, good), await(store.newestFirst(PART)));
  }

  /** Verifies that an empty body is saved, listed and read back as nothing. */
  @Test
  void emptyBody() {
    SnapshotHeader saved = await(store.save(header(7, 1), List.<byte[]>of().iterator()));
    assertEquals(0, saved.bytes());
    assertEquals(sha256(new byte[0]), saved.sha256());
    assertEquals(List.of(saved), await(store.newestFirst(PART)));
    assertArrayEquals(new byte[0], read(saved));
  }

  /** Verifies that saving again at the same event replaces the snapshot, bodies not mixed. */
  @Test
  void saveAgainReplaces() {
    await(store.save(header(3, 0), List.of(bytes(1, 100), bytes(2, 100)).iterator()));
    SnapshotHeader again = await(store.save(header(3, 0), List.of(bytes(9, 50)).iterator()));
    assertEquals(List.of(again), await(store.newestFirst(PART)));
    assertArrayEquals(bytes(9, 50), read(again));
  }

  // ---- helpers

  static SnapshotHeader header(long ms, long seq) {
    return SnapshotHeader.of(PART, 1, new Tip(ms + "-" + seq, "ab".repeat(32)),
      "2026-11-25T12:00:00.000Z");
  }

  /** {@code length} pseudo-random bytes of text, with newlines, from {@code seed}. */
  static byte[] bytes(long seed, int length) {
    Random random = new Random(seed);
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i % 100 == 99 ? '\n' : 'a' + random.nextInt(26));
    }
    return bytes;
  }

  static byte[] concat(List<byte[]> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.forEach(out::writeBytes);
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> ids(List<SnapshotHeader> headers) {
    List<String> ids = new ArrayList<>();
    headers.forEach(header -> ids.add(header.covers().id()));
    return ids;
  }

  byte[] read(SnapshotHeader header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> threads = new ArrayList<>();
    await(store.read(header, chunk -> {
      threads.add(Thread.currentThread().getName());
      out.writeBytes(chunk);
    }));
    threads.forEach(name -> assertFalse(name.contains("eventloop"), name));
    return out.toByteArray();
  }

  /** Waits (at most 30 s) for a future on the test thread, which is no event loop. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** The failure of a future that must fail (at most 30 s). */
  static Throwable failure(Future<?> future) {
    ExecutionException failed = assertThrows(ExecutionException.class,
      () -> future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return failed.getCause();
  }
}
