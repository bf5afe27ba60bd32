package io.chameleon.broadcast.file;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
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
   * {@code scannedFrom}: where the scan began (the end of a saved index that matched, else 0).
   */
  record State(FileChannel writer, FileChannel reader, OffsetIndex index, long size,
               EventId lastId, String lastHash, Object fileKey, long scannedFrom) {
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
        return new State(writer, reader, new OffsetIndex(), 0, EventId.ZERO, EventHash.GENESIS, null,
          0);
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

  /**
   * Scans the log from where its saved offset index ({@link IndexFile}) ends, or from the start
   * when there is none that matches; writes the index again when the scan was long.
   */
  private static State scan(Path path, FileChannel writer, FileChannel reader) throws IOException {
    long fileSize = writer.size();
    Scan scan = new Scan(path);
    IndexFile.Loaded saved = IndexFile.load(path, reader, fileSize);
    long from = 0;
    if (saved != null) {
      scan.resume(saved);
      from = saved.covered();
    }
    State state = scan(path, writer, reader, scan, fileSize, from);
    if (state.size() - from > IndexFile.REWRITE_AFTER_BYTES) {
      IndexFile.save(path, state.index().snapshot(), state.size(), state.lastId(), state.lastHash());
    }
    return state;
  }

  private static State scan(Path path, FileChannel writer, FileChannel reader, Scan scan,
                            long fileSize, long from) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(SCAN_BYTES);
    long bufferStart = from; // file offset of buffer[0]
    long readPosition = from;
    while (readPosition < fileSize) {
      if (!buffer.hasRemaining()) {
        // a line longer than the buffer: make room for it
        buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
      }
      // never past the size taken at the start, as the torn-line check is against it
      buffer.limit((int) Math.min(buffer.capacity(), buffer.position() + fileSize - readPosition));
      int read = reader.read(buffer, readPosition);
      buffer.limit(buffer.capacity());
      if (read <= 0) {
        break;
      }
      readPosition += read;
      byte[] bytes = buffer.array();
      int filled = buffer.position();
      int lineStart = 0;
      for (int i = newline(bytes, 0, filled); i >= 0; i = newline(bytes, lineStart, filled)) {
        scan.line(bytes, lineStart, i, bufferStart + lineStart);
        lineStart = i + 1;
      }
      // keep the start of a line the next read completes
      System.arraycopy(bytes, lineStart, bytes, 0, filled - lineStart);
      buffer.position(filled - lineStart);
      bufferStart += lineStart;
    }
    long size = fileSize;
    if (buffer.position() > 0) {
      // only a line without its newline is a write cut short (never acknowledged: the fsync comes
      // after the whole write); a complete line that is not an event was changed, and is kept as
      // evidence for /api/events/verify
      size = bufferStart;
      writer.truncate(size);
      writer.force(true);
      LOG.warn("[path: {}, removed_bytes: {}, kept_bytes: {}] torn last line removed",
        path, fileSize - size, size);
    }
    return new State(writer, reader, scan.index, size, scan.lastId, scan.lastHash(), fileKey(path),
      from);
  }

  private static final VarHandle LONGS =
    MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The first {@code \n} in {@code bytes[from, to)}, or -1: eight bytes at a time (a byte equal to
   * {@code \n} is a zero byte of the word XOR newlines; the lowest one found is exact), since a
   * byte-by-byte loop over a log of a gigabyte is most of what opening it costs.
   */
  static int newline(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long word = (long) LONGS.get(bytes, i) ^ NEWLINES;
      long zeros = (word - ONES) & ~word & HIGHS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Bytes read at a time by the open scan. */
  private static final int SCAN_BYTES = 4 << 20;

  /**
   * The open scan's state, fed one complete line at a time as bytes. A line as this log writes
   * it needs no JSON parse, nor even a String, to be indexed: its id opens it, its hash closes it
   * (verify still parses and rechecks every line); any other line goes through {@link OwnLine} and
   * then a full parse, as text.
   */
  private static final class Scan {
    private static final byte[] OPEN = OwnLine.OPEN.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = OwnLine.HASH.getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    OffsetIndex index = new OffsetIndex();
    EventId lastId = EventId.ZERO;
    private final byte[] lastHashBytes = new byte[64];
    /** The last hash when it came from a line read as text; null when in {@link #lastHashBytes}. */
    private String lastHashText = EventHash.GENESIS;
    private long ms;
    private long seq;

    Scan(Path path) {
      this.path = path;
    }

    /** Continues after a saved index: its entries, last id and hash are the scan's so far. */
    void resume(IndexFile.Loaded saved) {
      index = saved.index();
      lastId = saved.lastId();
      lastHashText = saved.lastHash();
    }

    String lastHash() {
      return lastHashText != null ? lastHashText
        : new String(lastHashBytes, StandardCharsets.US_ASCII);
    }

    /** The line {@code bytes[from, to)} (without its newline), starting at {@code offset}. */
    void line(byte[] bytes, int from, int to, long offset) {
      int hashAt = to - OwnLine.TAIL + HASH.length;
      if (ownId(bytes, from, to) && ownHash(bytes, hashAt, to)) {
        EventId id = new EventId(ms, seq);
        if (indexed(id, offset)) {
          System.arraycopy(bytes, hashAt, lastHashBytes, 0, 64);
          lastHashText = null;
        }
        return;
      }
      String line = new String(bytes, from, to - from, StandardCharsets.UTF_8);
      EventId id = OwnLine.id(line);
      String hash = id == null ? null : OwnLine.hash(line);
      if (id == null || hash == null) {
        Event event = parseOrNull(line);
        if (event == null) {
          LOG.warn("[path: {}, offset: {}] a complete line is not a valid event; kept, not indexed",
            path, offset);
          return;
        }
        id = event.eventId();
        hash = event.hash();
      }
      indexed(id, offset);
      lastHashText = hash;
    }

    /** Indexes an event's line unless its id is out of order; the hash is the last one either way. */
    private boolean indexed(EventId id, long offset) {
      if (id.isAfter(lastId)) {
        index.add(id, offset);
        lastId = id;
      } else {
        LOG.warn("[path: {}, id: {}, offset: {}] event id out of order; not indexed",
          path, id, offset);
      }
      return true;
    }

    /** Whether the line opens with {@code {"id":"<ms>-<seq>"} (into ms, seq), each 1 to 18 digits. */
    private boolean ownId(byte[] bytes, int from, int to) {
      int at = from + OPEN.length;
      if (at > to || !Arrays.equals(bytes, from, at, OPEN, 0, OPEN.length)) {
        return false;
      }
      long value = 0;
      int digits = 0;
      while (at < to && bytes[at] >= '0' && bytes[at] <= '9' && digits < 18) {
        value = value * 10 + (bytes[at++] - '0');
        digits++;
      }
      if (digits == 0 || at >= to || bytes[at++] != '-') {
        return false;
      }
      ms = value;
      value = 0;
      digits = 0;
      while (at < to && bytes[at] >= '0' && bytes[at] <= '9' && digits < 18) {
        value = value * 10 + (bytes[at++] - '0');
        digits++;
      }
      if (digits == 0 || at >= to || bytes[at] != '"') {
        return false;
      }
      seq = value;
      return true;
    }

    /** Whether the line closes with {@code ,"hash":"<64 lowercase hex>"}} (the hex at hashAt). */
    private static boolean ownHash(byte[] bytes, int hashAt, int to) {
      int tailAt = hashAt - HASH.length;
      if (tailAt < 0 || to - tailAt != OwnLine.TAIL
        || !Arrays.equals(bytes, tailAt, hashAt, HASH, 0, HASH.length)
        || bytes[to - 2] != '"' || bytes[to - 1] != '}') {
        return false;
      }
      for (int i = hashAt; i < to - 2; i++) {
        byte c = bytes[i];
        if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
          return false;
        }
      }
      return true;
    }
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
