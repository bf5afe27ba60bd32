package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.broadcast.EventLog;
import io.chameleon.bus.Tip;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Copies an audit log (the embedded file log, usually) into a Redis stream, keeping every id and
 * hash, so a user moves from the embedded default to Redis without losing history or breaking the
 * chain. The source is checked as it is read (each event names the one before, each hash
 * recomputes); every batch goes through the same compare-and-append script as a live append, so
 * the stream only ever grows along the source's chain. A stream that already holds a first part of
 * the source (a copy cut short) is continued; one that holds anything else is left alone.
 */
public final class StreamCopy {

  static final int PAGE = 1000;

  /** What a copy did: events written now, events the stream already had, the tip it ends at. */
  public record Result(long copied, long alreadyThere, Tip tip) {
  }

  private final RedisClients redis;
  private final RedisKeys keys;

  public StreamCopy(RedisClients redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Copies {@code source} (opened) after what the stream holds already; {@code progress} gets the
   * number of events copied so far after every batch. Fails, naming why, when the source's chain
   * is broken or the stream holds events that are not the source's.
   */
  public Future<Result> copy(EventLog source, LongConsumer progress) {
    return redis.bounded(redis.api().hmget(List.of(keys.tip(), "id", "hash"))).compose(stored -> {
      Tip start = stored.get(0) == null ? Tip.EMPTY : new Tip(stored.get(0).toString(), stored.get(1).toString());
      long[] counts = {0, 0};
      Future<Void> skipped = start.isEmpty() ? Future.succeededFuture()
        : countUpTo(source, start, counts).recover(err -> Future.failedFuture(new IllegalStateException(
          "the Redis stream " + keys.stream() + " ends at " + start.id() + ", which the source does not hold"
            + " with that hash: it holds other events; copy into an empty stream (or another prefix)")));
      return skipped.compose(v -> copyAfter(source, start, counts, progress))
        .map(tip -> new Result(counts[0], counts[1], tip));
    });
  }

  /** Counts the source's events up to and including {@code tip} (the part already copied). */
  private static Future<Void> countUpTo(EventLog source, Tip tip, long[] counts) {
    return source.read(tip.id(), tip.hash(), 1, Set.of()).compose(held -> countFrom(source, "0-0", tip, counts));
  }

  private static Future<Void> countFrom(EventLog source, String after, Tip tip, long[] counts) {
    return source.read(after, PAGE, Set.of()).compose(page -> {
      for (Event event : page.events()) {
        if (event.eventId().compareTo(tip.eventId()) > 0) {
          return Future.succeededFuture();
        }
        counts[1]++;
      }
      return page.more() && !page.events().isEmpty() ? countFrom(source, page.scannedTo(), tip, counts)
        : Future.succeededFuture();
    });
  }

  /** Copies the source's events after {@code last}, a page per script call, to the end. */
  private Future<Tip> copyAfter(EventLog source, Tip last, long[] counts, LongConsumer progress) {
    return source.read(last.id(), PAGE, Set.of()).compose(page -> {
      List<List<String>> entries = new ArrayList<>(page.events().size());
      Tip chained = last;
      for (Event event : page.events()) {
        // ids increase too (a read page's do): the append script checks only a batch's first and last
        if (!event.eventId().isAfter(chained.eventId()) || !event.prevHash().equals(chained.hash())
          || !EventHash.of(event).equals(event.hash())) {
          return Future.failedFuture(new IllegalStateException("the source's chain is broken at event "
            + event.id() + " (run verify on it); " + counts[0] + " events were copied, up to " + chained.id()));
        }
        entries.add(StreamEntries.values(event));
        chained = event.tip();
      }
      if (entries.isEmpty()) {
        return Future.succeededFuture(last);
      }
      Tip reached = chained;
      List<String> args = new ArrayList<>(AppendScript.args(AppendScript.SOURCE, keys, last, "", "", 0, entries));
      return redis.bounded(redis.api().eval(args)).compose(reply -> {
        String refused = AppendScript.refusal(reply);
        if (refused != null) {
          return Future.failedFuture(new IllegalStateException("Redis refused the copy after " + last.id()
            + ": " + refused));
        }
        counts[0] += entries.size();
        progress.accept(counts[0]);
        return page.more() ? copyAfter(source, reached, counts, progress) : Future.succeededFuture(reached);
      });
    });
  }
}
