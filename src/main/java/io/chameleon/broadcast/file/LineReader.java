package io.chameleon.broadcast.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code \n}-terminated lines from a byte range of a file with positional reads, remembering
 * where each line starts and whether it was complete. Blocking: use it off the event loop only.
 */
final class LineReader {

  private final FileChannel channel;
  private final long end;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
  private long readPosition;
  private long consumed;
  private long lineStart;
  private boolean terminated;

  LineReader(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.end = end;
    this.readPosition = start;
    this.consumed = start;
    buffer.limit(0);
  }

  /** The next line without its {@code \n}, or {@code null} at the end of the range. */
  String next() throws IOException {
    line.reset();
    lineStart = consumed;
    terminated = false;
    while (fill()) {
      byte[] bytes = buffer.array();
      int from = buffer.position();
      int to = buffer.limit();
      int i = from;
      while (i < to && bytes[i] != '\n') {
        i++;
      }
      line.write(bytes, from, i - from);
      consumed += i - from;
      if (i < to) {
        buffer.position(i + 1);
        consumed++;
        terminated = true;
        return line.toString(StandardCharsets.UTF_8);
      }
      buffer.position(to);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }

  /** Byte offset where the line last returned starts. */
  long lineStart() {
    return lineStart;
  }

  /** Whether the line last returned ended with {@code \n}. */
  boolean terminated() {
    return terminated;
  }

  /** Byte offset just after everything returned so far. */
  long consumed() {
    return consumed;
  }

  private boolean fill() throws IOException {
    if (buffer.hasRemaining()) {
      return true;
    }
    if (readPosition >= end) {
      return false;
    }
    buffer.clear();
    buffer.limit((int) Math.min(buffer.capacity(), end - readPosition));
    int read = channel.read(buffer, readPosition);
    buffer.flip();
    if (read <= 0) {
      return false;
    }
    readPosition += read;
    return true;
  }
}
