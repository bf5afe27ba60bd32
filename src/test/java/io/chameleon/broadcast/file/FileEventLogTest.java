package io.chameleon.broadcast.file;

import static io.chameleon.broadcast.file.LogFiles.assertChained;
import static io.chameleon.broadcast.file.LogFiles.drafts;
import static io.chameleon.broadcast.file.LogFiles.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON Lines event log beyond the contract: what is in the file, tampering, repair, faults. */
@ExtendWith(VertxExtension.class)
class FileEventLogTest {

  private static final Logger LOG = LoggerFactory.getLogger(FileEventLogTest.class);

  @TempDir
  Path dir;

  private Future<FileEventLog> opened(Vertx vertx, Path file) {
    FileEventLog log = new FileEventLog(vertx, file);
    return log.open().map(v -> log);
  }

  /** Opens a log over {@code file}, appends {@code drafts} in one call, and closes it. */
  private Future<List<Event>> session(Vertx vertx, Path file, List<EventDraft> drafts) {
    return opened(vertx, file).compose(log -> log.append(drafts)
      .compose(events -> log.close().map(v -> events)));
  }

  /** Verifies that when an append completes, its lines are already in the file. */
  @Test
  void flushesBeforeAcknowledging(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    int calls = 20;
    opened(vertx, file).onComplete(ctx.succeeding(log -> {
      var acked = ctx.checkpoint(calls);
      for (int i = 0; i < calls; i++) {
        log.append(drafts("flush", i, 2)).onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          String content = Files.readString(file, StandardCharsets.UTF_8);
          for (Event event : events) {
            assertTrue(content.contains(event.toJson().encode() + "\n"), event.id());
          }
          acked.flag();
        })));
      }
    }));
  }

  /** Verifies that an edited payload byte is found and named, on the open log and after reopen. */
  @Test
  void verifyNamesAnEditedEvent(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    opened(vertx, file).compose(log -> log.append(drafts("x", 0, 5)).compose(events -> {
      LogFiles.rewrite(file, lines -> {
        lines.set(2, lines.get(2).replace("hello", "hellp"));
        return lines;
      });
      return log.verify().compose(live -> log.close()
        .compose(v -> opened(vertx, file))
        .compose(reopened -> reopened.verify().onComplete(r -> reopened.close()))
        .map(afterRestart -> {
          ctx.verify(() -> {
            assertEquals(ChainReport.bad(3, events.get(2).id()), live);
            assertEquals(ChainReport.bad(3, events.get(2).id()), afterRestart);
          });
          return null;
        }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a line edited until it no longer parses is named by its event id. */
  @Test
  void verifyNamesAnUnparseableLine(Vertx vertx, VertxTestContext ctx) {
    tamperAndVerify(vertx, ctx, lines -> {
      lines.set(1, lines.get(1).replace("\"payload\":{", "\"payload\":{{"));
      return lines;
    }, 1);
  }

  /** Verifies that a removed line is found: the event after it no longer chains. */
  @Test
  void verifyFindsARemovedLine(Vertx vertx, VertxTestContext ctx) {
    tamperAndVerify(vertx, ctx, lines -> {
      lines.remove(2);
      return lines;
    }, 3);
  }

  /** Verifies that two swapped lines are found and the first out-of-place event is named. */
  @Test
  void verifyFindsSwappedLines(Vertx vertx, VertxTestContext ctx) {
    tamperAndVerify(vertx, ctx, lines -> {
      String second = lines.get(1);
      lines.set(1, lines.get(2));
      lines.set(2, second);
      return lines;
    }, 2);
  }

  /** Verifies that removing the newest line is found while the log is open, naming that event. */
  @Test
  void verifyFindsARemovedLastLine(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    opened(vertx, file).compose(log -> log.append(drafts("x", 0, 5)).compose(events -> {
      LogFiles.rewrite(file, lines -> {
        lines.remove(4);
        return lines;
      });
      return log.verify().map(report -> {
        ctx.verify(() -> assertEquals(ChainReport.bad(4, events.get(4).id()), report));
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  private void tamperAndVerify(Vertx vertx, VertxTestContext ctx,
                               java.util.function.UnaryOperator<List<String>> edit, int badIndex) {
    Path file = dir.resolve("events.jsonl");
    session(vertx, file, drafts("x", 0, 5)).compose(events -> {
      LogFiles.rewrite(file, edit);
      return opened(vertx, file).compose(log -> log.verify().onComplete(r -> log.close()))
        .map(report -> {
          ctx.verify(() -> {
            assertFalse(report.ok());
            assertEquals(events.get(badIndex).id(), report.firstBadId());
          });
          return null;
        });
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a torn last line is cut off on open, keeping every earlier event intact. */
  @Test
  void repairsATornLastLine(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("events.jsonl");
    session(vertx, file, drafts("x", 0, 4)).compose(events -> {
      byte[] intact;
      try {
        intact = Files.readAllBytes(file);
        String whole = events.get(3).toJson().encode();
        Files.write(file, whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8),
          java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      return opened(vertx, file).compose(log -> {
        ctx.verify(() -> {
          assertEquals(new String(intact, StandardCharsets.UTF_8), Files.readString(file));
          assertEquals(events.get(3).id(), log.lastId());
        });
        return log.append(drafts("after", 4, 1))
          .compose(more -> log.verify())
          .compose(report -> log.close().map(report));
      });
    }).onComplete(ctx.succeeding(report -> ctx.verify(() -> {
      assertEquals(ChainReport.good(5), report);
      assertChained(file, 5);
      ctx.completeNow();
    })));
  }

  /**
   * Verifies that a complete last line that does not parse is NOT cut off on open: only a line
   * without its newline is a torn write; a complete one was changed, and stays as evidence that
   * verify reports, while new events still chain on from the last good one.
   */
  @Test
  void keepsAGarbledCompleteLastLineForVerify(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("events.jsonl");
    session(vertx, file, drafts("x", 0, 2)).compose(events -> {
      try {
        Files.writeString(file, "{\"id\":\n", java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      return opened(vertx, file).compose(log -> {
        ctx.verify(() -> assertEquals(events.get(1).id(), log.lastId()));
        return log.verify().compose(r -> log.close().map(r));
      });
    }).onComplete(ctx.succeeding(report -> ctx.verify(() -> {
      assertFalse(report.ok(), "the changed line is reported");
      assertEquals(3, report.checked());
      assertEquals(3, lines(file).size(), "nothing was removed");
      ctx.completeNow();
    })));
  }

  /**
   * Verifies that a file replaced under the open log (copy + rename over it) is noticed: the next
   * append fails with 503 instead of going to the unlinked old file, later ones too, and the new
   * file is left as it was.
   */
  @Test
  void refusesToWriteWhenTheFileWasReplaced(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("events.jsonl");
    Path copy = dir.resolve("copy.jsonl");
    opened(vertx, file).compose(log -> log.append(drafts("a", 0, 2)).compose(first -> {
      try {
        Files.copy(file, copy);
        Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      byte[] replaced;
      try {
        replaced = Files.readAllBytes(file);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      return log.append(drafts("b", 2, 1)).transform(ar -> {
        ctx.verify(() -> {
          assertTrue(ar.failed(), "the append went nowhere but said it was written");
          assertEquals(503, ((Failure) ar.cause()).status());
          assertFalse(log.available());
          assertEquals(new String(replaced, StandardCharsets.UTF_8), Files.readString(file));
        });
        return log.append(drafts("c", 3, 1));
      }).transform(ar -> {
        ctx.verify(() -> assertTrue(ar.failed(), "still refused until reopened"));
        return log.close();
      });
    })).onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  /** Verifies that a file truncated under the open log is noticed, and not cut further. */
  @Test
  void refusesToWriteWhenTheFileWasTruncated(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = dir.resolve("events.jsonl");
    opened(vertx, file).compose(log -> log.append(drafts("a", 0, 3)).compose(first -> {
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(10);
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
      return log.append(drafts("b", 3, 1)).transform(ar -> {
        ctx.verify(() -> {
          assertTrue(ar.failed());
          assertEquals(10, Files.size(file), "left as it was found");
        });
        return log.close();
      });
    })).onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  /** Verifies that a full disk fails the append with 503, counts an error and changes nothing. */
  @Test
  void diskFullFailsWith503(Vertx vertx, VertxTestContext ctx) {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.exists(full), "/dev/full is not available on this machine");
    opened(vertx, full).compose(log -> log.append(drafts("x", 0, 3))
      .transform(result -> {
        ctx.verify(() -> {
          assertTrue(result.failed());
          Failure failure = (Failure) result.cause();
          assertEquals(503, failure.status());
          assertTrue(failure.getMessage().startsWith("event log unavailable: "));
          assertEquals(1, log.errors());
          assertEquals(0, log.eventsEmitted());
          assertEquals(0, log.bytesWritten());
          assertEquals("0-0", log.lastId());
          assertFalse(log.available());
        });
        return log.close();
      })).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a path below a regular file fails open with a message naming the path. */
  @Test
  void pathUnderARegularFileFailsOpen(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.txt"), "not a directory");
    Path file = plain.resolve("sub/events.jsonl");
    opened(vertx, file).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertTrue(err.getMessage().contains(file.toString()), err.getMessage());
      assertTrue(err.getMessage().contains(plain.toString()), err.getMessage());
      ctx.completeNow();
    })));
  }

  /**
   * Verifies that after 1000 concurrent appends the file holds exactly the acknowledged lines, as
   * one chain, and bytes_written is its size.
   */
  @Test
  void groupCommittedLinesAreTheFile(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("events.jsonl");
    int calls = 1000;
    opened(vertx, file).compose(log -> {
      List<Future<List<Event>>> appends = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        appends.add(log.append(drafts("load", i, 1)));
      }
      return Future.all(appends).compose(all -> {
        ctx.verify(() -> assertEquals(Files.size(file), log.bytesWritten()));
        return log.close();
      });
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertChained(file, calls);
      ctx.completeNow();
    })));
  }

}
