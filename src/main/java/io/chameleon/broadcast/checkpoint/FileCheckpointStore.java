package io.chameleon.broadcast.checkpoint;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints as JSON Lines beside the event log ({@code checkpoints.jsonl}): each appended and
 * fsynced. File I/O runs on ordered workers, so appends land in the order they were asked for.
 */
public final class FileCheckpointStore implements CheckpointStore {

  private final Vertx vertx;
  private final Path path;
  /** The newest checkpoint once read or written: only this process writes the file. */
  private volatile Checkpoint newest;
  private volatile boolean known;

  public FileCheckpointStore(Vertx vertx, Path path) {
    this.vertx = vertx;
    this.path = path;
  }

  @Override
  public Future<Void> append(Checkpoint checkpoint) {
    byte[] line = (checkpoint.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8);
    return vertx.executeBlocking(() -> {
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
      }
      newest = checkpoint;
      known = true;
      return null;
    }, true);
  }

  @Override
  public Future<Checkpoint> newest() {
    return known ? Future.succeededFuture(newest) : CheckpointStore.super.newest();
  }

  @Override
  public Future<List<Checkpoint>> all() {
    return vertx.executeBlocking(() -> {
      if (!Files.exists(path)) {
        return List.<Checkpoint>of();
      }
      List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      List<Checkpoint> all = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        try {
          all.add(Checkpoint.fromJson(new JsonObject(lines.get(i))));
        } catch (RuntimeException e) {
          if (i < lines.size() - 1) {
            // only a crash's torn last line is forgiven: anything else was written by someone else
            throw new IOException(path + " line " + (i + 1) + " is not a checkpoint (" + e.getMessage() + ")");
          }
        }
      }
      newest = all.isEmpty() ? null : all.get(all.size() - 1);
      known = true;
      return all;
    }, true);
  }

  public Path path() {
    return path;
  }
}
