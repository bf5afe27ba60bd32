package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.ChainAudit;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.chameleon.bus.Tip;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Function;

/**
 * Walks the stream's hash chain from its oldest kept event to the tip read when the walk started,
 * with the checks of the file log's walk: every entry is an event, ids strictly increase, each
 * {@code prev_hash} is the previous event's hash, each hash recomputes (SHA-256 over canonical JSON:
 * on a worker, one page at a time), and the walk ends at the tip's hash, so a removed tail is
 * found. On a trimmed stream ({@code trimmed}), an oldest event that does not follow the genesis
 * anchors the walk and the report says so ({@code anchored_at}); without trimming it breaks the
 * chain.
 */
final class StreamChainWalk {

  private final Context context;
  private final Function<List<String>, Future<Response>> xrange;
  private final Tip tip;
  private final boolean trimmed;
  private final ChainAudit audit;

  StreamChainWalk(Context context, Function<List<String>, Future<Response>> xrange, Tip tip,
                  boolean trimmed, ChainAudit audit) {
    this.context = context;
    this.xrange = xrange;
    this.tip = tip;
    this.trimmed = trimmed;
    this.audit = audit;
  }

  Future<ChainReport> run() {
    return page("-", new Cursor());
  }

  private Future<ChainReport> page(String start, Cursor cursor) {
    // up to the tip: events appended during the walk are not part of it (no tip: the whole stream)
    String end = tip.isEmpty() ? "+" : tip.id();
    return xrange.apply(List.of(start, end, "COUNT", String.valueOf(StreamPageScan.PAGE)))
      .compose(reply -> {
        List<Response> entries = StreamEntries.entries(reply);
        // unordered: hashing a long stream must not hold up other blocking work of the context
        return context.executeBlocking(() -> cursor.check(entries), false).compose(stillGood -> {
          if (!stillGood) {
            return Future.succeededFuture(cursor.report(cursor.badId));
          }
          if (entries.size() < StreamPageScan.PAGE) {
            return Future.succeededFuture(cursor.finish());
          }
          return page("(" + cursor.prevId, cursor);
        });
      });
  }

  /** The walk so far; {@link #check} runs on a worker, one page at a time. */
  private final class Cursor {
    private String expectedPrev;
    private EventId prevId;
    private String firstId;
    private String anchoredAt;
    private String badId;
    private long checked;

    /** Checks one page; false at the first event that breaks the chain ({@link #badId}). */
    boolean check(List<Response> entries) {
      for (Response entry : entries) {
        checked++;
        Event event;
        try {
          event = StreamEntries.event(entry);
        } catch (IllegalArgumentException e) {
          badId = StreamEntries.id(entry);
          return false;
        }
        if (expectedPrev == null) {
          firstId = event.id();
          expectedPrev = EventHash.GENESIS;
          if (!EventHash.GENESIS.equals(event.prevHash()) && trimmed) {
            anchoredAt = event.id();
            expectedPrev = event.prevHash();
          }
        }
        EventId id = event.eventId();
        boolean broken = (prevId != null && !id.isAfter(prevId))
          || !event.prevHash().equals(expectedPrev)
          || !EventHash.of(event).equals(event.hash());
        if (broken) {
          badId = event.id();
          return false;
        }
        expectedPrev = event.hash();
        prevId = id;
        audit.see(checked, anchoredAt == null, event);
      }
      return true;
    }

    /** The walk reached the end of the stream: it must be at the tip. */
    ChainReport finish() {
      String lastHash = expectedPrev == null ? EventHash.GENESIS : expectedPrev;
      if (!lastHash.equals(tip.hash())) {
        // the tail up to the tip is gone (or, with no tip, the stream holds events nobody chained)
        return report(tip.isEmpty() ? firstId : tip.id());
      }
      return report(null).mismatch(audit.finish(checked, anchoredAt == null,
        prevId == null ? EventId.ZERO.toString() : prevId.toString()));
    }

    ChainReport report(String firstBadId) {
      ChainReport report = firstBadId == null ? ChainReport.good(checked) : ChainReport.bad(checked, firstBadId);
      return anchoredAt == null ? report : report.anchoredAt(anchoredAt);
    }
  }
}
