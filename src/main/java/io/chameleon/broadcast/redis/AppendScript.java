package io.chameleon.broadcast.redis;

import io.chameleon.bus.Tip;
import io.chameleon.redis.RedisKeys;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compare-and-append script ({@code src/main/resources/redis/append.lua}): its text, the
 * arguments of one batch, and what its answer means. One EVALSHA per batch.
 */
final class AppendScript {

  static final String SOURCE = load();

  private AppendScript() {
  }

  /**
   * The EVALSHA arguments after the sha: the two keys, then what the script checks, then six values
   * per event ({@link StreamEntries#values}).
   */
  static List<String> args(String sha, RedisKeys keys, Tip chainedOn, String epoch, String fenceId,
                           long maxLen, List<List<String>> entries) {
    List<String> args = new ArrayList<>(8 + entries.size() * 6);
    args.add(sha);
    args.add("2");
    args.add(keys.stream());
    args.add(keys.tip());
    args.add(chainedOn.id());
    args.add(chainedOn.hash());
    args.add(epoch);
    args.add(fenceId);
    args.add(Long.toString(maxLen));
    entries.forEach(args::addAll);
    return args;
  }

  /** Null when the batch landed; otherwise why the script refused it, in words. */
  static String refusal(Response reply) {
    String verdict = reply == null || reply.size() == 0 ? "" : reply.get(0).toString();
    return switch (verdict) {
      case "OK" -> null;
      case "TIP" -> "the stream's tip is " + reply.get(1) + ", not the tip this writer chained on:"
        + " another writer appended";
      case "EPOCH" -> "the writer epoch is '" + reply.get(1) + "': this writer was deposed";
      case "STREAM" -> "the stream ends at " + reply.get(1) + ", not at its tip: something other than"
        + " this script wrote to it";
      case "ID" -> "event id " + reply.get(2) + " is not after " + reply.get(1);
      case "LINK" -> "event " + reply.get(1) + " does not name the event before it";
      default -> "unexpected answer of the append script: " + reply;
    };
  }

  /** Whether Redis no longer holds the script (restarted, or SCRIPT FLUSH): load it and call again. */
  static boolean isNoScript(Throwable err) {
    return err instanceof ErrorType error && error.is("NOSCRIPT");
  }

  private static String load() {
    try (InputStream in = AppendScript.class.getResourceAsStream("/redis/append.lua")) {
      if (in == null) {
        throw new IllegalStateException("redis/append.lua is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
