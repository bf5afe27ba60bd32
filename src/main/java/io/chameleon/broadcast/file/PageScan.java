package io.chameleon.broadcast.file;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventPage;
import io.chameleon.bus.EventId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one page of a JSON Lines event log from a known offset: events after {@code after}, of the
 * wanted types, at most {@code count} of them, at most {@link EventLog#MAX_SCAN} examined, and at
 * most {@code maxBytes} of their lines (the first is taken whatever its size).
 * Blocking: run it on a worker.
 */
final class PageScan {

  private static final Logger LOG = LoggerFactory.getLogger(PageScan.class);

  private final FileChannel reader;
  private final long start;
  private final long end;
  private final EventId after;
  private final String anchorHash;
  private final int count;
  private final long maxBytes;
  private final Set<String> types;

  /**
   * With {@code anchorHash} not null, {@code start} is the line of the event {@code after}, which
   * must carry that hash (else a 409 {@link io.chameleon.bus.Failure}); otherwise it is the first
   * line after it.
   */
  PageScan(FileChannel reader, long start, long end, EventId after, String anchorHash, int count,
           long maxBytes, Set<String> types) {
    this.reader = reader;
    this.start = start;
    this.end = end;
    this.after = after;
    this.anchorHash = anchorHash;
    this.count = count;
    this.maxBytes = maxBytes;
    this.types = types;
  }

  EventPage run() throws IOException {
    LineReader lines = new LineReader(reader, start, end);
    List<Event> events = new ArrayList<>();
    EventId scannedTo = after;
    String scannedToHash = anchorHash;
    int examined = 0;
    long bytes = 0;
    if (anchorHash != null) {
      String line = lines.next();
      Event anchor = line != null && lines.terminated() ? FileLogRecovery.parseOrNull(line) : null;
      if (anchor == null || !anchor.eventId().equals(after) || !anchor.hash().equals(anchorHash)) {
        throw EventLog.notInLog(after.toString());
      }
    }
    for (String line = lines.next(); line != null; line = lines.next()) {
      Event event = lines.terminated() ? FileLogRecovery.parseOrNull(line) : null;
      if (event == null) {
        LOG.warn("[offset: {}] unreadable event line skipped", lines.lineStart());
        continue;
      }
      EventId id = event.eventId();
      if (!id.isAfter(scannedTo)) {
        continue;
      }
      boolean wanted = types.isEmpty() || types.contains(event.eventType());
      long lineBytes = lines.consumed() - lines.lineStart();
      if (wanted && !events.isEmpty() && bytes + lineBytes > maxBytes) {
        // this event starts the next page: it is not examined, so scannedTo stays before it
        return new EventPage(events, scannedTo.toString(), true, scannedToHash);
      }
      scannedTo = id;
      scannedToHash = event.hash();
      examined++;
      if (wanted) {
        events.add(event);
        bytes += lineBytes;
      }
      if (events.size() >= count || examined >= EventLog.MAX_SCAN) {
        break;
      }
    }
    return new EventPage(events, scannedTo.toString(), lines.consumed() < end, scannedToHash);
  }
}
