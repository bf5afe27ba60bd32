package io.chameleon.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventMetrics;
import io.chameleon.broadcast.file.FileEventLog;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving from the file log to Redis: a copy keeps every id and hash, resumes, and refuses what is not its own. */
class StreamCopyTest {

  static RedisServer server;

  @TempDir
  Path dir;

  Vertx vertx;
  RedisClients redis;
  RedisKeys keys;

  @BeforeAll
  static void startRedis(@TempDir Path redisDir) {
    server = RedisServer.start(redisDir);
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    redis = RedisClients.create(vertx, new JsonObject().put("url", server.url()).put("timeout_ms", 2000));
    String prefix = "copy" + System.nanoTime() + ":";
    keys = new RedisKeys(prefix, prefix + "events");
  }

  @AfterEach
  void tearDown() {
    TestNode.await(redis.close());
    TestNode.await(vertx.close());
  }

  private FileEventLog fileLog() {
    FileEventLog log = new FileEventLog(vertx, dir.resolve("events.jsonl"));
    TestNode.await(log.open());
    return log;
  }

  private static void append(EventLog log, int count) {
    for (int done = 0; done < count; done += 250) {
      List<EventDraft> drafts = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + 250); i++) {
        drafts.add(new EventDraft("copied", new JsonObject().put("n", i).put("amount", 12.50).put("text", "é ✓")));
      }
      TestNode.await(log.append(drafts));
    }
  }

  private static List<Event> all(EventLog log) {
    List<Event> events = new ArrayList<>();
    String after = "0-0";
    while (true) {
      var page = TestNode.await(log.read(after, 1000, Set.of()));
      events.addAll(page.events());
      if (!page.more()) {
        return events;
      }
      after = page.scannedTo();
    }
  }

  private RedisEventLog redisLog() {
    RedisEventLog log = new RedisEventLog(vertx, redis, keys, 0, EventMetrics.NONE);
    TestNode.await(log.open());
    return log;
  }

  /** Verifies that a copy writes every event with its id and hash, the stream verifies, and a Redis log continues the chain. */
  @Test
  void copiesEveryEventAsItIs() {
    FileEventLog file = fileLog();
    append(file, 2_600);
    List<Long> progress = new ArrayList<>();
    StreamCopy.Result result = TestNode.await(new StreamCopy(redis, keys).copy(file, progress::add));
    assertEquals(2_600, result.copied());
    assertEquals(0, result.alreadyThere());
    assertEquals(file.tip(), result.tip());
    assertEquals(List.of(1000L, 2000L, 2600L), progress);

    RedisEventLog stream = redisLog();
    assertEquals(all(file), all(stream), "same ids, timestamps, types, payloads and hashes");
    assertTrue(TestNode.await(stream.verify()).ok());
    List<Event> next = TestNode.await(stream.append(List.of(new EventDraft("after_the_move", new JsonObject()))));
    assertEquals(file.tip().hash(), next.get(0).prevHash(), "the chain goes on from the copied tip");
    assertTrue(TestNode.await(stream.verify()).ok());
  }

  /** Verifies that a second copy after more events went to the file copies only those. */
  @Test
  void continuesWhereItStopped() {
    FileEventLog file = fileLog();
    append(file, 1_200);
    TestNode.await(new StreamCopy(redis, keys).copy(file, n -> { }));
    append(file, 30);
    StreamCopy.Result again = TestNode.await(new StreamCopy(redis, keys).copy(file, n -> { }));
    assertEquals(30, again.copied());
    assertEquals(1_200, again.alreadyThere());
    assertEquals(all(file), all(redisLog()));
  }

  /** Verifies that a stream holding other events is left alone, saying so. */
  @Test
  void refusesAStreamThatHoldsOtherEvents() {
    FileEventLog file = fileLog();
    append(file, 10);
    append(redisLog(), 3);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
      () -> TestNode.await(new StreamCopy(redis, keys).copy(file, n -> { })));
    assertTrue(refused.getMessage().contains("holds other events"), refused.getMessage());
    assertEquals(3, all(redisLog()).size(), "untouched");
  }

  /** Verifies that a source whose chain is broken is copied up to the break and no further, naming the event. */
  @Test
  void stopsAtABrokenChain() throws Exception {
    FileEventLog file = fileLog();
    append(file, 20);
    String broken = all(file).get(12).id();
    TestNode.await(file.close());
    Path path = dir.resolve("events.jsonl");
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    lines.set(12, lines.get(12).replace("\"n\":12", "\"n\":99"));
    Files.write(path, lines, StandardCharsets.UTF_8);
    FileEventLog edited = fileLog();
    IllegalStateException refused = assertThrows(IllegalStateException.class,
      () -> TestNode.await(new StreamCopy(redis, keys).copy(edited, n -> { })));
    assertTrue(refused.getMessage().contains(broken), refused.getMessage());
    assertEquals(0, all(redisLog()).size(), "the page holding the break is not written");
  }
}
