package io.chameleon.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventLog} contract, run against every adapter by a subclass that says how to create
 * one over the test's storage: append, read and verify; ids and the chain across restarts;
 * concurrent appends; start deadlines; calls that fail leave nothing; fenced appends; anchored
 * reads. What is particular to a backend (torn lines, a full disk, Redis faults) is tested beside
 * its adapter.
 */
@ExtendWith(VertxExtension.class)
public abstract class EventLogContract {

  private static final Logger LOG = LoggerFactory.getLogger(EventLogContract.class);

  /**
   * A new, unopened adapter over this test's storage: every call gives one over the same events
   * (a second call is a restart, or another process on the same log).
   */
  protected abstract EventLog create(Vertx vertx);

  protected Future<EventLog> opened(Vertx vertx) {
    EventLog log = create(vertx);
    return log.open().map(v -> log);
  }

  /** Opens a log, appends {@code drafts} in one call, and closes it. */
  private Future<List<Event>> session(Vertx vertx, List<EventDraft> drafts) {
    return opened(vertx).compose(log -> log.append(drafts)
      .compose(events -> log.close().map(v -> events)));
  }

  public static List<EventDraft> drafts(String type, int from, int count) {
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      drafts.add(new EventDraft(type, new JsonObject().put("n", i).put("note", "hello")));
    }
    return drafts;
  }

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

  private static List<Integer> numbers(List<Event> events) {
    return events.stream().map(e -> e.payload().getInteger("n")).toList();
  }

  /** Every event of the log, read page by page from the oldest kept. */
  public static Future<List<Event>> readAll(EventLog log) {
    return readAll(log, "0-0", new ArrayList<>());
  }

  private static Future<List<Event>> readAll(EventLog log, String after, List<Event> found) {
    return log.read(after, 1000, null).compose(page -> {
      found.addAll(page.events());
      return page.more() ? readAll(log, page.scannedTo(), found) : Future.succeededFuture(found);
    });
  }

  /** Asserts that {@code events} strictly increase in id and form an intact chain from the genesis. */
  public static void assertChained(List<Event> events, int expectedCount) {
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

  private static int status(Throwable err) {
    return err instanceof Failure failure ? failure.status() : -1;
  }

  // ---- append, read, verify

  /** Verifies that appended events come back from read and verify, and the tip is the last one. */
  @Test
  void appendsReadsAndVerifies(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("x", 0, 3))
      .compose(events -> readAll(log).compose(read -> log.verify().map(report -> {
        ctx.verify(() -> {
          assertEquals(events, read);
          assertChained(read, 3);
          assertEquals(ChainReport.good(3), report);
          assertEquals(events.get(2).tip(), log.tip());
          assertEquals(events.get(2).id(), log.lastId());
          assertEquals(3, log.eventsEmitted());
          assertTrue(log.bytesWritten() > 0);
          assertTrue(log.available());
          assertNull(log.unavailableReason());
        });
        return log;
      }))))
      .compose(EventLog::close)
      .onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that an empty log reads as nothing, verifies as zero events and has the empty tip. */
  @Test
  void anEmptyLogReadsAndVerifies(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.read("0-0", 10, null).compose(page -> log.verify().map(report -> {
      ctx.verify(() -> {
        assertEquals(List.of(), page.events());
        assertFalse(page.more());
        assertEquals(ChainReport.good(0), report);
        assertEquals(Tip.EMPTY, log.tip());
      });
      return log;
    }))).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that ids keep increasing and the chain continues after a close and reopen. */
  @Test
  void idsAndChainContinueAcrossRestarts(Vertx vertx, VertxTestContext ctx) {
    session(vertx, drafts("a", 0, 3))
      .compose(first -> opened(vertx).compose(log -> log.append(drafts("b", 3, 3))
        .compose(second -> log.verify().compose(report -> readAll(log).map(all -> {
          ctx.verify(() -> {
            assertTrue(second.get(0).eventId().isAfter(first.get(2).eventId()));
            assertEquals(first.get(2).hash(), second.get(0).prevHash());
            assertEquals(ChainReport.good(6), report);
            assertEquals(second.get(2).id(), log.lastId());
            assertChained(all, 6);
          });
          return log;
        })))))
      .compose(EventLog::close)
      .onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a reopened log recovers its tip, and a fenced append on it is admitted. */
  @Test
  void reopenRecoversTheTip(Vertx vertx, VertxTestContext ctx) {
    session(vertx, drafts("a", 0, 2))
      .compose(first -> opened(vertx).compose(log -> {
        Tip tip = first.get(1).tip();
        ctx.verify(() -> assertEquals(tip, log.tip()));
        return log.append(drafts("b", 2, 1), tip, EventLog.NO_DEADLINE)
          .compose(fenced -> log.close().map(fenced));
      }))
      .onComplete(ctx.succeeding(fenced -> ctx.verify(() -> {
        assertEquals(1, fenced.size());
        ctx.completeNow();
      })));
  }

  /** Verifies that three close/reopen cycles while appending keep every event exactly once. */
  @Test
  void neverOverwrites(Vertx vertx, VertxTestContext ctx) {
    Future<Void> cycles = Future.succeededFuture();
    for (int cycle = 0; cycle < 3; cycle++) {
      int from = cycle * 10;
      cycles = cycles.compose(v -> opened(vertx).compose(log -> {
        List<Future<List<Event>>> appends = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          appends.add(log.append(drafts("cycle", from + i, 1)));
        }
        return Future.all(appends).compose(all -> log.close());
      }));
    }
    cycles.compose(v -> opened(vertx)).compose(log -> readAll(log).compose(all -> log.close().map(all)))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertChained(all, 30);
        assertEquals(30, new HashSet<>(numbers(all)).size());
        ctx.completeNow();
      })));
  }

  /** Verifies that appends before open fail with 503 and write nothing. */
  @Test
  void appendBeforeOpenIsUnavailable(Vertx vertx, VertxTestContext ctx) {
    EventLog log = create(vertx);
    log.append(drafts("x", 0, 1)).transform(refused -> {
      ctx.verify(() -> {
        assertEquals(503, status(refused.cause()));
        assertFalse(log.available());
        assertNotNull(log.unavailableReason());
      });
      return log.open().compose(v -> readAll(log)).compose(all -> log.close().map(all));
    }).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertEquals(List.of(), all);
      ctx.completeNow();
    })));
  }

  // ---- group commit

  /** Verifies that 1000 concurrent appends are all acknowledged, in call order, as one intact chain. */
  @Test
  void groupCommitsConcurrentAppends(Vertx vertx, VertxTestContext ctx) {
    int calls = 1000;
    opened(vertx).compose(log -> {
      long started = System.nanoTime();
      List<Future<List<Event>>> appends = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        appends.add(log.append(drafts("load", i, 1)));
      }
      return Future.all(appends).compose(all -> {
        long micros = (System.nanoTime() - started) / 1000;
        LOG.info("[backend: {}, appends: {}, micros: {}, per_second: {}] group commit", log.backend(),
          calls, micros, calls * 1_000_000L / Math.max(1, micros));
        ctx.verify(() -> {
          for (int i = 1; i < calls; i++) {
            Event previous = appends.get(i - 1).result().get(0);
            Event current = appends.get(i).result().get(0);
            assertTrue(current.eventId().isAfter(previous.eventId()));
            assertEquals(previous.hash(), current.prevHash());
            assertEquals(i, current.payload().getInteger("n"));
          }
          assertEquals(calls, log.eventsEmitted());
        });
        return log.verify().compose(report -> readAll(log).compose(read -> log.close().map(v -> {
          ctx.verify(() -> {
            assertEquals(ChainReport.good(calls), report);
            assertChained(read, calls);
            for (int i = 0; i < calls; i++) {
              assertEquals(appends.get(i).result().get(0), read.get(i));
            }
          });
          return null;
        })));
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that the drafts of one call get consecutive ids even when calls interleave. */
  @Test
  void oneCallsEventsStayTogether(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> {
      List<Future<List<Event>>> appends = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        appends.add(log.append(drafts("call" + i, 0, 3)));
      }
      return Future.all(appends).compose(v -> readAll(log)).compose(all -> log.close().map(all));
    }).onComplete(ctx.succeeding(events -> ctx.verify(() -> {
      assertEquals(150, events.size());
      for (int i = 0; i < 150; i += 3) {
        String type = events.get(i).eventType();
        assertEquals(type, events.get(i + 1).eventType());
        assertEquals(type, events.get(i + 2).eventType());
        assertEquals(List.of(0, 1, 2), numbers(events.subList(i, i + 3)));
      }
      ctx.completeNow();
    })));
  }

  // ---- calls that fail leave nothing

  /** Verifies that a call past its start deadline fails with 503 and writes nothing, beside one that lands. */
  @Test
  void aCallPastItsStartDeadlineWritesNothing(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> {
      Future<List<Event>> late = log.append(drafts("late", 0, 2), System.nanoTime() - 1);
      Future<List<Event>> onTime = log.append(drafts("on-time", 0, 1), System.nanoTime() + 60_000_000_000L);
      return Future.join(late, onTime).transform(done -> readAll(log).map(all -> {
        ctx.verify(() -> {
          assertTrue(late.failed());
          assertEquals(503, status(late.cause()));
          assertTrue(onTime.succeeded());
          assertEquals(List.of("on-time"), all.stream().map(Event::eventType).toList());
          assertChained(all, 1);
        });
        return log;
      }));
    }).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a call that cannot be encoded fails with 400 alone: its batch-mates land, it leaves nothing. */
  @Test
  void aCallThatCannotBeEncodedFailsAlone(Vertx vertx, VertxTestContext ctx) {
    EventDraft unencodable = new EventDraft("bad", new JsonObject().put("v", new BigDecimal("1e400")));
    opened(vertx).compose(log -> {
      Future<List<Event>> before = log.append(drafts("good", 0, 1));
      Future<List<Event>> bad = log.append(List.of(drafts("bad", 0, 1).get(0), unencodable));
      Future<List<Event>> after = log.append(drafts("good", 1, 1));
      return Future.join(before, bad, after).transform(done -> readAll(log)
        .compose(all -> log.verify().map(report -> {
          ctx.verify(() -> {
            assertEquals(400, status(bad.cause()));
            assertTrue(before.succeeded());
            assertTrue(after.succeeded());
            assertEquals(List.of(0, 1), numbers(all));
            assertChained(all, 2);
            assertEquals(ChainReport.good(2), report);
            assertEquals(2, log.eventsEmitted());
          });
          return log;
        })));
    }).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  // ---- fenced appends

  /** Verifies that a fenced append expecting the tip lands, and one expecting an older tip is a 409 that writes nothing. */
  @Test
  void aStaleFencedAppendIsRefused(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("a", 0, 1), Tip.EMPTY, EventLog.NO_DEADLINE)
      .compose(first -> log.append(drafts("b", 1, 1), first.get(0).tip(), EventLog.NO_DEADLINE))
      .compose(second -> log.append(drafts("c", 2, 1), Tip.EMPTY, EventLog.NO_DEADLINE)
        .transform(stale -> readAll(log).map(all -> {
          ctx.verify(() -> {
            assertEquals(409, status(stale.cause()));
            assertTrue(stale.cause().getMessage().contains("stale tip"), stale.cause().getMessage());
            assertEquals(List.of(0, 1), numbers(all));
            assertEquals(second.get(0).tip(), log.tip());
          });
          return log;
        }))))
      .compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that plain calls between fenced ones do not make the next fenced one stale. */
  @Test
  void plainCallsDoNotMoveTheFence(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("fenced", 0, 1), Tip.EMPTY, EventLog.NO_DEADLINE)
      .compose(fenced -> log.append(drafts("plain", 1, 2)).map(plain -> fenced))
      .compose(fenced -> log.append(drafts("fenced", 3, 1), fenced.get(0).tip(), EventLog.NO_DEADLINE))
      .compose(again -> readAll(log).map(all -> {
        ctx.verify(() -> {
          assertEquals(List.of(0, 1, 2, 3), numbers(all));
          assertChained(all, 4);
        });
        return log;
      }))).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that of two writers expecting the same tip at the same time exactly one lands. */
  @Test
  void twoWritersOnOneTipOneLands(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("start", 0, 1)).compose(start -> {
      Tip tip = start.get(0).tip();
      Future<List<Event>> one = log.append(drafts("one", 1, 1), tip, EventLog.NO_DEADLINE);
      Future<List<Event>> two = log.append(drafts("two", 1, 1), tip, EventLog.NO_DEADLINE);
      return Future.join(one, two).transform(done -> readAll(log).map(all -> {
        ctx.verify(() -> {
          assertTrue(one.succeeded() ^ two.succeeded(), "exactly one lands");
          Throwable refused = one.failed() ? one.cause() : two.cause();
          assertEquals(409, status(refused));
          assertChained(all, 2);
        });
        return log;
      }));
    })).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  // ---- reads

  /** Verifies paging with and without a type filter, and what scanned_to and more say. */
  @Test
  void pagesThroughTheLog(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(alternating()).compose(e -> {
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
            assertEquals(e.get(2).hash(), first.scannedToHash());
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
            assertEquals(e.get(9).hash(), lastA.scannedToHash());
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
          return log;
        });
    })).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that a read survives a restart: the same page comes back from a new adapter. */
  @Test
  void readsAfterRestart(Vertx vertx, VertxTestContext ctx) {
    session(vertx, alternating())
      .compose(events -> opened(vertx).compose(log -> log.read(events.get(4).id(), 2, Set.of("b"))
        .compose(page -> log.close().map(page))))
      .onComplete(ctx.succeeding(page -> ctx.verify(() -> {
        assertEquals(List.of(5, 7), numbers(page));
        assertTrue(page.more());
        ctx.completeNow();
      })));
  }

  /** Verifies that a sparse type filter stops after examining MAX_SCAN events and says more. */
  @Test
  void capsTheScanWork(Vertx vertx, VertxTestContext ctx) {
    int total = EventLog.MAX_SCAN + 5;
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      drafts.add(new EventDraft("common", new JsonObject().put("n", i)));
    }
    opened(vertx).compose(log -> log.append(drafts).compose(events -> log.read("0-0", 10, Set.of("rare"))
      .compose(page -> log.read(page.scannedTo(), 10, Set.of("rare")).map(next -> {
        ctx.verify(() -> {
          assertEquals(List.of(), page.events());
          assertEquals(events.get(EventLog.MAX_SCAN - 1).id(), page.scannedTo());
          assertTrue(page.more());
          assertEquals(events.get(total - 1).id(), next.scannedTo());
          assertFalse(next.more());
        });
        return log;
      })))).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Verifies that a page is bounded by bytes as well as by count: 40 events of about 10 KB read 50
   * at a time with a 64 KiB bound come in pages of at most 64 KiB (each but the last saying more),
   * every event once and in order; a single event larger than the bound still comes alone; and a
   * type filter's skipped events do not count against it.
   */
  @Test
  void boundsAPageByBytes(Vertx vertx, VertxTestContext ctx) {
    String pad = "x".repeat(10_000);
    List<EventDraft> drafts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      drafts.add(new EventDraft(i == 39 ? "last" : "big", new JsonObject().put("n", i).put("pad", pad)));
    }
    int bound = 65_536;
    opened(vertx).compose(log -> log.append(drafts).compose(events -> pageByBytes(log, "0-0", bound, new ArrayList<>())
      .compose(pages -> log.read("0-0", null, 50, Set.of(), 100).compose(tiny ->
        log.read("0-0", null, 50, Set.of("last"), bound).map(filtered -> {
          ctx.verify(() -> {
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
              EventPage page = pages.get(i);
              long bytes = page.events().stream().mapToLong(e -> e.toJson().encode().length()).sum();
              assertTrue(bytes <= bound, "page " + i + " holds " + bytes + " bytes");
              assertFalse(page.events().isEmpty());
              assertEquals(i < pages.size() - 1, page.more());
              seen.addAll(numbers(page));
            }
            assertTrue(pages.size() >= 7, "pages: " + pages.size());
            assertEquals(numbers(events), seen);
            assertEquals(List.of(0), numbers(tiny), "one event over the bound comes alone");
            assertTrue(tiny.more());
            assertEquals(events.get(0).id(), tiny.scannedTo());
            assertEquals(List.of(39), numbers(filtered));
          });
          return log;
        }))))).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<List<EventPage>> pageByBytes(EventLog log, String after, int bound, List<EventPage> pages) {
    return log.read(after, null, 50, Set.of(), bound).compose(page -> {
      pages.add(page);
      return page.more() && pages.size() < 100 ? pageByBytes(log, page.scannedTo(), bound, pages)
        : Future.succeededFuture(pages);
    });
  }

  /** Verifies that a malformed after id or a zero count is a 400. */
  @Test
  void refusesMalformedReads(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.read("abc", 10, null).transform(bad -> log.read("0-0", 0, null)
      .transform(zero -> {
        ctx.verify(() -> {
          assertEquals(400, status(bad.cause()));
          assertEquals(400, status(zero.cause()));
        });
        return log.close();
      }))).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that an anchored read continues after an event the log holds with that hash. */
  @Test
  void anchoredReadsFollowTheAnchor(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("x", 0, 4)).compose(events -> Future.all(
        log.read(events.get(1).id(), events.get(1).hash(), 10, null),
        log.read("0-0", EventHash.GENESIS, 10, null),
        log.read(events.get(3).id(), events.get(3).hash(), 10, null))
      .map(all -> {
        ctx.verify(() -> {
          EventPage afterSecond = all.resultAt(0);
          assertEquals(List.of(2, 3), numbers(afterSecond));
          EventPage fromStart = all.resultAt(1);
          assertEquals(List.of(0, 1, 2, 3), numbers(fromStart));
          EventPage atTip = all.resultAt(2);
          assertEquals(List.of(), atTip.events());
          assertEquals(events.get(3).id(), atTip.scannedTo());
          assertEquals(events.get(3).hash(), atTip.scannedToHash());
          assertFalse(atTip.more());
        });
        return log;
      }))).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }

  /** Verifies that an anchored read is a 409 for a wrong hash, an id the log does not hold, or 0-0 off the genesis. */
  @Test
  void anchoredReadsRefuseAForeignAnchor(Vertx vertx, VertxTestContext ctx) {
    opened(vertx).compose(log -> log.append(drafts("x", 0, 3)).compose(events -> {
      EventId second = events.get(1).eventId();
      String absent = new EventId(second.ms(), second.seq() + 1_000_000).toString();
      List<Future<EventPage>> reads = List.of(
        log.read(events.get(1).id(), events.get(0).hash(), 10, null),
        log.read("1-0", events.get(0).hash(), 10, null),
        log.read(absent, events.get(1).hash(), 10, null),
        log.read("0-0", events.get(0).hash(), 10, null));
      return Future.join(reads).transform(done -> {
        ctx.verify(() -> {
          for (Future<EventPage> read : reads) {
            assertTrue(read.failed(), "an anchor the log does not hold was accepted");
            assertEquals(409, status(read.cause()));
          }
        });
        return Future.succeededFuture(log);
      });
    })).compose(EventLog::close).onComplete(ctx.succeedingThenComplete());
  }
}
