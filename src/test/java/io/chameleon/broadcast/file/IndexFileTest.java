package io.chameleon.broadcast.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file log's saved offset index ({@code <log>.idx}): an open resumes after it when it matches
 * the log, and scans the whole log when it does not; the torn-tail rule is the same either way.
 */
@ExtendWith(VertxExtension.class)
class IndexFileTest {

  @TempDir
  Path dir;

  private String prevHash = EventHash.GENESIS;
  private long nextMs = 1000;

  /** {@code count} events as this log writes its lines, chained on from the last ones. */
  private String lines(int count, int payload) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Event event = Event.chained(new EventId(nextMs++, 0), new EventDraft("thing",
        new JsonObject().put("n", i).put("filler", "y".repeat(payload + i % 7))), prevHash);
      prevHash = event.hash();
      text.append(event.toJson().encode()).append('\n');
    }
    return text.toString();
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
      StandardOpenOption.APPEND);
  }

  private static FileLogRecovery.State open(Path file) throws IOException {
    return FileLogRecovery.open(file);
  }

  private static void close(FileLogRecovery.State state) {
    FileLogRecovery.closeQuietly(state.writer());
    FileLogRecovery.closeQuietly(state.reader());
  }

  /** Opens, saves the index as a close does, and closes; returns the bytes it covers. */
  private static long openAndSave(Path file) throws IOException {
    FileLogRecovery.State state = open(file);
    try {
      IndexFile.save(file, state.index().snapshot(), state.size(), state.lastId(), state.lastHash());
      return state.size();
    } finally {
      close(state);
    }
  }

  /** The state of a full scan: the index file moved away for the time of the open. */
  private static FileLogRecovery.State fullScan(Path file) throws IOException {
    Path index = IndexFile.of(file);
    Path aside = file.resolveSibling("aside.idx");
    boolean had = Files.exists(index);
    if (had) {
      Files.move(index, aside);
    }
    try {
      FileLogRecovery.State state = open(file);
      assertEquals(0, state.scannedFrom());
      return state;
    } finally {
      Files.deleteIfExists(index);
      if (had) {
        Files.move(aside, index);
      }
    }
  }

  private static void assertSame(FileLogRecovery.State expected, FileLogRecovery.State actual) {
    assertEquals(expected.size(), actual.size());
    assertEquals(expected.lastId(), actual.lastId());
    assertEquals(expected.lastHash(), actual.lastHash());
    OffsetIndex.Snapshot want = expected.index().snapshot();
    OffsetIndex.Snapshot got = actual.index().snapshot();
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.id(i), got.id(i), "entry " + i);
      assertEquals(want.offset(i), got.offset(i), "entry " + i);
    }
  }

  /**
   * Verifies that an open resumes where the saved index ends, scans only the lines appended after
   * it, and ends with the index and tip a full scan finds; a torn last line appended after it is
   * still cut, and the next open's saved index (rewritten after a long scan) is used too.
   */
  @Test
  void resumesAfterTheSavedIndexAndCutsATornTail() throws IOException {
    Path file = dir.resolve("events.jsonl");
    append(file, lines(300, 50));
    long covered = openAndSave(file);
    append(file, lines(20, 30));
    long intact = Files.size(file);
    append(file, "{\"id\":\"99999-0\",\"torn");
    FileLogRecovery.State resumed = open(file);
    try {
      assertEquals(covered, resumed.scannedFrom());
      assertEquals(intact, resumed.size());
      assertEquals(intact, Files.size(file));
      assertEquals(320, resumed.index().size());
      FileLogRecovery.State full = fullScan(file);
      assertSame(full, resumed);
      close(full);
    } finally {
      close(resumed);
    }
  }

  /** Verifies that a complete line that is not an event, after the saved index, is kept. */
  @Test
  void completeBadLastLineAfterTheIndexIsKept() throws IOException {
    Path file = dir.resolve("events.jsonl");
    append(file, lines(50, 10));
    long covered = openAndSave(file);
    append(file, "{\"not\":\"an event\"}\n");
    long size = Files.size(file);
    FileLogRecovery.State state = open(file);
    try {
      assertEquals(covered, state.scannedFrom());
      assertEquals(size, state.size());
      assertEquals(size, Files.size(file));
      assertEquals(50, state.index().size());
    } finally {
      close(state);
    }
  }

  /**
   * Verifies that a saved index that does not match the log is ignored (the whole log scanned,
   * the same result as without it): a line before its end grew, the log was cut below its end, the
   * index file is damaged, it belongs to another log of the same length, its last hash differs.
   */
  @Test
  void indexNotMatchingTheLogIsIgnored() throws IOException {
    Path file = dir.resolve("events.jsonl");
    String original = lines(100, 40);
    append(file, original);
    openAndSave(file);
    byte[] saved = Files.readAllBytes(IndexFile.of(file));

    LogFiles.rewrite(file, lines -> {
      lines.set(10, lines.get(10).replace("\"n\":", "\"n\": "));
      return lines;
    });
    assertIgnored(file);

    Files.writeString(file, original.substring(0, original.length() / 2 + 1));
    Files.write(IndexFile.of(file), saved);
    assertIgnored(file);

    Files.writeString(file, original);
    byte[] damaged = saved.clone();
    damaged[damaged.length / 2] ^= 1;
    Files.write(IndexFile.of(file), damaged);
    assertIgnored(file);

    // another chain of the same lengths: every offset matches, the ids and hashes do not
    prevHash = "f".repeat(64);
    nextMs = 5000;
    String other = lines(100, 40);
    assertEquals(original.length(), other.length());
    Files.writeString(file, other);
    Files.write(IndexFile.of(file), saved);
    assertIgnored(file);

    Files.writeString(file, original);
    byte[] otherHash = saved.clone();
    int hashAt = 8 + 8 + 4 + 8 + 8;
    otherHash[hashAt] = (byte) (otherHash[hashAt] == 'a' ? 'b' : 'a');
    CRC32C crc = new CRC32C();
    crc.update(otherHash, 0, otherHash.length - 4);
    ByteBuffer.wrap(otherHash).order(ByteOrder.LITTLE_ENDIAN)
      .putInt(otherHash.length - 4, (int) crc.getValue());
    Files.write(IndexFile.of(file), otherHash);
    assertIgnored(file);

    Files.write(IndexFile.of(file), saved);
    FileLogRecovery.State used = open(file);
    assertTrue(used.scannedFrom() > 0);
    close(used);
  }

  private static void assertIgnored(Path file) throws IOException {
    FileLogRecovery.State state = open(file);
    try {
      assertEquals(0, state.scannedFrom());
      FileLogRecovery.State full = fullScan(file);
      assertSame(full, state);
      close(full);
    } finally {
      close(state);
    }
  }

  /** Verifies that closing the log saves its index, and the next open scans nothing. */
  @Test
  void closeSavesTheIndex(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    FileEventLog log = new FileEventLog(vertx, file);
    List<EventDraft> drafts = new ArrayList<>(LogFiles.drafts("x", 0, 40));
    log.open().compose(v -> log.append(drafts)).compose(events -> {
      ctx.verify(() -> assertFalse(Files.exists(IndexFile.of(file))));
      return log.close().map(events);
    }).onComplete(ctx.succeeding(events -> ctx.verify(() -> {
      assertTrue(Files.exists(IndexFile.of(file)));
      FileLogRecovery.State state = open(file);
      try {
        assertEquals(Files.size(file), state.scannedFrom());
        assertEquals(events.get(events.size() - 1).eventId(), state.lastId());
        assertEquals(events.get(events.size() - 1).hash(), state.lastHash());
        assertEquals(40, state.index().size());
      } finally {
        close(state);
      }
      ctx.completeNow();
    })));
  }
}
