package io.chameleon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Addresses;
import io.chameleon.support.Pilots;
import io.chameleon.support.RedisServer;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots across restarts, on the suite's backend (issue 7 item 3): a start loads the newest
 * snapshot and replays only the events after it, and ends in the state a full replay gives; a
 * corrupt newest snapshot is reported and the older one (or the full replay) is used instead.
 */
class SnapshotRestartTest {

  @TempDir
  Path dataDir;

  static final JsonObject EVERY_100 = new JsonObject().put("snapshot", new JsonObject().put("every_events", 100));
  static final JsonObject NONE = new JsonObject().put("snapshot", new JsonObject().put("every_events", 0));

  /** Everything a pilot reads, as one value. */
  private static JsonObject readable(Pilots p, List<String> uows, List<String> requests) {
    JsonObject all = new JsonObject();
    uows.forEach(id -> all.put("uow:" + id, p.uow(id)));
    requests.forEach(id -> all.put("request:" + id, p.request(id)));
    all.put("pending", p.http().get("/api/interventions/pending?limit=500", p.viewer).data());
    all.put("metrics", p.http().get("/api/interventions/metrics", p.viewer).data());
    all.put("guardians", p.http().get("/api/guardians", p.viewer).data());
    all.put("halted", p.http().get("/api/instances/halted", p.viewer).data());
    return all;
  }

  private static JsonObject status(TestNode node, String address) {
    return TestNode.await(node.vertx.eventBus().<JsonObject>request(address, new JsonObject())).body();
  }

  /** Some of everything: guardians, UOWs parked and acted on, requests created, claimed, decided. */
  private static void work(Pilots p, List<String> uows, List<String> requests, int rounds) {
    TestNode node = p.node;
    for (int i = 0; i < rounds; i++) {
      node.http.send("PUT", "/api/guardians/min-" + i, p.admin, Pilots.minAmount(null, 100 + i).encode());
      String instance = Pilots.newId();
      String parked = p.active(instance, new JsonObject().put("guardians", new JsonArray().add("min-" + i))).getString("uow_id");
      p.advance(parked, "COMPLETED", Pilots.smallAmount(), 200);
      String open = p.openRequests(parked).get(0).getString("request_id");
      uows.add(parked);
      requests.add(open);
      if (i % 2 == 0) {
        assertEquals(200, node.http.post("/pilot/waive/" + parked + "/min-" + i, p.admin, "{\"reason\":\"ok\"}").status());
      }
      String external = node.http.post("/api/interventions", p.operator, new JsonObject().put("uow_id", "ext-" + i)
        .put("intervention_type", "resume").put("title", "t" + i).encode()).data().getString("request_id");
      requests.add(external);
      node.http.post("/api/interventions/" + external + "/claim", p.operator, "{}");
    }
  }

  /** Verifies that a restart restores the newest snapshot, replays only the tail, and serves the same state as a full replay. */
  @Test
  void aRestartLoadsTheNewestSnapshotAndTheTail() {
    List<String> uows = new ArrayList<>();
    List<String> requests = new ArrayList<>();
    JsonObject before;
    String tip;
    try (TestNode node = TestNode.start(dataDir, EVERY_100)) {
      Pilots p = new Pilots(node);
      work(p, uows, requests, 15);
      before = readable(p, uows, requests);
      tip = p.lastEventId();
    }
    assertTrue(snapshotCount() >= 1, "snapshots were written");

    try (TestNode node = TestNode.start(dataDir, EVERY_100)) {
      Pilots p = new Pilots(node);
      JsonObject store = status(node, Addresses.STORE_STATUS);
      assertEquals(tip, store.getString("snapshot"), "the shutdown snapshot covers the whole log: no tail to replay");
      assertEquals(tip, status(node, Addresses.GUARDIAN_STATUS).getString("snapshot"));
      assertEquals(before, readable(p, uows, requests));
      work(p, uows, requests, 3);
      before = readable(p, uows, requests);
    }

    try (TestNode node = TestNode.start(dataDir, NONE)) {
      Pilots p = new Pilots(node);
      assertNull(status(node, Addresses.STORE_STATUS).getValue("snapshot"), "snapshots off: a full replay");
      assertEquals(before, readable(p, uows, requests), "a full replay gives the same state");
      assertTrue(node.http.get("/api/events/verify", p.viewer).data().getBoolean("ok"));
    }
  }

  /** Verifies that a corrupt newest snapshot is skipped: the start falls back and still serves the same state. */
  @Test
  void aCorruptSnapshotIsSkipped() {
    List<String> uows = new ArrayList<>();
    List<String> requests = new ArrayList<>();
    JsonObject before;
    try (TestNode node = TestNode.start(dataDir, EVERY_100)) {
      Pilots p = new Pilots(node);
      work(p, uows, requests, 8);
      before = readable(p, uows, requests);
    }
    corruptNewestStoreSnapshot();
    try (TestNode node = TestNode.start(dataDir, EVERY_100)) {
      Pilots p = new Pilots(node);
      JsonObject store = status(node, Addresses.STORE_STATUS);
      assertEquals("UP", store.getString("status"));
      assertEquals(before, readable(p, uows, requests));
      String loadedFrom = store.getString("snapshot");
      assertTrue(loadedFrom == null || !loadedFrom.equals(p.lastEventId()), "not the corrupt one: " + loadedFrom);
    }
  }

  private long snapshotCount() {
    if (TestNode.onRedis()) {
      Object listed = RedisServer.shared().send("ZCARD", TestNode.keyPrefix(dataDir) + "snapshots:store");
      return listed instanceof Long n ? n : 0;
    }
    try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("store-")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flips one byte of the newest store snapshot's body, where it is kept. */
  private void corruptNewestStoreSnapshot() {
    if (TestNode.onRedis()) {
      String prefix = TestNode.keyPrefix(dataDir);
      @SuppressWarnings("unchecked")
      List<Object> newest = (List<Object>) RedisServer.shared().send("ZREVRANGE", prefix + "snapshots:store", "0", "0");
      assertNotNull(newest);
      String chunk = prefix + "snapshot:store:" + newest.get(0) + ":0";
      String body = RedisServer.shared().command("GET", chunk);
      assertNotNull(body, "no chunk at " + chunk);
      RedisServer.shared().command("SET", chunk, body.substring(0, body.length() - 2) + "x\n", "KEEPTTL");
      return;
    }
    try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
      Path newest = files.filter(f -> f.getFileName().toString().startsWith("store-") && f.toString().endsWith(".snap"))
        .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).orElseThrow();
      byte[] bytes = Files.readAllBytes(newest);
      bytes[bytes.length - 3] ^= 1;
      Files.write(newest, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
