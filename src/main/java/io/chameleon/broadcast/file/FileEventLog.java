package io.chameleon.broadcast.file;

import io.chameleon.broadcast.ChainAudit;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.CountedTip;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventPage;
import io.chameleon.broadcast.WriterFence;
import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded audit log: JSON Lines, one event per {@code \n}-terminated line, opened for
 * appending only. Appends are group-committed: while one write and fsync is in flight, later calls
 * queue and go out together in the next batch; a failed batch is cut back off the file and fails
 * every call in it, leaving the last id and hash where they were. All file I/O runs on ordered
 * workers; the state (last id, last hash, offset index, queue) is touched only on the context that
 * created the log.
 */
public final class FileEventLog implements EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(FileEventLog.class);

  private final Path path;
  private final Context context;
  private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();

  private FileChannel writer;
  private FileChannel reader;
  private OffsetIndex index = new OffsetIndex();
  private long size;
  private EventId lastId = EventId.ZERO;
  private String lastHash = EventHash.GENESIS;
  private WriterFence fence = new WriterFence(Tip.EMPTY);
  private boolean open;
  /** The file opened (null for a device); see {@link #checkStillOurs}. */
  private Object fileKey;
  private boolean healthy;
  private boolean damaged;
  private boolean writing;
  private Promise<Void> closing;
  private long eventsEmitted;
  private long bytesWritten;
  private long errors;

  /** One append call waiting for its batch; it must start by {@code startBy}. */
  private record PendingAppend(List<EventDraft> drafts, Tip expect, long startBy,
                               Promise<List<Event>> promise) {
  }

  /** Creates the log on the caller's context (or a new one); call {@link #open()} next. */
  public FileEventLog(Vertx vertx, Path path) {
    this.path = path;
    this.context = vertx.getOrCreateContext();
  }

  @Override
  public Future<Void> open() {
    return onContext(() -> context.executeBlocking(() -> FileLogRecovery.open(path), true)
      .map(state -> {
        writer = state.writer();
        reader = state.reader();
        index = state.index();
        size = state.size();
        lastId = state.lastId();
        lastHash = state.lastHash();
        fileKey = state.fileKey();
        // a file log has one writer process: whoever reads it to its end may append
        fence = new WriterFence(tip());
        open = true;
        healthy = true;
        LOG.info("[path: {}, events: {}, last_id: {}, bytes: {}, scanned_bytes: {}] event log opened",
          path, index.size(), lastId, size, size - state.scannedFrom());
        return null;
      }));
  }

  @Override
  public Future<List<Event>> append(List<EventDraft> drafts, Tip expect, long startBy) {
    List<EventDraft> copy = List.copyOf(drafts);
    return onContext(() -> {
      if (!open) {
        return Future.failedFuture(Failure.unavailable("event log unavailable: not open"));
      }
      if (damaged) {
        return Future.failedFuture(Failure.unavailable(
          "event log unavailable: a failed write could not be undone, or the file changed; restart the node"));
      }
      if (copy.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      Promise<List<Event>> promise = Promise.promise();
      queue.add(new PendingAppend(copy, expect, startBy, promise));
      if (!writing) {
        writeBatch();
      }
      return promise.future();
    });
  }

  /** Chains every queued call onto the current tip and writes them with one write and fsync. */
  private void writeBatch() {
    List<PendingAppend> batch = new ArrayList<>(queue);
    queue.clear();
    writing = true;
    long before = size;
    EventId id = lastId;
    String hash = lastHash;
    // the lines as they are encoded, joined once into the write's buffer (no growing stream, no
    // line + "\n" copy): each is the event's encode(), its UTF-8 bytes and a line feed
    List<byte[]> batchLines = new ArrayList<>();
    int batchBytes = 0;
    List<List<Event>> results = new ArrayList<>(batch.size());
    List<Long> offsets = new ArrayList<>();
    List<PendingAppend> accepted = new ArrayList<>(batch.size());
    WriterFence staged = fence.copy();
    for (PendingAppend pending : batch) {
      if (EventLog.late(pending.startBy())) {
        LOG.warn("[events: {}] append not started by its caller's deadline; nothing written",
          pending.drafts().size());
        pending.promise().fail(Failure.unavailable(
          "event log unavailable: the write could not start in time; nothing was written"));
        continue;
      }
      if (pending.expect() != null && !staged.admits(pending.expect())) {
        pending.promise().fail(EventLog.staleTip(pending.expect()));
        continue;
      }
      List<Event> events = new ArrayList<>(pending.drafts().size());
      List<byte[]> lines = new ArrayList<>(pending.drafts().size());
      EventId callId = id;
      String callHash = hash;
      try {
        for (EventDraft draft : pending.drafts()) {
          callId = callId.next(System.currentTimeMillis());
          Event event = Event.chained(callId, draft, callHash);
          callHash = event.hash();
          lines.add(event.toJson().encode().getBytes(StandardCharsets.UTF_8));
          events.add(event);
        }
      } catch (RuntimeException e) {
        LOG.warn("[error: {}] events cannot be encoded; call rejected",
          FileLogRecovery.describe(e));
        pending.promise().fail(Failure.badRequest("events cannot be encoded as canonical JSON"));
        continue;
      }
      for (byte[] line : lines) {
        offsets.add(before + batchBytes);
        batchLines.add(line);
        batchBytes += line.length + 1;
      }
      id = callId;
      hash = callHash;
      staged.appended(events, pending.expect() != null);
      accepted.add(pending);
      results.add(events);
    }
    if (accepted.isEmpty()) {
      batchDone();
      return;
    }
    byte[] data = new byte[batchBytes];
    int at = 0;
    for (byte[] line : batchLines) {
      System.arraycopy(line, 0, data, at, line.length);
      at += line.length;
      data[at++] = '\n';
    }
    context.executeBlocking(() -> writeDurably(data, before), true)
      .onComplete(written -> {
        if (written.succeeded()) {
          fence = staged;
          committed(accepted, results, offsets, data.length);
        } else {
          rejected(accepted, written.cause());
        }
        batchDone();
      });
  }

  /** Starts the next batch if calls queued meanwhile, or finishes a close that waited. */
  private void batchDone() {
    writing = false;
    if (!queue.isEmpty()) {
      writeBatch();
    } else if (closing != null) {
      closeChannels().onComplete(closing);
    }
  }

  /** Worker side: write and fsync, or cut the file back to {@code before} and rethrow. */
  private Void writeDurably(byte[] data, long before) throws IOException {
    checkStillOurs(before);
    try {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
      writer.force(false);
      return null;
    } catch (IOException e) {
      if (!Files.isRegularFile(path)) {
        throw e;
      }
      try {
        writer.truncate(before);
        writer.force(false);
      } catch (IOException undo) {
        throw new UndoFailed(e, undo);
      }
      throw e;
    }
  }

  private void committed(List<PendingAppend> batch, List<List<Event>> results, List<Long> offsets,
                         int length) {
    int i = 0;
    for (List<Event> events : results) {
      for (Event event : events) {
        EventId id = event.eventId();
        index.add(id, offsets.get(i++));
        lastId = id;
        lastHash = event.hash();
      }
    }
    size += length;
    eventsEmitted += offsets.size();
    bytesWritten += length;
    healthy = true;
    for (int b = 0; b < batch.size(); b++) {
      batch.get(b).promise().complete(results.get(b));
    }
  }

  private void rejected(List<PendingAppend> batch, Throwable cause) {
    errors++;
    healthy = false;
    if (cause instanceof UndoFailed || cause instanceof LogFileChanged) {
      damaged = true;
    }
    String reason = FileLogRecovery.describe(cause);
    LOG.error("[path: {}, calls: {}, error: {}] event log write failed; nothing kept",
      path, batch.size(), reason);
    // the cause is logged above; callers only learn that nothing was written
    Failure failure = Failure.unavailable("event log unavailable: the write failed and nothing was kept");
    batch.forEach(pending -> pending.promise().fail(failure));
  }

  @Override
  public Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types) {
    return read(afterId, afterHash, count, types, MAX_PAGE_BYTES);
  }

  @Override
  public Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types, int maxBytes) {
    EventId after;
    try {
      after = afterId == null ? EventId.ZERO : EventId.parse(afterId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Failure.badRequest("after: " + e.getMessage()));
    }
    if (count < 1) {
      return Future.failedFuture(Failure.badRequest("count must be at least 1"));
    }
    Set<String> wanted = types == null ? Set.of() : Set.copyOf(types);
    int bytes = Math.max(1, Math.min(maxBytes, MAX_PAGE_BYTES));
    return onContext(() -> {
      if (!open) {
        return Future.failedFuture(Failure.unavailable("event log unavailable: not open"));
      }
      OffsetIndex.Snapshot view = index.snapshot();
      long anchorOffset = -1;
      if (afterHash != null) {
        if (after.equals(EventId.ZERO) ? !afterHash.equals(EventHash.GENESIS)
          : (anchorOffset = view.offsetOf(after)) < 0) {
          return Future.failedFuture(EventLog.notInLog(after.toString()));
        }
      }
      int start = view.firstAfter(after);
      if (start >= view.size() && anchorOffset < 0) {
        return Future.succeededFuture(new EventPage(List.of(), after.toString(), false, afterHash));
      }
      long from = anchorOffset >= 0 ? anchorOffset : view.offset(start);
      PageScan scan = new PageScan(reader, from, size, after, anchorOffset >= 0 ? afterHash : null,
        count, bytes, wanted);
      // unordered: positional reads of a snapshot run beside the write queue, never behind it
      return context.executeBlocking(scan::run, false)
        .recover(err -> Future.failedFuture(unavailable(err)));
    });
  }

  @Override
  public Future<ChainReport> verify(ChainAudit audit) {
    return onContext(() -> {
      if (!open) {
        return Future.failedFuture(Failure.unavailable("event log unavailable: not open"));
      }
      ChainWalk walk = new ChainWalk(reader, size, index.snapshot(), lastHash, audit);
      // unordered: a walk over a long log must not hold up the appends queued behind it
      return context.executeBlocking(walk::run, false)
        .recover(err -> Future.failedFuture(unavailable(err)));
    });
  }

  @Override
  public Future<CountedTip> countedTip() {
    // on the log's context: no batch commits between reading the tip and the index
    return onContext(() -> open ? Future.succeededFuture(new CountedTip(tip(), index.size()))
      : Future.failedFuture(Failure.unavailable("event log unavailable: not open")));
  }

  @Override
  public Future<Void> close() {
    return onContext(() -> {
      if (!open) {
        return Future.succeededFuture();
      }
      open = false;
      healthy = false;
      if (!writing) {
        return closeChannels();
      }
      closing = Promise.promise();
      return closing.future();
    });
  }

  private Future<Void> closeChannels() {
    FileChannel w = writer;
    FileChannel r = reader;
    // the next open reads the offsets instead of scanning every line (a file that changed under
    // the node, or a device, gets none)
    boolean saveIndex = fileKey != null && !damaged;
    OffsetIndex.Snapshot view = index.snapshot();
    long covered = size;
    EventId last = lastId;
    String hash = lastHash;
    return context.executeBlocking(() -> {
      if (saveIndex) {
        IndexFile.save(path, view, covered, last, hash);
      }
      FileLogRecovery.closeQuietly(w);
      FileLogRecovery.closeQuietly(r);
      return null;
    }, true);
  }

  @Override
  public String backend() {
    return "file";
  }

  @Override
  public boolean available() {
    return open && healthy && !damaged;
  }

  @Override
  public String unavailableReason() {
    if (!open) {
      return "the event log " + path + " is not open";
    }
    if (damaged) {
      return "a failed write to " + path + " could not be undone, or the file changed; restart the node";
    }
    return healthy ? null : "the last write to " + path + " failed; nothing of it was kept";
  }

  @Override
  public Tip tip() {
    return new Tip(lastId.toString(), lastHash);
  }

  @Override
  public long eventsEmitted() {
    return eventsEmitted;
  }

  @Override
  public long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public long errors() {
    return errors;
  }

  public Path path() {
    return path;
  }

  private Failure unavailable(Throwable err) {
    if (err instanceof Failure failure) {
      return failure;
    }
    LOG.error("[path: {}, error: {}] event log read failed", path, FileLogRecovery.describe(err));
    return Failure.unavailable("event log unavailable: the read failed");
  }

  /** Runs {@code action} on this log's context, hopping there when called from elsewhere. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** A failed write whose bytes could not be cut back off the file. */
  /**
   * Worker side: the path must still name the file this log opened, at the size it wrote. A file
   * replaced, removed or truncated under the running node would take acknowledged events with it
   * (or lose new ones to an unlinked inode): refuse, and touch nothing.
   */
  private void checkStillOurs(long expectedSize) throws IOException {
    if (fileKey == null) {
      return;
    }
    Object now;
    try {
      now = FileLogRecovery.fileKey(path);
    } catch (IOException e) {
      throw new LogFileChanged("the file is gone (" + FileLogRecovery.describe(e) + ")");
    }
    if (!fileKey.equals(now)) {
      throw new LogFileChanged("the path names another file now (replaced)");
    }
    long size = writer.size();
    if (size != expectedSize) {
      throw new LogFileChanged("its size is " + size + " bytes, " + expectedSize
        + " were written (truncated, or written by another)");
    }
  }

  /** The file under the log changed behind its back: nothing is written until a restart reopens it. */
  private static final class LogFileChanged extends IOException {
    LogFileChanged(String what) {
      super("event log file changed under the running node: " + what + "; restart to reopen it");
    }
  }

  private static final class UndoFailed extends IOException {
    UndoFailed(IOException write, IOException undo) {
      super(FileLogRecovery.describe(write) + " (and undo failed: "
        + FileLogRecovery.describe(undo) + ")", write);
    }
  }
}
