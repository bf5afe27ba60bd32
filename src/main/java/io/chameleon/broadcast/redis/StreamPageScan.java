package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventPage;
import io.chameleon.bus.EventId;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One page of a read on the stream, with the file log's semantics: events after {@code after} of
 * the wanted types, at most {@code count} of them, at most {@link EventLog#MAX_SCAN} examined and at
 * most {@code maxBytes} of their fields (the first whatever its size);
 * {@code scannedTo} is the last examined id and {@code more} says whether the stream holds events
 * after it. XRANGE with an exclusive start, {@link #PAGE} entries at a time (one more than
 * examined, to know about {@code more} without another round trip); types filtered here.
 * {@code scannedToHash} is the hash of the last examined event (the anchor's when none was).
 */
final class StreamPageScan {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPageScan.class);

  static final int PAGE = 1000;
  /** What an entry is taken to weigh before any was fetched, to size the first fetch (a full page of 1000 at 1 MiB). */
  static final long FIRST_GUESS_BYTES = 1024;

  /** XRANGE on the stream: the arguments after the key. */
  private final Function<List<String>, Future<Response>> xrange;

  StreamPageScan(Function<List<String>, Future<Response>> xrange) {
    this.xrange = xrange;
  }

  /** With {@code anchorHash} not null, {@code after} must be in the stream with that hash (else 409). */
  Future<EventPage> run(EventId after, String anchorHash, int count, Set<String> types) {
    return run(after, anchorHash, count, types, EventLog.MAX_PAGE_BYTES);
  }

  /** As {@link #run(EventId, String, int, Set)}, with at most {@code maxBytes} of events (the first whatever its size). */
  Future<EventPage> run(EventId after, String anchorHash, int count, Set<String> types, long maxBytes) {
    Future<Void> anchored = anchorHash == null ? Future.succeededFuture() : anchor(after, anchorHash);
    return anchored.compose(v -> scan(after, anchorHash, new Found(maxBytes), 0, count, types));
  }

  /** The events taken so far and their bytes; and the entries fetched, to size the next fetch. */
  private static final class Found {
    final List<Event> events = new ArrayList<>();
    final long maxBytes;
    long bytes;
    long fetched;
    long fetchedBytes;

    Found(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** Entries to fetch next so their bytes stay near what the page has room for (at least 1). */
    int fetchFor(int want) {
      long average = fetched == 0 ? FIRST_GUESS_BYTES : Math.max(1, fetchedBytes / fetched);
      long room = Math.max(0, maxBytes - bytes);
      return (int) Math.max(1, Math.min(want, room / average + 1));
    }
  }

  private Future<Void> anchor(EventId after, String hash) {
    if (after.equals(EventId.ZERO)) {
      return hash.equals(EventHash.GENESIS) ? Future.succeededFuture()
        : Future.failedFuture(EventLog.notInLog(after.toString()));
    }
    return xrange.apply(List.of(after.toString(), after.toString(), "COUNT", "1")).compose(reply -> {
      List<Response> entries = StreamEntries.entries(reply);
      Response fields = entries.isEmpty() ? null : entries.get(0).get(1);
      Response stored = fields == null ? null : fields.get("hash");
      return stored != null && hash.equals(stored.toString()) ? Future.succeededFuture()
        : Future.failedFuture(EventLog.notInLog(after.toString()));
    });
  }

  private Future<EventPage> scan(EventId from, String fromHash, Found found, int examined,
                                 int count, Set<String> types) {
    int want = Math.min(PAGE, EventLog.MAX_SCAN - examined);
    if (types.isEmpty()) {
      want = Math.min(want, count - found.events.size());
    }
    // fewer entries than wanted when they are big, so one reply stays near the byte bound
    int examine = found.fetchFor(want);
    return xrange.apply(List.of("(" + from, "+", "COUNT", String.valueOf(examine + 1))).compose(reply -> {
      List<Response> entries = StreamEntries.entries(reply);
      EventId scannedTo = from;
      String scannedHash = fromHash;
      int n = examined;
      for (int i = 0; i < Math.min(examine, entries.size()); i++) {
        Response entry = entries.get(i);
        long entryBytes = StreamEntries.bytes(entry);
        found.fetched++;
        found.fetchedBytes += entryBytes;
        Event event;
        try {
          event = StreamEntries.event(entry);
        } catch (IllegalArgumentException e) {
          LOG.warn("[error: {}] unreadable stream entry skipped", e.getMessage());
          event = null;
        }
        boolean wanted = event != null && (types.isEmpty() || types.contains(event.eventType()));
        if (wanted && !found.events.isEmpty() && found.bytes + entryBytes > found.maxBytes) {
          // this entry starts the next page: not examined, so scannedTo stays before it
          return Future.succeededFuture(new EventPage(found.events, scannedTo.toString(), true, scannedHash));
        }
        scannedTo = EventId.parse(StreamEntries.id(entry));
        Response hash = entry.get(1) == null ? null : entry.get(1).get("hash");
        scannedHash = hash == null ? null : hash.toString();
        n++;
        if (wanted) {
          found.events.add(event);
          found.bytes += entryBytes;
        }
        if (found.events.size() >= count || n >= EventLog.MAX_SCAN) {
          return Future.succeededFuture(new EventPage(found.events, scannedTo.toString(), i + 1 < entries.size(),
            scannedHash));
        }
      }
      if (entries.size() <= examine) {
        return Future.succeededFuture(new EventPage(found.events, scannedTo.toString(), false, scannedHash));
      }
      return scan(scannedTo, scannedHash, found, n, count, types);
    });
  }
}
