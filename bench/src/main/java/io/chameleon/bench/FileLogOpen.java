package io.chameleon.bench;

import io.chameleon.broadcast.file.FileEventLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What opening a file event log costs, and what part of it is the JSON parse: in one fresh JVM (as
 * a start is), over the same file (in the page cache after the first pass),
 *
 * <ol>
 *   <li>{@code lines}: read every line (BufferedReader, UTF-8) and count them — the I/O and decoding floor;
 *   <li>{@code parse}: the same and {@code new JsonObject(line)} for each — what FileLogRecovery adds per line;
 *   <li>{@code open}: {@code FileEventLog.open()} — the real scan (lines, JSON parse, event checks, the
 *       offset index, the last id and hash).
 * </ol>
 *
 * <p>Each step runs twice, in this order; the second pass of {@code open} is what a start pays on a warm
 * page cache with a less cold JIT. Prints {@code OPEN|<step>|<pass>|<ms>|<lines>}.
 *
 * <pre>java -cp benchmarks.jar io.chameleon.bench.FileLogOpen /path/events.jsonl</pre>
 */
public final class FileLogOpen {

  private FileLogOpen() {
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Vertx vertx = Vertx.vertx();
    try {
      for (int pass = 1; pass <= 2; pass++) {
        long t0 = System.nanoTime();
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          while (r.readLine() != null) {
            lines++;
          }
        }
        print("lines", pass, t0, lines);
        t0 = System.nanoTime();
        lines = 0;
        long sink = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            sink += new JsonObject(line).size();
            lines++;
          }
        }
        print("parse", pass, t0, lines + (sink == 0 ? 1 : 0) * 0);
        FileEventLog log = new FileEventLog(vertx, file);
        t0 = System.nanoTime();
        log.open().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        print("open", pass, t0, -1);
        log.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  private static void print(String step, int pass, long t0, long lines) {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(Locale.ROOT, "OPEN|%s|%d|%d|%d%n", step, pass, ms, lines);
  }
}
