package io.chameleon.snapshot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot contract on files in {@code <data.dir>/snapshots/}, and what only files have. */
class FileSnapshotStoreTest extends SnapshotStoreContract {

  private static final Pattern NAME = Pattern.compile("\\.?([a-z]+)-(\\d+-\\d+)\\.snap.*");

  @TempDir
  Path dataDir;

  private Path dir;

  @Override
  SnapshotStore newStore(Vertx vertx) {
    dir = dataDir.resolve("snapshots");
    return new FileSnapshotStore(vertx, dir);
  }

  private Path file(SnapshotHeader header) {
    return dir.resolve(header.part() + "-" + header.covers().id() + ".snap");
  }

  @Override
  void corruptBody(SnapshotHeader header) {
    try (RandomAccessFile file = new RandomAccessFile(file(header).toFile(), "rw")) {
      long at = FileSnapshotStore.HEADER_BYTES + header.bytes() / 2;
      file.seek(at);
      int b = file.read();
      file.seek(at);
      file.write(b ^ 0x01);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  void plantGarbage(String part) {
    write(part + "-5-0.snap", "not a header\nbody\n");
    write(part + "-6-0.snap", "");
    write(part + "-7-0.snap", header(7, 0).withBody(3, "00".repeat(32)).toJson()
      .put("part", "guardians").encode() + "\nabc");
    write(part + "-junk.snap", "{}\n");
    write("notes.txt", "hello\n");
    write("." + part + "-8-0.snap.0123.tmp", "half a snapshot");
  }

  private void write(String name, String content) {
    try {
      Files.writeString(dir.resolve(name), content, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  Set<String> storedIds(String part) {
    Set<String> ids = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(file -> {
        Matcher name = NAME.matcher(file.getFileName().toString());
        if (name.matches() && name.group(1).equals(part)) {
          ids.add(name.group(2));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Verifies that the directory is created owner-only, and each snapshot file too. */
  @Test
  void ownerOnly() throws IOException {
    assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    SnapshotHeader saved = await(store.save(header(1, 0), List.of(bytes(1, 10)).iterator()));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------",
      PosixFilePermissions.toString(Files.getPosixFilePermissions(file(saved))));
  }

  /** Verifies that a file cut short is not listed, and that a missing directory lists nothing. */
  @Test
  void truncatedFileIsSkipped() throws IOException {
    assertEquals(List.of(), await(store.newestFirst(PART)));
    SnapshotHeader older = await(store.save(header(1, 0), List.of(bytes(1, 100)).iterator()));
    SnapshotHeader newer = await(store.save(header(2, 0), List.of(bytes(2, 100)).iterator()));
    try (RandomAccessFile file = new RandomAccessFile(file(newer).toFile(), "rw")) {
      file.setLength(file.length() - 1);
    }
    assertEquals(List.of(older), await(store.newestFirst(PART)));
  }

  /** Verifies that a file is a 1 KiB header line naming the snapshot, then the body as given. */
  @Test
  void fileLayout() throws IOException {
    SnapshotHeader saved = await(store.save(header(4, 2), List.of("a\n".getBytes(UTF_8),
      "b\n".getBytes(UTF_8)).iterator()));
    byte[] file = Files.readAllBytes(file(saved));
    assertEquals(FileSnapshotStore.HEADER_BYTES + 4, file.length);
    String headerLine = new String(file, 0, FileSnapshotStore.HEADER_BYTES, UTF_8);
    assertEquals(saved.toJson(), new JsonObject(headerLine.trim()));
    assertEquals("a\nb\n", new String(file, FileSnapshotStore.HEADER_BYTES, 4, UTF_8));
  }
}
