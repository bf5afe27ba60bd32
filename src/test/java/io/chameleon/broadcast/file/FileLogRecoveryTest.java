package io.chameleon.broadcast.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file log's open scan on its own: bytes in, index and tip out. */
class FileLogRecoveryTest {

  @TempDir
  Path dir;

  /** Verifies that the word-at-a-time newline search finds what a byte loop finds, wherever. */
  @Test
  void newlineSearchMatchesAByteLoop() {
    Random random = new Random(7);
    // bytes around '\n' that a wrong bit trick mistakes for it: 0x0B, 0x8A, 0x09, 0x00, 0xFF
    byte[] alphabet = {'a', 0x0B, (byte) 0x8A, 0x09, 0x00, (byte) 0xFF, '"', '\n'};
    for (int trial = 0; trial < 5000; trial++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = alphabet[random.nextInt(random.nextBoolean() ? alphabet.length - 1 : alphabet.length)];
      }
      int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      int expected = -1;
      for (int i = from; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertEquals(expected, FileLogRecovery.newline(bytes, from, bytes.length), "trial " + trial);
    }
  }

  /**
   * Verifies that opening indexes every event and finds the tip when lines are longer than what
   * the scan reads at a time, and when a line is not written as this log writes its lines (keys in
   * another order: parsed in full), with a torn last line cut off.
   */
  @Test
  void indexesLongLinesForeignLinesAndCutsATornOne() throws IOException {
    Path file = dir.resolve("events.jsonl");
    List<Event> events = new ArrayList<>();
    String prevHash = EventHash.GENESIS;
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      // events 1 and 4 are longer than the 4 MB the scan reads at a time
      String filler = i == 1 || i == 4 ? "x".repeat(5 << 20) : "y".repeat(i * 100);
      Event event = Event.chained(new EventId(1000 + i, i), new EventDraft("thing",
        new JsonObject().put("n", i).put("filler", filler)), prevHash);
      events.add(event);
      prevHash = event.hash();
      JsonObject json = event.toJson();
      String line = json.encode();
      if (i == 2) {
        // the same event, keys in another order: not this log's own line shape
        JsonObject reordered = new JsonObject().put("hash", json.getString("hash"));
        json.forEach(entry -> reordered.put(entry.getKey(), entry.getValue()));
        line = reordered.encode();
      }
      log.append(line).append('\n');
    }
    long intact = log.toString().getBytes(StandardCharsets.UTF_8).length;
    log.append("{\"id\":\"2000-0\",\"torn");
    Files.writeString(file, log.toString());

    FileLogRecovery.State state = FileLogRecovery.open(file);
    try {
      assertEquals(intact, state.size());
      assertEquals(intact, Files.size(file));
      assertEquals(events.get(5).eventId(), state.lastId());
      assertEquals(events.get(5).hash(), state.lastHash());
      OffsetIndex.Snapshot index = state.index().snapshot();
      assertEquals(6, index.size());
      long offset = 0;
      String[] lines = log.toString().split("\n");
      for (int i = 0; i < 6; i++) {
        assertEquals(events.get(i).eventId(), index.id(i));
        assertEquals(offset, index.offset(i));
        offset += lines[i].getBytes(StandardCharsets.UTF_8).length + 1;
      }
    } finally {
      FileLogRecovery.closeQuietly(state.writer());
      FileLogRecovery.closeQuietly(state.reader());
    }
  }
}
