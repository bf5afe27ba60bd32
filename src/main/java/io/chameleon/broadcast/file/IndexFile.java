package io.chameleon.broadcast.file;

import io.chameleon.bus.EventId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file log's offset index kept beside it ({@code <log>.idx}), so an open reads the index and
 * scans only the lines written after it instead of every line of the log: the first
 * {@code covered} bytes of the log, as ids and offsets, with the last id and hash. Written at a
 * clean close and after an open that had to scan much; never trusted blindly: {@link #load}
 * returns null (and the open scans the whole log) unless the file is whole (its CRC-32C), the log
 * is at least {@code covered} bytes, the line ending at {@code covered} is the last indexed event
 * with the recorded hash, and a sample of indexed offsets each start a line with their id. It is
 * not fsynced: a lost or torn one only costs the full scan.
 */
final class IndexFile {

  private static final Logger LOG = LoggerFactory.getLogger(IndexFile.class);

  private static final byte[] MAGIC = "CHIDX001".getBytes(StandardCharsets.US_ASCII);
  /** magic, covered, count, last ms, last seq, last hash; then 3 longs an event; then the CRC. */
  private static final int HEAD = MAGIC.length + 8 + 4 + 8 + 8 + 64;
  /** Indexed offsets checked against the log at a load, evenly spread. */
  private static final int SAMPLES = 64;
  /** An open that scanned more than this writes the index, so the next open need not. */
  static final long REWRITE_AFTER_BYTES = 16L << 20;

  /** What a load gives the open: the index of the first {@code covered} bytes and their tip. */
  record Loaded(OffsetIndex index, long covered, EventId lastId, String lastHash) {
  }

  private IndexFile() {
  }

  static Path of(Path log) {
    return log.resolveSibling(log.getFileName() + ".idx");
  }

  /**
   * Writes the index of the log's first {@code covered} bytes to a temporary file renamed into
   * place. Best effort: a failure is logged and leaves at worst no index (the next open scans).
   */
  static void save(Path log, OffsetIndex.Snapshot index, long covered, EventId lastId,
                   String lastHash) {
    Path file = of(log);
    Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      if (index.size() == 0 || lastHash.length() != 64) {
        Files.deleteIfExists(file);
        return;
      }
      ByteBuffer bytes = ByteBuffer.allocate(HEAD + 24 * index.size() + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
      bytes.put(MAGIC).putLong(covered).putInt(index.size()).putLong(lastId.ms())
        .putLong(lastId.seq()).put(lastHash.getBytes(StandardCharsets.US_ASCII));
      bytes.asLongBuffer().put(index.ms(), 0, index.size());
      bytes.position(bytes.position() + 8 * index.size());
      bytes.asLongBuffer().put(index.seq(), 0, index.size());
      bytes.position(bytes.position() + 8 * index.size());
      bytes.asLongBuffer().put(index.offsets(), 0, index.size());
      bytes.position(bytes.position() + 8 * index.size());
      CRC32C crc = new CRC32C();
      crc.update(bytes.array(), 0, bytes.position());
      bytes.putInt((int) crc.getValue());
      bytes.flip();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      LOG.debug("[file: {}, events: {}, covered: {}] offset index saved", file, index.size(),
        covered);
    } catch (IOException | RuntimeException e) {
      LOG.warn("[file: {}, error: {}] offset index not saved; the next open scans the whole log",
        file, FileLogRecovery.describe(e));
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a temporary file only
      }
    }
  }

  /**
   * The saved index when it matches the log read through {@code reader} ({@code fileSize} bytes
   * now), else null: missing, unreadable or not matching (reported, then ignored).
   */
  static Loaded load(Path log, FileChannel reader, long fileSize) {
    Path file = of(log);
    try {
      byte[] all;
      try {
        all = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        return null;
      }
      String wrong = check(all);
      if (wrong != null) {
        return ignored(file, wrong);
      }
      ByteBuffer bytes = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      bytes.position(MAGIC.length);
      long covered = bytes.getLong();
      int count = bytes.getInt();
      EventId lastId = new EventId(bytes.getLong(), bytes.getLong());
      byte[] hash = new byte[64];
      bytes.get(hash);
      long[] ms = new long[count];
      long[] seq = new long[count];
      long[] offsets = new long[count];
      bytes.asLongBuffer().get(ms);
      bytes.position(bytes.position() + 8 * count);
      bytes.asLongBuffer().get(seq);
      bytes.position(bytes.position() + 8 * count);
      bytes.asLongBuffer().get(offsets);
      String lastHash = new String(hash, StandardCharsets.US_ASCII);
      if (covered > fileSize) {
        return ignored(file, "it covers " + covered + " bytes, the log has " + fileSize);
      }
      if (!new EventId(ms[count - 1], seq[count - 1]).equals(lastId)) {
        return ignored(file, "its last entry is not its last id");
      }
      String mismatch = matches(reader, ms, seq, offsets, covered, lastHash);
      if (mismatch != null) {
        return ignored(file, mismatch);
      }
      return new Loaded(OffsetIndex.of(ms, seq, offsets), covered, lastId, lastHash);
    } catch (IOException | RuntimeException e) {
      return ignored(file, FileLogRecovery.describe(e));
    }
  }

  /** Null when the bytes are a whole index file, else what is wrong. */
  private static String check(byte[] all) {
    if (all.length < HEAD + 4 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return "not an offset index of this format";
    }
    ByteBuffer bytes = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int count = bytes.getInt(MAGIC.length + 8);
    if (count < 1 || (long) HEAD + 24L * count + 4 != all.length) {
      return "its size does not match its count";
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 4);
    if ((int) crc.getValue() != bytes.getInt(all.length - 4)) {
      return "its checksum does not match";
    }
    for (int i = 0; i < 64; i++) {
      byte c = all[HEAD - 64 + i];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return "its last hash is not 64 hex digits";
      }
    }
    return null;
  }

  /**
   * Null when the log agrees with the index: the line ending at {@code covered} is the last event
   * indexed, as the log writes it, with {@code lastHash}; every sampled offset starts a line that
   * opens with its id.
   */
  private static String matches(FileChannel reader, long[] ms, long[] seq, long[] offsets,
                                long covered, String lastHash) throws IOException {
    int count = offsets.length;
    long lastStart = offsets[count - 1];
    if (covered - lastStart < 2 || covered - lastStart > 64 << 20) {
      return "its last offset is not a line before " + covered;
    }
    byte[] line = read(reader, lastStart, (int) (covered - lastStart));
    if (line[line.length - 1] != '\n') {
      return "the log has no line end at " + covered;
    }
    String text = new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
    EventId id = FileLogRecovery.OwnLine.id(text);
    String hash = FileLogRecovery.OwnLine.hash(text);
    if (id == null || !id.equals(new EventId(ms[count - 1], seq[count - 1]))
      || !lastHash.equals(hash)) {
      return "the log's line before " + covered + " is not its last event";
    }
    for (int s = 0; s < SAMPLES && s < count; s++) {
      int i = (int) ((long) s * (count - 1) / Math.max(1, Math.min(SAMPLES, count) - 1));
      String open = "{\"id\":\"" + ms[i] + "-" + seq[i] + "\"";
      long at = offsets[i];
      byte[] start = read(reader, at == 0 ? 0 : at - 1, open.length() + (at == 0 ? 0 : 1));
      String found = new String(start, StandardCharsets.UTF_8);
      if (!(at == 0 ? found : found.substring(1)).equals(open) || at > 0 && start[0] != '\n') {
        return "the log has no line of event " + ms[i] + "-" + seq[i] + " at offset " + at;
      }
    }
    return null;
  }

  private static byte[] read(FileChannel reader, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (reader.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("the log ends before " + (position + length));
      }
    }
    return buffer.array();
  }

  private static Loaded ignored(Path file, String why) {
    LOG.warn("[file: {}, reason: {}] offset index ignored; scanning the whole log", file, why);
    return null;
  }
}
