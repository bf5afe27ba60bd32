package io.chameleon.broadcast.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventPage;
import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Paging through the file log: after, count, types, scanned_to and more. */
@ExtendWith(VertxExtension.class)
class EventLogReadTest {

  @TempDir
  Path dir;

  /** Ten events, alternating types a (even n) and b (odd n). */
  private static List<EventDraft> alternating() {
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      drafts.add(new EventDraft(i % 2 == 0 ? "a" : "b", new JsonObject().put("n", i)));
    }
    return drafts;
  }

  private static List<Integer> numbers(EventPage page) {
    return page.events().stream().map(e -> e.payload().getInteger("n")).toList();
  }

  /** Verifies paging with and without a type filter, and what scanned_to and more say. */
  @Test
  void pagesThroughTheLog(Vertx vertx, VertxTestContext ctx) {
    FileEventLog log = new FileEventLog(vertx, dir.resolve("events.jsonl"));
    log.open().compose(v -> log.append(alternating())).compose(e -> {
      String id2 = e.get(2).id();
      String id3 = e.get(3).id();
      String id7 = e.get(7).id();
      String id9 = e.get(9).id();
      return Future.all(List.of(
          log.read(null, 3, null),
          log.read(id2, 100, Set.of()),
          log.read("0-0", 2, Set.of("b")),
          log.read(id7, 5, Set.of("a")),
          log.read(id9, 5, null),
          log.read("0-0", 5, Set.of("zzz")),
          log.read("99999999999999-0", 5, null)))
        .map(all -> {
          ctx.verify(() -> {
            EventPage first = all.resultAt(0);
            assertEquals(List.of(0, 1, 2), numbers(first));
            assertEquals(id2, first.scannedTo());
            assertTrue(first.more());

            EventPage rest = all.resultAt(1);
            assertEquals(List.of(3, 4, 5, 6, 7, 8, 9), numbers(rest));
            assertEquals(id9, rest.scannedTo());
            assertFalse(rest.more());

            EventPage onlyB = all.resultAt(2);
            assertEquals(List.of(1, 3), numbers(onlyB));
            assertEquals(id3, onlyB.scannedTo());
            assertTrue(onlyB.more());

            EventPage lastA = all.resultAt(3);
            assertEquals(List.of(8), numbers(lastA));
            assertEquals(id9, lastA.scannedTo());
            assertFalse(lastA.more());

            EventPage atEnd = all.resultAt(4);
            assertEquals(List.of(), numbers(atEnd));
            assertEquals(id9, atEnd.scannedTo());
            assertFalse(atEnd.more());

            EventPage noMatch = all.resultAt(5);
            assertEquals(List.of(), numbers(noMatch));
            assertEquals(id9, noMatch.scannedTo());
            assertFalse(noMatch.more());

            EventPage beyond = all.resultAt(6);
            assertEquals(List.of(), numbers(beyond));
            assertEquals("99999999999999-0", beyond.scannedTo());
            assertFalse(beyond.more());
          });
          return null;
        });
    }).compose(v -> log.close()).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a read survives a restart: the index is rebuilt and the same page comes back. */
  @Test
  void readsAfterRestart(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    FileEventLog first = new FileEventLog(vertx, file);
    first.open().compose(v -> first.append(alternating()))
      .compose(events -> first.close().map(events))
      .compose(events -> {
        FileEventLog second = new FileEventLog(vertx, file);
        return second.open().compose(v -> second.read(events.get(4).id(), 2, Set.of("b")))
          .compose(page -> second.close().map(page));
      })
      .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
        assertEquals(List.of(5, 7), numbers(page));
        assertTrue(page.more());
        ctx.completeNow();
      })));
  }

  /** Verifies that a sparse type filter stops after examining MAX_SCAN events and says more. */
  @Test
  void capsTheScanWork(Vertx vertx, VertxTestContext ctx) {
    FileEventLog log = new FileEventLog(vertx, dir.resolve("events.jsonl"));
    int total = EventLog.MAX_SCAN + 5;
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      drafts.add(new EventDraft("common", new JsonObject().put("n", i)));
    }
    log.open().compose(v -> log.append(drafts)).compose(events -> log.read("0-0", 10, Set.of("rare"))
      .compose(page -> log.read(page.scannedTo(), 10, Set.of("rare")).map(next -> {
        ctx.verify(() -> {
          assertEquals(List.of(), page.events());
          assertEquals(events.get(EventLog.MAX_SCAN - 1).id(), page.scannedTo());
          assertTrue(page.more());
          assertEquals(events.get(total - 1).id(), next.scannedTo());
          assertFalse(next.more());
        });
        return null;
      }))).compose(v -> log.close()).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a malformed after id or a zero count is a 400. */
  @Test
  void refusesMalformedReads(Vertx vertx, VertxTestContext ctx) {
    FileEventLog log = new FileEventLog(vertx, dir.resolve("events.jsonl"));
    log.open().compose(v -> log.read("abc", 10, null).transform(bad -> log.read("0-0", 0, null)
      .transform(zero -> {
        ctx.verify(() -> {
          assertEquals(400, ((Failure) bad.cause()).status());
          assertEquals(400, ((Failure) zero.cause()).status());
        });
        return log.close();
      }))).onComplete(ctx.succeedingThenComplete());
  }
}
