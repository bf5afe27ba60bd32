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
 * the wanted types, at most {@code count} of them and at most {@link EventLog#MAX_SCAN} examined;
 * {@code scannedTo} is the last examined id and {@code more} says whether the stream holds events
 * after it. XRANGE with an exclusive start, {@link #PAGE} entries at a time (one more than
 * examined, to know about {@code more} without another round trip); types filtered here.
 * {@code scannedToHash} is the hash of the last examined event (the anchor's when none was).
 */
final class StreamPageScan {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPageScan.class);

  static final int PAGE = 1000;

  /** XRANGE on the stream: the arguments after the key. */
  private final Function<List<String>, Future<Response>> xrange;

  StreamPageScan(Function<List<String>, Future<Response>> xrange) {
    this.xrange = xrange;
  }

  /** With {@code anchorHash} not null, {@code after} must be in the stream with that hash (else 409). */
  Future<EventPage> run(EventId after, String anchorHash, int count, Set<String> types) {
    Future<Void> anchored = anchorHash == null ? Future.succeededFuture() : anchor(after, anchorHash);
    return anchored.compose(v -> scan(after, anchorHash, new ArrayList<>(), 0, count, types));
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

  private Future<EventPage> scan(EventId from, String fromHash, List<Event> found, int examined,
                                 int count, Set<String> types) {
    int want = Math.min(PAGE, EventLog.MAX_SCAN - examined);
    if (types.isEmpty()) {
      want = Math.min(want, count - found.size());
    }
    int examine = want;
    return xrange.apply(List.of("(" + from, "+", "COUNT", String.valueOf(examine + 1))).compose(reply -> {
      List<Response> entries = StreamEntries.entries(reply);
      EventId scannedTo = from;
      String scannedHash = fromHash;
      int n = examined;
      for (int i = 0; i < Math.min(examine, entries.size()); i++) {
        Response entry = entries.get(i);
        scannedTo = EventId.parse(StreamEntries.id(entry));
        Response hash = entry.get(1) == null ? null : entry.get(1).get("hash");
        scannedHash = hash == null ? null : hash.toString();
        n++;
        try {
          Event event = StreamEntries.event(entry);
          if (types.isEmpty() || types.contains(event.eventType())) {
            found.add(event);
          }
        } catch (IllegalArgumentException e) {
          LOG.warn("[error: {}] unreadable stream entry skipped", e.getMessage());
        }
        if (found.size() >= count || n >= EventLog.MAX_SCAN) {
          return Future.succeededFuture(new EventPage(found, scannedTo.toString(), i + 1 < entries.size(),
            scannedHash));
        }
      }
      if (entries.size() <= examine) {
        return Future.succeededFuture(new EventPage(found, scannedTo.toString(), false, scannedHash));
      }
      return scan(scannedTo, scannedHash, found, n, count, types);
    });
  }
}
