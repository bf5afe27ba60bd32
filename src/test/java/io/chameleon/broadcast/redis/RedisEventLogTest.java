package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static io.chameleon.broadcast.redis.RedisLogs.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventHash;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventLogContract;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Redis event log beyond the contract: what an entry and the tip hash hold (what other
 * services read), the fence kept in Redis across restarts, the writer epoch, trimming and verify's
 * anchor, tampering found by verify, and an external consumer group reading beside the appends.
 */
class RedisEventLogTest extends OneRedisPerClass {

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object reply) {
    return (List<Object>) reply;
  }

  /** An entry as stored: {@code [id, [field, value, …]]} → the event it holds. */
  private static Event event(Object entry) {
    List<Object> pair = list(entry);
    List<Object> fields = list(pair.get(1));
    JsonObject json = new JsonObject().put("id", pair.get(0));
    for (int i = 0; i < fields.size(); i += 2) {
      json.put((String) fields.get(i), fields.get(i + 1));
    }
    json.put("payload", new JsonObject(json.getString("payload")));
    return Event.fromJson(json);
  }

  /** Verifies that an entry's id is the event id and its fields are the five documented, in order. */
  @Test
  void entriesHoldTheDocumentedFields() {
    RedisEventLog log = logs.opened(keys, 2000);
    List<Event> events = await(log.append(call(0, 2)));
    List<Object> entries = list(server.send("XRANGE", keys.stream(), "-", "+"));
    assertEquals(2, entries.size());
    List<Object> first = list(entries.get(0));
    assertEquals(events.get(0).id(), first.get(0));
    List<Object> fields = list(first.get(1));
    assertEquals(List.of("event_type", "timestamp", "payload", "prev_hash", "hash"),
      List.of(fields.get(0), fields.get(2), fields.get(4), fields.get(6), fields.get(8)));
    assertEquals(events.get(0), event(entries.get(0)));
    assertEquals(events.get(1), event(entries.get(1)));
    assertEquals(EventHash.GENESIS, fields.get(7));

    List<Object> tip = list(server.send("HGETALL", keys.tip()));
    assertEquals(List.of("id", events.get(1).id(), "hash", events.get(1).hash()), tip);
    Event fenced = await(log.append(call(1, 1), events.get(1).tip(), EventLog.NO_DEADLINE)).get(0);
    assertEquals(fenced.id(), server.command("HGET", keys.tip(), "fence"));
    long bytes = 0;
    for (Event event : List.of(events.get(0), events.get(1), fenced)) {
      bytes += StreamEntries.bytes(StreamEntries.values(event));
    }
    assertEquals(bytes, log.bytesWritten());
  }

  /**
   * Verifies that the fence lives in Redis: after a restart, a fenced call expecting the newest
   * fenced event (with plain events after it) lands, and one expecting an event before it is a 409.
   */
  @Test
  void theFenceSurvivesARestart() {
    RedisEventLog first = logs.opened(keys, 2000);
    List<Event> before = await(first.append(call(0, 1)));
    List<Event> fenced = await(first.append(call(1, 1), before.get(0).tip(), EventLog.NO_DEADLINE));
    await(first.append(call(2, 2)));
    await(first.close());

    RedisEventLog second = logs.opened(keys, 2000);
    Throwable stale = failure(second.append(call(3, 1), before.get(0).tip(), EventLog.NO_DEADLINE));
    assertEquals(409, status(stale));
    List<Event> landed = await(second.append(call(4, 1), fenced.get(0).tip(), EventLog.NO_DEADLINE));
    assertEquals(1, landed.size());
    assertEquals(ChainReport.good(5), await(second.verify()));
  }

  /**
   * Verifies that the append script checks the writer epoch when the log names one: the current
   * epoch lands, an older one is refused with a 503 and writes nothing, and no epoch is unchecked.
   */
  @Test
  void aDeposedEpochCannotAppend() {
    RedisEventLog log = logs.opened(keys, 2000);
    await(log.append(call(0, 1)));
    server.send("HSET", keys.tip(), "epoch", "7");
    await(log.writerEpoch("7"));
    await(log.append(call(1, 1)));
    await(log.writerEpoch("6"));
    Throwable deposed = failure(log.append(call(2, 1)));
    assertEquals(503, status(deposed));
    assertTrue(deposed.getMessage().contains("deposed"), deposed.getMessage());
    assertEquals(2L, server.send("XLEN", keys.stream()));
    await(log.writerEpoch(""));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(log::available);
    await(log.append(call(3, 1)));
    assertEquals(ChainReport.good(3), await(log.verify()));
  }

  /**
   * Verifies trimming: with max_len the stream keeps about that many events, a read after 0-0
   * starts at the oldest kept, and verify walks from it and says so (anchored_at); a log that does
   * not trim reports the same stream as broken there.
   */
  @Test
  void aTrimmedStreamVerifiesFromItsOldestKeptEvent() {
    RedisEventLog log = logs.log(keys, 5000, 1000);
    await(log.open());
    for (int i = 0; i < 30; i++) {
      await(log.append(call(i, 100)));
    }
    long kept = (Long) server.send("XLEN", keys.stream());
    assertTrue(kept >= 1000 && kept < 1200, "kept " + kept);
    String oldest = (String) list(list(server.send("XRANGE", keys.stream(), "-", "+", "COUNT", "1")).get(0)).get(0);

    ChainReport report = await(log.verify());
    assertEquals(new ChainReport(true, kept, null, oldest), report);
    assertEquals(oldest, report.toJson().getString("anchored_at"));
    assertEquals(oldest, await(log.read("0-0", 1, null)).events().get(0).id());

    RedisEventLog untrimmed = logs.opened(keys, 5000);
    assertEquals(ChainReport.bad(1, oldest), await(untrimmed.verify()));
  }

  /** Verifies that a deleted entry breaks the chain at the event after it, and a deleted tail at the tip. */
  @Test
  void verifyFindsDeletedEntries() {
    RedisEventLog log = logs.opened(keys, 2000);
    List<Event> events = await(log.append(call(0, 5)));
    server.send("XDEL", keys.stream(), events.get(2).id());
    assertEquals(ChainReport.bad(3, events.get(3).id()), await(log.verify()));

    RedisKeys other = RedisLogs.keys(keys.prefix() + "tail:");
    RedisEventLog tailed = logs.opened(other, 2000);
    List<Event> more = await(tailed.append(call(0, 5)));
    server.send("XDEL", other.stream(), more.get(4).id());
    ChainReport report = await(tailed.verify());
    assertEquals(ChainReport.bad(4, more.get(4).id()), report);
    assertEquals(503, status(failure(tailed.append(call(5, 1)))));
  }

  /**
   * Verifies that another service reads the stream with a consumer group of its own (XGROUP
   * CREATE, XREADGROUP, XACK) and gets every event once with the documented fields, while the log
   * goes on appending unaffected.
   */
  @Test
  void anExternalConsumerGroupReadsEveryEvent() {
    RedisEventLog log = logs.opened(keys, 2000);
    await(log.append(call(0, 10)));
    assertEquals("OK", server.command("XGROUP", "CREATE", keys.stream(), "audit-export", "0"));

    int calls = 200;
    List<Future<List<Event>>> appends = new ArrayList<>();
    Future<Void> appending = Future.succeededFuture();
    for (int i = 1; i <= calls; i++) {
      int n = i;
      appending = appending.compose(v -> {
        Future<List<Event>> append = log.append(call(n, 1));
        appends.add(append);
        return append.mapEmpty();
      });
    }
    List<Event> received = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      Object reply = server.send("XREADGROUP", "GROUP", "audit-export", "exporter-1", "COUNT", "50",
        "BLOCK", "100", "STREAMS", keys.stream(), ">");
      if (reply != null) {
        for (Object entry : list(list(list(reply).get(0)).get(1))) {
          received.add(event(entry));
          server.send("XACK", keys.stream(), "audit-export", (String) list(entry).get(0));
        }
      }
      return received.size() == 10 + calls;
    });
    await(appending);
    for (Future<List<Event>> append : appends) {
      assertTrue(append.succeeded());
    }
    EventLogContract.assertChained(received, 10 + calls);
    assertEquals(await(EventLogContract.readAll(log)), received);
    List<Object> group = list(list(server.send("XINFO", "GROUPS", keys.stream())).get(0));
    assertEquals(0L, group.get(group.indexOf("pending") + 1));
    assertEquals(ChainReport.good(10 + calls), await(log.verify()));
    assertTrue(log.available());
    assertNull(log.unavailableReason());
    assertFalse(received.isEmpty());
  }
}
