package io.chameleon.broadcast.file;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a JSON Lines event log and recovers its state: checks the path, creates missing parent
 * directories, opens the file for appending (never from offset 0), rebuilds the offset index and
 * the last id and hash, and cuts off a torn last line left by a crash. Blocking: run it on a
 * worker.
 */
final class FileLogRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(FileLogRecovery.class);

  /**
   * What the log knows after opening. {@code fileKey} identifies the file opened (its inode), null
   * for a device: the writer checks before each write that the path still names that file.
   */
  record State(FileChannel writer, FileChannel reader, OffsetIndex index, long size,
               EventId lastId, String lastHash, Object fileKey) {
  }

  /** The identity of the file at {@code path} now (null when the system has none to give). */
  static Object fileKey(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  private FileLogRecovery() {
  }

  static State open(Path path) throws IOException {
    checkPath(path);
    FileChannel writer = null;
    FileChannel reader = null;
    try {
      writer = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
      reader = FileChannel.open(path, StandardOpenOption.READ);
      if (!Files.isRegularFile(path)) {
        // a device such as /dev/full: nothing to recover, and its size means nothing
        return new State(writer, reader, new OffsetIndex(), 0, EventId.ZERO, EventHash.GENESIS, null);
      }
      return scan(path, writer, reader);
    } catch (IOException | RuntimeException e) {
      closeQuietly(writer);
      closeQuietly(reader);
      throw new IOException("cannot open event log " + path + ": " + describe(e), e);
    }
  }

  private static void checkPath(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      throw new IOException("cannot open event log " + path + ": it is a directory");
    }
    Path parent = path.toAbsolutePath().getParent();
    for (Path p = parent; p != null; p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new IOException("cannot open event log " + path + ": " + p + " is not a directory");
      }
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IOException("cannot open event log " + path + ": cannot create " + parent
        + ": " + describe(e), e);
    }
  }

  private static State scan(Path path, FileChannel writer, FileChannel reader) throws IOException {
    long fileSize = writer.size();
    OffsetIndex index = new OffsetIndex();
    EventId lastId = EventId.ZERO;
    String lastHash = EventHash.GENESIS;
    long lastLineStart = 0;
    boolean lastLineTorn = false;
    LineReader lines = new LineReader(reader, 0, fileSize);
    for (String line = lines.next(); line != null; line = lines.next()) {
      lastLineStart = lines.lineStart();
      // only a line without its newline is a write cut short (never acknowledged: the fsync comes
      // after the whole write); a complete line that is not an event was changed, and is kept as
      // evidence for /api/events/verify
      lastLineTorn = !lines.terminated();
      if (lastLineTorn) {
        continue;
      }
      // a line as this log writes it needs no JSON parse to be indexed: its id opens it, its hash
      // closes it (verify still parses and rechecks every line)
      EventId id = OwnLine.id(line);
      String hash = id == null ? null : OwnLine.hash(line);
      if (id == null || hash == null) {
        Event event = parseOrNull(line);
        if (event == null) {
          LOG.warn("[path: {}, offset: {}] a complete line is not a valid event; kept, not indexed",
            path, lines.lineStart());
          continue;
        }
        id = event.eventId();
        hash = event.hash();
      }
      if (id.isAfter(lastId)) {
        index.add(id, lines.lineStart());
        lastId = id;
      } else {
        LOG.warn("[path: {}, id: {}, offset: {}] event id out of order; not indexed",
          path, id, lines.lineStart());
      }
      lastHash = hash;
    }
    long size = fileSize;
    if (lastLineTorn) {
      size = lastLineStart;
      writer.truncate(size);
      writer.force(true);
      LOG.warn("[path: {}, removed_bytes: {}, kept_bytes: {}] torn last line removed",
        path, fileSize - size, size);
    }
    return new State(writer, reader, index, size, lastId, lastHash, fileKey(path));
  }

  /**
   * A line as {@link Event#toJson()} writes it: {@code {"id":"<ms>-<seq>",…,"hash":"<64 hex>"}}.
   * Reading its id and hash off its ends is what makes opening a log of a million events fast.
   */
  static final class OwnLine {
    private static final String OPEN = "{\"id\":\"";
    private static final String HASH = ",\"hash\":\"";
    private static final int TAIL = HASH.length() + 64 + 2;

    private OwnLine() {
    }

    /** The id opening the line, or null when it does not open as this log writes lines. */
    static EventId id(String line) {
      if (!line.startsWith(OPEN)) {
        return null;
      }
      int end = line.indexOf('"', OPEN.length());
      if (end < 0 || end - OPEN.length() > 39) {
        return null;
      }
      try {
        return EventId.parse(line.substring(OPEN.length(), end));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    /** The hash closing the line, or null when it does not close as this log writes lines. */
    static String hash(String line) {
      int at = line.length() - TAIL;
      if (at < 0 || !line.startsWith(HASH, at) || !line.endsWith("\"}")) {
        return null;
      }
      for (int i = at + HASH.length(); i < line.length() - 2; i++) {
        char c = line.charAt(i);
        if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
          return null;
        }
      }
      return line.substring(at + HASH.length(), line.length() - 2);
    }
  }

  static Event parseOrNull(String line) {
    try {
      return Event.fromJson(new JsonObject(line));
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("[error: {}] closing event log channel", describe(e));
    }
  }
}
