package io.chameleon.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.BroadcasterVerticle;
import io.chameleon.broadcast.ChainReport;
import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventPage;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.chameleon.guardian.GuardianVerticle;
import io.chameleon.support.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller waits {@code bus.timeout_ms} (here 1000 ms) for a write. On a slow disk the store must
 * still give it a definite outcome: a write that could not start in time changed nothing at all,
 * and a write that started is followed by the store even when its answer came too late for the
 * caller — so a retry with the same key sees the first effect instead of making a second one. A
 * disk that never answers makes the store refuse writes until it is rebuilt from the log.
 */
class AppendDeadlineTest {

  static final long TIMEOUT_MS = 1000;
  static final JsonObject OPERATOR = new JsonObject().put("pilot_id", "op-1").put("role", "OPERATOR");
  static final String INSTANCE = "11111111-1111-4111-8111-111111111111";

  @TempDir
  Path dir;

  Vertx vertx;
  SlowDisk disk;
  BusClient caller;

  /** The real file log behind a disk that can be made slow: a failing disk, not a fake store. */
  static final class SlowDisk implements EventLog {
    final EventLog log;
    final Vertx vertx;
    volatile long startDelayMs;
    volatile long finishDelayMs;
    volatile boolean hung;
    final AtomicInteger settled = new AtomicInteger();

    SlowDisk(Vertx vertx, EventLog log) {
      this.vertx = vertx;
      this.log = log;
    }

    @Override
    public Future<List<Event>> append(List<EventDraft> drafts, Tip expect, long startBy) {
      if (hung) {
        return Promise.<List<Event>>promise().future();
      }
      long start = startDelayMs;
      long finish = finishDelayMs;
      Promise<List<Event>> done = Promise.promise();
      later(start, () -> log.append(drafts, expect, startBy).onComplete(written ->
        later(finish, () -> {
          settled.incrementAndGet();
          done.handle(written);
        })));
      return done.future();
    }

    private void later(long ms, Runnable action) {
      if (ms <= 0) {
        action.run();
      } else {
        vertx.setTimer(ms, t -> action.run());
      }
    }

    @Override public Future<Void> open() { return log.open(); }
    @Override public Future<EventPage> read(String afterId, String afterHash, int count, Set<String> types) {
      return log.read(afterId, afterHash, count, types);
    }
    @Override public Future<ChainReport> verify(io.chameleon.broadcast.ChainAudit audit) { return log.verify(audit); }
    @Override public Future<io.chameleon.broadcast.CountedTip> countedTip() { return log.countedTip(); }
    @Override public Future<Void> close() { return log.close(); }
    @Override public String backend() { return log.backend(); }
    @Override public boolean available() { return log.available(); }
    @Override public Tip tip() { return log.tip(); }
    @Override public String unavailableReason() { return log.unavailableReason(); }
    @Override public void onDiscovered(java.util.function.Consumer<List<Event>> handler) { log.onDiscovered(handler); }
    @Override public long eventsEmitted() { return log.eventsEmitted(); }
    @Override public long bytesWritten() { return log.bytesWritten(); }
    @Override public long errors() { return log.errors(); }
  }

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject()
      .put("events", new JsonObject().put("backend", "file").put("file", dir.resolve("events.jsonl").toString()))
      .put("bus", new JsonObject().put("timeout_ms", TIMEOUT_MS));
    TestNode.await(vertx.deployVerticle(new BroadcasterVerticle(log -> disk = new SlowDisk(vertx, log)),
      new DeploymentOptions().setConfig(config)));
    TestNode.await(vertx.deployVerticle(new GuardianVerticle(), new DeploymentOptions().setConfig(config)));
    TestNode.await(vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config)));
    caller = new BusClient(vertx, TIMEOUT_MS); // what the gateway does
  }

  @AfterEach
  void close() {
    TestNode.await(vertx.close());
  }

  private Future<JsonObject> register(String uowId, String key) {
    JsonObject message = new JsonObject().put("actor", OPERATOR).put("params", new JsonObject())
      .put("body", new JsonObject().put("uow_id", uowId).put("instance_id", INSTANCE));
    if (key != null) {
      message.put("idempotency", new JsonObject().put("key", key).put("method", "POST").put("path", "/api/uows"));
    }
    return caller.request(Addresses.STORE_UOW_REGISTER, message);
  }

  private int getStatus(String uowId) {
    JsonObject message = new JsonObject().put("actor", OPERATOR).put("params", new JsonObject().put("uow_id", uowId))
      .put("body", new JsonObject());
    try {
      return TestNode.await(caller.request(Addresses.STORE_UOW_GET, message)).getInteger("status");
    } catch (Failure failure) {
      return failure.status();
    }
  }

  private long registrations(String uowId) {
    JsonObject page = TestNode.await(caller.request(Addresses.EVENTS_READ, new JsonObject().put("count", 1000)));
    return page.getJsonArray("events").stream().map(JsonObject.class::cast)
      .filter(e -> "uow_registered".equals(e.getString("event_type"))
        && uowId.equals(e.getJsonObject("payload").getString("uow_id")))
      .count();
  }

  private static int status(Future<JsonObject> call) {
    try {
      return TestNode.await(call).getInteger("status");
    } catch (Failure failure) {
      return failure.status();
    }
  }

  /** Verifies that a write the log could not start before the caller's deadline changed nothing, ever. */
  @Test
  void aWriteThatCouldNotStartInTimeChangesNothing() {
    String uowId = UUID.randomUUID().toString();
    disk.startDelayMs = 1500; // queued behind a slow fsync for longer than the caller waits
    assertEquals(503, status(register(uowId, null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> disk.settled.get() == 1);
    assertEquals(404, getStatus(uowId), "not in the store");
    assertEquals(0, registrations(uowId), "not in the log");

    disk.startDelayMs = 0;
    assertEquals(201, status(register(uowId, null)));
    assertEquals(1, registrations(uowId));
  }

  /**
   * Verifies that a write whose answer came after the caller gave up is applied all the same, and
   * that the caller's retry with its key gets the first result instead of a second effect.
   */
  @Test
  void aWriteThatStartedIsFollowedEvenWhenItsAnswerIsLate() {
    String uowId = UUID.randomUUID().toString();
    disk.finishDelayMs = 1500; // written at once, acknowledged by the disk after the caller's timeout
    assertEquals(503, status(register(uowId, "key-1")), "the caller stopped waiting");
    await().atMost(Duration.ofSeconds(10)).until(() -> getStatus(uowId) == 200);

    disk.finishDelayMs = 0;
    JsonObject retried = TestNode.await(register(uowId, "key-1"));
    assertEquals(200, retried.getInteger("status"), "the stored result of the first call (a repeated create is 200)");
    assertEquals(uowId, retried.getJsonObject("data").getString("uow_id"));
    assertEquals(1, registrations(uowId), "one effect");
  }

  /** Verifies the same for a guardian registry change: not started in time → 503, and no guardian, ever. */
  @Test
  void aRegistryChangeThatCouldNotStartInTimeChangesNothing() {
    disk.startDelayMs = 1500;
    JsonObject admin = new JsonObject().put("pilot_id", "admin-1").put("role", "ADMIN");
    JsonObject put = new JsonObject().put("name", "slow").put("actor", admin)
      .put("config", new JsonObject().put("type", "PASS_THRU").put("attributes", new JsonObject()));
    assertEquals(503, status(caller.request(Addresses.GUARDIAN_PUT, put)));
    await().atMost(Duration.ofSeconds(10)).until(() -> disk.settled.get() == 1);
    assertEquals(404, status(caller.request(Addresses.GUARDIAN_GET, new JsonObject().put("name", "slow").put("actor", admin))));
    JsonObject page = TestNode.await(caller.request(Addresses.EVENTS_READ, new JsonObject().put("count", 1000)));
    assertTrue(page.getJsonArray("events").isEmpty(), page.encode());
  }

  /**
   * Verifies that a write whose outcome the store never heard (the log answered after even the
   * store stopped waiting) is found when the store next reads the log: applied once, its key's
   * retry gets its result, and writes go on without a restart.
   */
  @Test
  void aWriteWhoseAnswerNeverCameIsFoundInTheLog() {
    String uowId = UUID.randomUUID().toString();
    disk.finishDelayMs = 3000; // durable at once, answered after the store's own wait (start + one bus timeout)
    assertEquals(503, status(register(uowId, "key-late")));
    await().atMost(Duration.ofSeconds(10)).until(() -> disk.settled.get() == 1);
    disk.finishDelayMs = 0;

    String next = UUID.randomUUID().toString();
    assertEquals(201, status(register(next, null)), "no restart needed");
    assertEquals(200, getStatus(uowId), "the late write was read back from the log");
    JsonObject retried = TestNode.await(register(uowId, "key-late"));
    assertEquals(200, retried.getInteger("status"), "the stored result of the first call");
    assertEquals(1, registrations(uowId), "one effect");
    assertEquals(1, registrations(next));
  }

  /** Verifies that while the log never answers, writes fail with 503 and change nothing; once it answers, they work again. */
  @Test
  void aLogThatNeverAnswersRefusesWritesUntilItAnswers() {
    String lost = UUID.randomUUID().toString();
    disk.hung = true;
    assertEquals(503, status(register(lost, null)));
    assertEquals(503, status(register(UUID.randomUUID().toString(), null)));
    disk.hung = false;
    String later = UUID.randomUUID().toString();
    await().atMost(Duration.ofSeconds(10)).until(() -> status(register(later, null)) != 503);
    assertEquals(1, registrations(later));
    assertEquals(404, getStatus(lost), "nothing of the hung write");
    assertEquals(0, registrations(lost));
    assertEquals("UP", TestNode.await(caller.request(Addresses.STORE_STATUS, new JsonObject())).getString("status"));
  }
}
