package io.chameleon.broadcast.redis;

import static io.chameleon.broadcast.redis.RedisLogs.await;
import static io.chameleon.broadcast.redis.RedisLogs.call;
import static io.chameleon.broadcast.redis.RedisLogs.discoveries;
import static io.chameleon.broadcast.redis.RedisLogs.failure;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.bus.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A writer whose tip is far behind the stream — a standby that takes over after another node wrote
 * for a while — reports only the newest events it finds, not the whole stretch: the old writer
 * published those, and reporting them again made a take-over after a minute of writes last 15 to
 * 22 s (every follower receiving each event twice).
 */
class StoredTipTest extends OneRedisPerClass {

  /**
   * Verifies that a log that was behind by more than {@link StoredTip#reportedTail(int)} events
   * (2,000 at the tests' pipeline depth of 2) reports exactly the newest that many, in order, and
   * then appends on top of the stream's tip: one chain.
   */
  @Test
  void aWriterFarBehindReportsOnlyTheNewestEvents() {
    RedisEventLog standby = logs.opened(keys, 2000);
    List<Event> reported = discoveries(standby);
    await(standby.append(call(0, 1)));

    RedisEventLog other = logs.opened(keys, 2000);
    List<Event> written = new ArrayList<>();
    int behind = StoredTip.reportedTail(2) + 1500;
    for (int n = 1; written.size() < behind; n++) {
      written.addAll(await(other.append(call(n, Math.min(1000, behind - written.size())))));
    }

    assertEquals(503, ((Failure) failure(standby.append(call(-1, 1)))).status(), "the stale tip is refused");
    await().atMost(Duration.ofSeconds(10)).until(() -> reported.size() >= StoredTip.reportedTail(2));
    assertEquals(written.subList(written.size() - StoredTip.reportedTail(2), written.size()), reported);

    List<Event> next = await(standby.append(call(-2, 1)));
    assertEquals(written.get(written.size() - 1).hash(), next.get(0).prevHash());
    assertEquals(ChainReport.good(1 + behind + 1), await(standby.verify()));
  }

  /** Verifies that a few events behind (a lost reply that landed) are all reported, as before. */
  @Test
  void aWriterAFewEventsBehindReportsThemAll() {
    RedisEventLog first = logs.opened(keys, 2000);
    List<Event> reported = discoveries(first);
    await(first.append(call(0, 1)));
    List<Event> written = await(logs.opened(keys, 2000).append(call(1, 3)));

    assertEquals(503, ((Failure) failure(first.append(call(2, 1)))).status());
    await().atMost(Duration.ofSeconds(5)).until(() -> reported.size() == 3);
    assertEquals(written, reported);
  }
}
