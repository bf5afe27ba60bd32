package io.chameleon.broadcast.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Test helpers that look at and tamper with a JSON Lines log file with plain Java. */
final class LogFiles {

  private LogFiles() {
  }

  static List<EventDraft> drafts(String type, int from, int count) {
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      drafts.add(new EventDraft(type, new JsonObject().put("n", i).put("note", "hello")));
    }
    return drafts;
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Event> events(Path file) {
    return lines(file).stream().map(line -> Event.fromJson(new JsonObject(line)))
      .collect(Collectors.toList());
  }

  /** Rewrites the file with the edited list of lines, each {@code \n}-terminated. */
  static void rewrite(Path file, UnaryOperator<List<String>> edit) {
    List<String> edited = edit.apply(new ArrayList<>(lines(file)));
    String text = edited.stream().map(line -> line + "\n").collect(Collectors.joining());
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that the file's events strictly increase in id and form an intact hash chain. */
  static void assertChained(Path file, int expectedCount) {
    List<Event> events = events(file);
    assertEquals(expectedCount, events.size());
    String prevHash = EventHash.GENESIS;
    EventId prevId = EventId.ZERO;
    for (Event event : events) {
      assertTrue(event.eventId().isAfter(prevId), "id order at " + event.id());
      assertEquals(prevHash, event.prevHash(), "prev_hash of " + event.id());
      assertEquals(EventHash.of(event), event.hash(), "hash of " + event.id());
      prevHash = event.hash();
      prevId = event.eventId();
    }
  }
}
