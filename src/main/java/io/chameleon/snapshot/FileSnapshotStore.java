package io.chameleon.snapshot;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.chameleon.bus.EventId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as files in one directory ({@code <data.dir>/snapshots/}, owner-only where the file
 * system has permissions), one per snapshot: {@code <part>-<ms>-<seq>.snap}, a header line (the
 * header's JSON, padded with spaces to {@link #HEADER_BYTES} so it can be written once the body's
 * size and checksum are known) and then the body. A save writes a hidden temporary file, fsyncs
 * it, renames it into place and fsyncs the directory, so a file with a {@code .snap} name is
 * always complete. Every file operation runs on a worker thread.
 */
public final class FileSnapshotStore implements SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStore.class);

  static final int HEADER_BYTES = 1024;
  /** Read at a time: small enough to be an ordinary young object (not a humongous one in G1). */
  private static final int READ_BYTES = 256 << 10;
  private static final String SUFFIX = ".snap";
  /** A temporary file untouched this long belongs to a save that died with its process. */
  private static final Duration ABANDONED = Duration.ofHours(1);

  private final Vertx vertx;
  private final Path dir;

  public FileSnapshotStore(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  @Override
  public Future<SnapshotHeader> save(SnapshotHeader header, Iterator<byte[]> chunks) {
    return vertx.executeBlocking(() -> write(header, chunks));
  }

  @Override
  public Future<List<SnapshotHeader>> newestFirst(String part) {
    return vertx.executeBlocking(() -> list(part));
  }

  @Override
  public Future<Void> read(SnapshotHeader header, Consumer<byte[]> chunk) {
    return vertx.executeBlocking(() -> {
      readBody(header, chunk);
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  // ---- writing

  private SnapshotHeader write(SnapshotHeader header, Iterator<byte[]> chunks) throws IOException {
    String name = fileName(header.part(), header.covers().eventId());
    createDir();
    Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
    SnapshotHeader stored;
    try (FileChannel file = FileChannel.open(temp, EnumSet.of(StandardOpenOption.CREATE_NEW,
      StandardOpenOption.WRITE), ownerOnly("rw-------"))) {
      writeFully(file, headerLine(new byte[0]), 0);
      BodyChecksum body = new BodyChecksum();
      while (chunks.hasNext()) {
        byte[] chunk = chunks.next();
        writeFully(file, chunk, HEADER_BYTES + body.bytes);
        body.add(chunk);
      }
      stored = header.withBody(body.bytes, body.hex());
      writeFully(file, headerLine(stored.toJson().encode().getBytes(UTF_8)), 0);
      file.force(true);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
      StandardCopyOption.REPLACE_EXISTING);
    syncDir();
    LOG.info("[file: {}, bytes: {}] snapshot saved", dir.resolve(name), stored.bytes());
    prune(header.part());
    return stored;
  }

  /** The header's JSON padded with spaces to a line of {@link #HEADER_BYTES}. */
  private static byte[] headerLine(byte[] json) {
    if (json.length > HEADER_BYTES - 1) {
      throw new IllegalArgumentException("snapshot header longer than " + HEADER_BYTES + " bytes");
    }
    byte[] line = new byte[HEADER_BYTES];
    Arrays.fill(line, (byte) ' ');
    System.arraycopy(json, 0, line, 0, json.length);
    line[HEADER_BYTES - 1] = '\n';
    return line;
  }

  private static void writeFully(FileChannel file, byte[] bytes, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      position += file.write(buffer, position);
    }
  }

  private void createDir() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, ownerOnly("rwx------"));
    }
  }

  private FileAttribute<?>[] ownerOnly(String permissions) {
    return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
      PosixFilePermissions.fromString(permissions))} : new FileAttribute<?>[0];
  }

  private boolean posix() {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Makes the rename durable; a platform that cannot open a directory skips it. */
  private void syncDir() {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      LOG.debug("[dir: {}, error: {}] cannot fsync the directory", dir, e.getMessage());
    }
  }

  /**
   * Deletes the files of {@code part} older than its {@link #KEPT} newest complete snapshots (an
   * unreadable file newer than those is left for someone to look at), and temporary files
   * abandoned by a save that died with its process.
   */
  private void prune(String part) throws IOException {
    List<SnapshotHeader> complete = list(part);
    if (complete.size() >= KEPT) {
      EventId oldestKept = complete.get(KEPT - 1).covers().eventId();
      for (Map.Entry<EventId, Path> file : snapshotFiles(part).entrySet()) {
        if (oldestKept.isAfter(file.getKey())) {
          Files.deleteIfExists(file.getValue());
          LOG.info("[file: {}] older snapshot deleted", file.getValue());
        }
      }
    }
    Instant abandoned = Instant.now().minus(ABANDONED);
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + part + "-*.tmp")) {
      for (Path temp : temps) {
        FileTime modified = Files.getLastModifiedTime(temp);
        if (modified.toInstant().isBefore(abandoned)) {
          Files.deleteIfExists(temp);
          LOG.info("[file: {}] abandoned temporary snapshot deleted", temp);
        }
      }
    }
  }

  // ---- listing and reading

  private List<SnapshotHeader> list(String part) throws IOException {
    List<SnapshotHeader> headers = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return headers;
    }
    for (Map.Entry<EventId, Path> entry : snapshotFiles(part).entrySet()) {
      Path file = entry.getValue();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        SnapshotHeader header = header(channel);
        if (!header.part().equals(part) || !header.covers().eventId().equals(entry.getKey())) {
          throw new IllegalArgumentException("its header names " + header.part() + " at "
            + header.covers().id());
        }
        if (channel.size() != HEADER_BYTES + header.bytes()) {
          throw new IllegalArgumentException("the file is " + channel.size() + " bytes, its header "
            + "says " + (HEADER_BYTES + header.bytes()));
        }
        headers.add(header);
      } catch (IOException | IllegalArgumentException | DecodeException | ClassCastException e) {
        LOG.warn("[file: {}, error: {}] snapshot skipped: unreadable", file, e.getMessage());
      }
    }
    return headers;
  }

  /** The snapshot files of {@code part}, by the event id in their names, newest first. */
  private Map<EventId, Path> snapshotFiles(String part) throws IOException {
    String prefix = checkedPart(part) + "-";
    Map<EventId, Path> files = new TreeMap<>(Comparator.reverseOrder());
    try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, prefix + "*" + SUFFIX)) {
      for (Path file : all) {
        String name = file.getFileName().toString();
        try {
          files.put(EventId.parse(name.substring(prefix.length(), name.length() - SUFFIX.length())),
            file);
        } catch (IllegalArgumentException e) {
          LOG.debug("[file: {}] not a snapshot name, ignored", file);
        }
      }
    }
    return files;
  }

  private static SnapshotHeader header(FileChannel channel) throws IOException {
    ByteBuffer line = ByteBuffer.allocate(HEADER_BYTES);
    while (line.hasRemaining() && channel.read(line, line.position()) > 0) {
      // reads the whole header line
    }
    if (line.hasRemaining() || line.get(HEADER_BYTES - 1) != '\n') {
      throw new IllegalArgumentException("no header line of " + HEADER_BYTES + " bytes");
    }
    return SnapshotHeader.fromJson(new JsonObject(new String(line.array(), UTF_8).trim()));
  }

  private void readBody(SnapshotHeader header, Consumer<byte[]> chunk) throws IOException {
    Path file = dir.resolve(fileName(header.part(), header.covers().eventId()));
    BodyChecksum body = new BodyChecksum();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
      int read;
      while ((read = channel.read(buffer.clear(), HEADER_BYTES + body.bytes)) > 0) {
        byte[] bytes = Arrays.copyOf(buffer.array(), read);
        body.add(bytes);
        if (body.bytes > header.bytes()) {
          break;
        }
        chunk.accept(bytes);
      }
    }
    body.verify(header, file.toString());
  }

  static String fileName(String part, EventId covers) {
    return checkedPart(part) + "-" + covers + SUFFIX;
  }

  /** A part names files and keys: a short lowercase word, no dash. */
  static String checkedPart(String part) {
    if (!part.matches("[a-z][a-z0-9_]{0,31}")) {
      throw new IllegalArgumentException("snapshot part must be a lowercase word, got " + part);
    }
    return part;
  }
}
