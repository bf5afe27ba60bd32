package io.chameleon.store;

import static io.chameleon.store.Harness.ADMIN;
import static io.chameleon.store.Harness.INSTANCE;
import static io.chameleon.store.Harness.OPERATOR;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.chameleon.bus.StrictJson;
import io.chameleon.store.Command.Idempotency;
import io.chameleon.store.Command.Submission;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store state's snapshot codec on plain cases: no Vert.x, no snapshot store. */
class StoreSnapshotTest {


  private final Harness h = new Harness();

  private static byte[] body(StoreState state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoreSnapshot.chunks(state.capture()).forEachRemaining(out::writeBytes);
    return out.toByteArray();
  }

  private static StoreState restore(byte[] body) {
    return StoreSnapshot.restore(List.of(body).iterator());
  }

  /** The body in the first format, JSON Lines (version 1), which a node still reads. */
  private static byte[] lines(StoreState state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoreSnapshot.lineChunks(state.capture()).forEachRemaining(out::writeBytes);
    return out.toByteArray();
  }

  private static StoreState restoreLines(byte[] body) {
    return StoreSnapshot.restore(StoreSnapshot.VERSION_LINES, List.of(body).iterator());
  }

  /** A few UOWs, requests, a halted instance and an idempotency record. */
  private void someState() {
    String parent = h.register(Map.of("max_interactions", 1));
    h.register(Map.of(), parent);
    h.ok(new Command.Advance(OPERATOR, parent, UowStatus.ACTIVE, Map.of("x", 1)));
    h.ok(new Command.Interaction(OPERATOR, parent));
    h.ok(new Command.Interaction(OPERATOR, parent));
    String other = h.active(Map.of());
    h.ok(new Command.CreateRequest(OPERATOR, "r-1", other, "cancel", "t", "d", "low", Map.of(),
      Role.OPERATOR, 60, "fp"));
    h.ok(new Command.Claim(OPERATOR, "r-1"));
    h.run(new Submission(new Command.KillSwitch(ADMIN, INSTANCE, "stop", false), null,
      new Idempotency("admin-1\nPOST\n/halt\nk", "fp")), Gate.Result.NONE);
  }

  /** Verifies that an empty state is one line of counts, and restores to an empty state. */
  @Test
  void emptyState() {
    assertEquals(1, new String(lines(new StoreState()), UTF_8).split("\n").length);
    assertEquals(new StoreState().dump(), restoreLines(lines(new StoreState())).dump());
    StoreState restored = restore(body(new StoreState()));
    assertEquals(new StoreState().dump(), restored.dump());
    assertEquals(0, restored.uowCount());
  }

  /** Verifies that a restored state equals the one captured, whichever way the body is cut. */
  @Test
  void roundTripInAnyPieces() {
    someState();
    byte[] body = body(h.state);
    assertEquals(h.state.dump(), restore(body).dump());
    for (int size : new int[] {1, 7, 100, 4096}) {
      List<byte[]> pieces = new ArrayList<>();
      for (int at = 0; at < body.length; at += size) {
        pieces.add(Arrays.copyOfRange(body, at, Math.min(body.length, at + size)));
      }
      assertEquals(h.state.dump(), StoreSnapshot.restore(pieces.iterator()).dump(), "size " + size);
    }
  }

  /** Verifies that UOW and request lines hold exactly what their toState() says, in its shape. */
  @Test
  void entityLinesAreTheirStates() {
    String uowId = h.active(Map.of("guardians", List.of("limit")));
    h.run(new Submission(new Command.Advance(OPERATOR, uowId, UowStatus.COMPLETED, Map.of()),
      null, null), Harness.blockingFails("limit"));
    someState();
    int uows = 0;
    int requests = 0;
    for (String line : new String(lines(h.state), UTF_8).split("\n")) {
      Map<String, Object> entry = StrictJson.parseObject(line.getBytes(UTF_8));
      if (entry.get("uow") instanceof Map<?, ?> uow) {
        assertEquals(Canonical.json(h.state.uow((String) uow.get("uow_id")).toState()),
          Canonical.json(uow));
        uows++;
      } else if (entry.get("request") instanceof Map<?, ?> request) {
        assertEquals(Canonical.json(h.state.request((String) request.get("request_id")).toState()),
          Canonical.json(request));
        requests++;
      }
    }
    assertEquals(h.state.uowCount(), uows);
    assertEquals(h.state.requestCount(), requests);
    assertNotNull(h.state.uow(uowId).pause());
  }

  /** Verifies that a body of another format version is refused, naming the version. */
  @Test
  void unknownVersionRefused() {
    someState();
    String body = new String(lines(h.state), UTF_8).replaceFirst("\"version\":1", "\"version\":99");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
      () -> restoreLines(body.getBytes(UTF_8)));
    assertTrue(refused.getMessage().contains("99"), refused.getMessage());
  }

  /** Verifies that a body cut inside a line, or after a whole line, is refused. */
  @Test
  void truncatedBodyRefused() {
    someState();
    byte[] body = lines(h.state);
    IllegalArgumentException inLine = assertThrows(IllegalArgumentException.class,
      () -> restoreLines(Arrays.copyOf(body, body.length - 5)));
    assertTrue(inLine.getMessage().contains("ends inside"), inLine.getMessage());
    String text = new String(body, UTF_8);
    String cut = text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1);
    IllegalArgumentException short1 = assertThrows(IllegalArgumentException.class,
      () -> restoreLines(cut.getBytes(UTF_8)));
    assertTrue(short1.getMessage().contains("first line says"), short1.getMessage());
    assertThrows(IllegalArgumentException.class, () -> restoreLines(new byte[0]));
  }

  /** Verifies that a line that is not an entity, or not JSON, is refused naming its entry. */
  @Test
  void garbageLineRefused() {
    someState();
    String body = new String(lines(h.state), UTF_8);
    int second = body.indexOf('\n') + 1;
    String notJson = body.substring(0, second) + "{oops\n" + body.substring(second);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
      () -> restoreLines(notJson.getBytes(UTF_8)));
    assertTrue(refused.getMessage().contains("entry 2"), refused.getMessage());
    String unknown = body.substring(0, second) + "{\"thing\":{}}\n" + body.substring(second);
    assertThrows(IllegalArgumentException.class, () -> restoreLines(unknown.getBytes(UTF_8)));
  }

  /** Verifies that a body naming one request twice is refused, not restored as the later line. */
  @Test
  void requestTwiceRefused() {
    someState();
    String body = new String(lines(h.state), UTF_8);
    int at = body.indexOf("{\"request\":");
    String line = body.substring(at, body.indexOf('\n', at) + 1);
    String twice = body.replace(line, line + line).replaceFirst("\"requests\":1", "\"requests\":2");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
      () -> restoreLines(twice.getBytes(UTF_8)));
    assertTrue(refused.getMessage().contains("r-1"), refused.getMessage());
  }

  /**
   * Verifies that the sorted indexes a restore builds at once (pending order and each assignee's,
   * expiry order, open requests per UOW, UOWs by instance and status) equal those built event by
   * event: UOWs in two statuses, many requests per millisecond, every priority, several
   * assignees, decided ones, several open requests per UOW.
   */
  @Test
  void bulkIndexesEqualTheReplayedOnes() {
    List<String> uows = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      uows.add(u % 2 == 0 ? h.active(Map.of("n", u)) : h.register(Map.of("n", u)));
      h.now = h.now.plusMillis(u % 3);
    }
    String[] priorities = {"critical", "high", "normal", "low"};
    for (int i = 0; i < 2000; i++) {
      if (i % 7 == 0) {
        h.now = h.now.plusMillis(1 + i % 3);
      }
      String id = "q-" + (i * 7919 % 2000);
      // on UOWs this store does not know (as an external caller's): several open on each
      h.ok(new Command.CreateRequest(OPERATOR, id, "ext-" + i % 300, "cancel", "t", "d",
        priorities[i % 4], Map.of(), Role.OPERATOR, 60 + i % 5, "fp-" + i));
      Operation.Actor pilot = i % 2 == 0 ? OPERATOR : Harness.OPERATOR_2;
      if (i % 3 == 0) {
        h.ok(new Command.Claim(pilot, id));
      }
      if (i % 9 == 0) {
        h.ok(new Command.DecideRequest(pilot, id, i % 4 == 0, "r"));
      }
    }
    StoreState restored = restore(body(h.state));
    assertEquals(h.state.dump(), restored.dump());
    assertEquals(h.state.pending(null, 50, 100).items(), restored.pending(null, 50, 100).items());
  }

  /** Verifies that numbers come back as the log's JSON codec reads them: exact and typed. */
  @Test
  void numbersKeepTheirValues() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("int", 7);
    attributes.put("long", (1L << 53) + 1);
    attributes.put("huge", new BigInteger("123456789012345678901234567890"));
    attributes.put("negative_zero", -0.0);
    attributes.put("fraction", 0.1);
    attributes.put("nested", List.of(Map.of("deep", List.of(1.5, "s", true))));
    String id = h.newUowId();
    h.ok(new Command.Register(OPERATOR, id, INSTANCE, null, attributes, Map.of(), "fp"));
    Map<String, Object> restored = restore(body(h.state)).uow(id).attributes();
    assertEquals(7, restored.get("int"));
    assertEquals((1L << 53) + 1, restored.get("long"));
    assertEquals(new BigInteger("123456789012345678901234567890"), restored.get("huge"));
    assertEquals(-0.0, restored.get("negative_zero"));
    assertEquals(0.1, restored.get("fraction"));
    assertEquals(List.of(Map.of("deep", List.of(1.5, "s", true))), restored.get("nested"));
  }

  /** Verifies that a capture is not changed by what the state does after it was taken. */
  @Test
  void captureIsUnaffectedByLaterChanges() {
    someState();
    String before = h.state.dump();
    StoreState.Capture capture = h.state.capture();
    h.ok(new Command.Release(ADMIN, INSTANCE, "go on"));
    String uow = h.active(Map.of());
    h.ok(new Command.Interaction(OPERATOR, uow));
    h.ok(new Command.DecideRequest(OPERATOR, "req-1", false, "no"));
    assertNotEquals(before, h.state.dump());
    Iterator<byte[]> chunks = StoreSnapshot.chunks(capture);
    assertEquals(before, StoreSnapshot.restore(chunks).dump());
  }

  /** Verifies that idempotency records kept only in memory are left out of a snapshot. */
  @Test
  void memoryOnlyIdempotencyLeftOut() {
    someState();
    Instant now = h.now;
    h.state.rememberWithoutEvent(new IdempotencyRecord("op-1\nPOST\n/dry\nk", "fp", 200,
      Map.of(), now));
    StoreState restored = restore(body(h.state));
    assertNull(restored.idempotency("op-1\nPOST\n/dry\nk", now));
    assertNotNull(restored.idempotency("admin-1\nPOST\n/halt\nk", now));
    assertNotNull(h.state.idempotency("op-1\nPOST\n/dry\nk", now));
    assertEquals(h.state.dump(), restored.dump());
  }

  /** Verifies that chunks are whole frames (a length and that many bytes) of about a mebibyte. */
  @Test
  void chunksAreWholeFrames() {
    for (int i = 0; i < 3000; i++) {
      h.register(Map.of("note", "x".repeat(300)));
    }
    List<byte[]> chunks = new ArrayList<>();
    StoreSnapshot.chunks(h.state.capture()).forEachRemaining(chunks::add);
    assertTrue(chunks.size() > 1, "chunks: " + chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      assertEquals(chunk.length - 4, ByteBuffer.wrap(chunk).getInt());
      if (i < chunks.size() - 1) {
        assertTrue(chunk.length >= StoreSnapshot.FRAME_BYTES, "chunk " + i + ": " + chunk.length);
        assertTrue(chunk.length < 1 << 20);
      }
    }
    assertEquals(h.state.dump(), StoreSnapshot.restore(chunks.iterator()).dump());
  }

  /**
   * Verifies that the binary body (version 2) restores exactly what the JSON Lines body (version 1)
   * restores: the whole state, and each request's context with the same Java types (Integer, Long,
   * BigInteger, Double, nested lists and maps, null, non-ASCII text), decided and claimed ones
   * included; and that the first format is still read.
   */
  @Test
  void binaryBodyRestoresWhatTheLinesBodyRestores() {
    someState();
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("int", 7);
    context.put("long", (1L << 53) + 1);
    context.put("huge", new BigInteger("123456789012345678901234567890"));
    context.put("decimal", new BigDecimal("2.50"));
    context.put("fraction", 0.1);
    context.put("negative", -12);
    context.put("none", null);
    context.put("text", "Zürich ✓ \0 \"quoted\"");
    context.put("nested", List.of(Map.of("deep", List.of(1.5, "s", true, false))));
    for (int i = 0; i < 50; i++) {
      h.ok(new Command.CreateRequest(OPERATOR, "b-" + i, "ext-" + i % 7,
        "cancel", "t\n" + i, i % 3 == 0 ? null : "d", i % 2 == 0 ? "high" : "low", context,
        i % 5 == 0 ? Role.ADMIN : Role.OPERATOR, 60 + i, "fp-" + i));
      if (i % 3 == 0) {
        h.ok(new Command.Claim(ADMIN, "b-" + i));
      }
      if (i % 4 == 0) {
        h.ok(new Command.DecideRequest(ADMIN, "b-" + i, i % 8 == 0, "why ü"));
      }
    }
    StoreState fromBinary = restore(body(h.state));
    StoreState fromLines = restoreLines(lines(h.state));
    assertEquals(h.state.dump(), fromBinary.dump());
    assertEquals(fromLines.dump(), fromBinary.dump());
    for (int i = 0; i < 50; i++) {
      InterventionRequest binary = fromBinary.request("b-" + i);
      assertEquals(fromLines.request("b-" + i), binary);
    }
    // a restore keeps each request's detail as bytes, the next snapshot copies them undecoded
    StoreState again = restore(body(restore(body(h.state))));
    for (int i = 0; i < 50; i++) {
      assertNotNull(again.request("b-" + i).encodedDetail(), "b-" + i + " decoded by a restore");
    }
    assertEquals(h.state.dump(), again.dump());
    Map<String, Object> restored = fromBinary.request("b-0").context();
    assertEquals(Integer.class, restored.get("int").getClass());
    assertEquals(Long.class, restored.get("long").getClass());
    assertEquals(BigInteger.class, restored.get("huge").getClass());
    assertEquals(fromLines.request("b-0").context().get("decimal"), restored.get("decimal"));
  }

  /**
   * Verifies that a binary body cut short, with a frame of a wrong length, with a record of an
   * unknown tag, or of an enum name this node does not know, is refused.
   */
  @Test
  void damagedBinaryBodyRefused() {
    someState();
    h.ok(new Command.CreateRequest(OPERATOR, "r-2", null, "cancel", "t", "d", "low", Map.of(),
      Role.OPERATOR, 60, "fp-2"));
    byte[] body = body(h.state);
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
      () -> restore(Arrays.copyOf(body, body.length - 3)));
    assertTrue(cut.getMessage().contains("ends inside"), cut.getMessage());
    byte[] wrongLength = body.clone();
    wrongLength[0] = (byte) 0x7F;
    assertThrows(IllegalArgumentException.class, () -> restore(wrongLength));
    byte[] unknownTag = body.clone();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int request = text.indexOf("R\u0004r-2"); // the tag, the id's length + 1, the id
    assertTrue(request > 0);
    unknownTag[request] = 'Q';
    IllegalArgumentException tag = assertThrows(IllegalArgumentException.class,
      () -> restore(unknownTag));
    assertTrue(tag.getMessage().contains("tag"), tag.getMessage());
    byte[] renamed = text.replace("\"PENDING\"", "\"PENDIN_\"")
      .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(body.length, renamed.length);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
      () -> restore(renamed));
    assertTrue(unknown.getMessage().contains("status"), unknown.getMessage());
    IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
      () -> StoreSnapshot.restore(99));
    assertTrue(version.getMessage().contains("99"), version.getMessage());
  }
}
