package io.chameleon.broadcast.file;

import io.chameleon.broadcast.ChainAudit;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks a JSON Lines event log from its first line and checks the hash chain: every line parses,
 * ids strictly increase, each {@code prev_hash} is the previous event's hash, each hash
 * recomputes, and the walk ends at the hash the log last wrote (so a removed last line is found
 * too). Names the first event that breaks it. Blocking: run it on a worker.
 */
final class ChainWalk {

  private static final Pattern LEGIBLE_ID = Pattern.compile("\"id\"\\s*:\\s*\"(\\d{1,19}-\\d{1,19})\"");

  private final FileChannel reader;
  private final long size;
  private final OffsetIndex.Snapshot index;
  private final String lastHash;
  private final ChainAudit audit;

  ChainWalk(FileChannel reader, long size, OffsetIndex.Snapshot index, String lastHash, ChainAudit audit) {
    this.reader = reader;
    this.size = size;
    this.index = index;
    this.lastHash = lastHash;
    this.audit = audit;
  }

  ChainReport run() throws IOException {
    LineReader lines = new LineReader(reader, 0, size);
    String expectedPrev = EventHash.GENESIS;
    EventId prevId = null;
    long checked = 0;
    for (String line = lines.next(); line != null; line = lines.next()) {
      checked++;
      Event event = lines.terminated() ? FileLogRecovery.parseOrNull(line) : null;
      if (event == null) {
        return ChainReport.bad(checked, nameUnreadable(lines.lineStart(), line, prevId));
      }
      EventId id = event.eventId();
      boolean broken = (prevId != null && !id.isAfter(prevId))
        || !event.prevHash().equals(expectedPrev)
        || !EventHash.of(event).equals(event.hash());
      if (broken) {
        return ChainReport.bad(checked, event.id());
      }
      expectedPrev = event.hash();
      prevId = id;
      audit.see(checked, true, event);
    }
    if (!expectedPrev.equals(lastHash)) {
      return ChainReport.bad(checked, nameUnreadable(-1, "", prevId));
    }
    return ChainReport.good(checked)
      .mismatch(audit.finish(checked, true, prevId == null ? EventId.ZERO.toString() : prevId.toString()));
  }

  /**
   * The id of an event whose line cannot be read: the one the index recorded at that offset, else
   * an id still legible in the line, else the first indexed id after the last good event.
   */
  private String nameUnreadable(long offset, String line, EventId prevId) {
    int position = offset >= 0 ? index.atOffset(offset) : -1;
    if (position >= 0) {
      return index.id(position).toString();
    }
    Matcher legible = LEGIBLE_ID.matcher(line);
    if (legible.find()) {
      return legible.group(1);
    }
    position = prevId == null ? 0 : index.firstAfter(prevId);
    if (position < index.size()) {
      return index.id(position).toString();
    }
    return prevId == null ? EventId.ZERO.next(0).toString() : prevId.next(prevId.ms()).toString();
  }
}
