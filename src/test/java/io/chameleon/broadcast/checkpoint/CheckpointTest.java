package io.chameleon.broadcast.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final String AT = "2026-12-07T20:00:00.000Z";

  private final CheckpointKey key = CheckpointKey.generate();

  @Test
  void aSignedCheckpointVerifiesWithItsKey() {
    Checkpoint checkpoint = Checkpoint.sign(key, "5-0", "a".repeat(64), 5, AT, false);
    assertNull(checkpoint.untrustedBy(key));
    assertEquals(key.fingerprint(), checkpoint.key());
    // survives its stored form
    assertNull(Checkpoint.fromJson(new JsonObject(checkpoint.toJson().encode())).untrustedBy(key));
  }

  @Test
  void aTamperedSignatureOrFieldIsRefused() {
    Checkpoint checkpoint = Checkpoint.sign(key, "5-0", "a".repeat(64), 5, AT, false);
    char[] sig = checkpoint.signature().toCharArray();
    sig[3] = sig[3] == 'A' ? 'B' : 'A';
    Checkpoint badSignature = new Checkpoint(checkpoint.id(), checkpoint.hash(), checkpoint.count(), AT, false,
      checkpoint.key(), new String(sig));
    assertNotNull(badSignature.untrustedBy(key));
    Checkpoint shorter = new Checkpoint(checkpoint.id(), checkpoint.hash(), 4, AT, false, checkpoint.key(),
      checkpoint.signature());
    assertTrue(shorter.untrustedBy(key).contains("signature does not match"));
    Checkpoint notBase64 = new Checkpoint(checkpoint.id(), checkpoint.hash(), 5, AT, false, checkpoint.key(), "%%");
    assertNotNull(notBase64.untrustedBy(key));
  }

  @Test
  void anotherKeysCheckpointIsRefused() {
    CheckpointKey other = CheckpointKey.generate();
    Checkpoint forged = Checkpoint.sign(other, "5-0", "a".repeat(64), 5, AT, false);
    assertTrue(forged.untrustedBy(key).contains("not by this node's checkpoint key"));
    // claiming the trusted key's fingerprint does not help: the signature is still the other key's
    Checkpoint claimed = new Checkpoint("5-0", "a".repeat(64), 5, AT, false, key.fingerprint(), forged.signature());
    assertTrue(claimed.untrustedBy(key).contains("signature does not match"));
  }

  @Test
  void theKeyFileIsGeneratedOwnerOnlyAndReadBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/checkpoint-key");
    CheckpointKey created = CheckpointKey.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    CheckpointKey again = CheckpointKey.loadOrCreate(file);
    assertEquals(created.fingerprint(), again.fingerprint());
    assertNull(Checkpoint.sign(created, "1-0", "b".repeat(64), 1, AT, false).untrustedBy(again));
  }

  @Test
  void aKeyFileWithoutAKeyOrWithAForeignPublicKeyIsRefused(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("junk");
    Files.writeString(junk, "hello\n");
    assertThrows(IllegalArgumentException.class, () -> CheckpointKey.loadOrCreate(junk));
    String mine = key.encode();
    String theirs = CheckpointKey.generate().encode();
    Path mixed = dir.resolve("mixed");
    Files.writeString(mixed, mine.lines().filter(l -> l.startsWith("private:")).findFirst().orElseThrow() + "\n"
      + theirs.lines().filter(l -> l.startsWith("public:")).findFirst().orElseThrow() + "\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointKey.loadOrCreate(mixed));
    assertTrue(e.getMessage().contains("not the private key's"), e.getMessage());
  }

  @Test
  void thePinParsesIdColonHash() {
    assertEquals(new CheckpointAudit.Pin("12-3", "c".repeat(64)), CheckpointAudit.Pin.parse("12-3:" + "c".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> CheckpointAudit.Pin.parse("12-3"));
    assertThrows(IllegalArgumentException.class, () -> CheckpointAudit.Pin.parse("x:" + "c".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> CheckpointAudit.Pin.parse("1-0:" + "C".repeat(64)));
  }

  // the audit, fed a chain as a walk would

  private static List<Event> chain(int n) {
    List<Event> events = new ArrayList<>();
    String prev = EventHash.GENESIS;
    for (int i = 1; i <= n; i++) {
      Event event = Event.chained(new EventId(i, 0), new EventDraft("t", new JsonObject().put("i", i)), prev);
      prev = event.hash();
      events.add(event);
    }
    return events;
  }

  private static String walk(CheckpointAudit audit, List<Event> events) {
    for (int i = 0; i < events.size(); i++) {
      audit.see(i + 1, true, events.get(i));
    }
    return audit.finish(events.size(), true, events.isEmpty() ? "0-0" : events.get(events.size() - 1).id());
  }

  private Checkpoint at(Event event, long count) {
    return Checkpoint.sign(key, event.id(), event.hash(), count, AT, false);
  }

  @Test
  void theAuditAgreesWithAnIntactChain() {
    List<Event> events = chain(10);
    CheckpointAudit audit = new CheckpointAudit(List.of(at(events.get(4), 5), at(events.get(9), 10)),
      new CheckpointAudit.Pin(events.get(7).id(), events.get(7).hash()), key);
    assertNull(walk(audit, events));
    assertEquals(2, audit.checkpoints());
  }

  @Test
  void theAuditSeesARemovedTail() {
    List<Event> events = chain(10);
    String found = walk(new CheckpointAudit(List.of(at(events.get(9), 10)), null, key), events.subList(0, 5));
    assertTrue(found.startsWith("checkpoint #1 (id 10-0, count 10): the log ends at 5-0 after 5 events"), found);
  }

  @Test
  void theAuditSeesARecomputedChain() {
    List<Event> events = chain(10);
    Checkpoint checkpoint = at(events.get(7), 8);
    // event 3 edited and every hash after it recomputed: an intact chain, another hash at 8-0
    List<Event> rewritten = new ArrayList<>(events.subList(0, 2));
    String prev = events.get(1).hash();
    for (int i = 3; i <= 10; i++) {
      Event event = Event.chained(new EventId(i, 0), new EventDraft("t", new JsonObject().put("i", i == 3 ? 99 : i)), prev);
      prev = event.hash();
      rewritten.add(event);
    }
    String found = walk(new CheckpointAudit(List.of(checkpoint), null, key), rewritten);
    assertTrue(found.startsWith("checkpoint #1 (id 8-0, count 8): the log's event 8-0 has hash"), found);
  }

  @Test
  void theAuditSeesAForgedCheckpointAndAWrongPin() {
    List<Event> events = chain(4);
    Checkpoint forged = Checkpoint.sign(CheckpointKey.generate(), events.get(3).id(), events.get(3).hash(), 4, AT, false);
    // signed by another key: left out (neither trusted nor a mismatch), and counted
    CheckpointAudit withForged = new CheckpointAudit(List.of(forged), null, key);
    assertNull(walk(withForged, events));
    assertEquals(1, withForged.otherKeys());
    assertEquals(0, withForged.checkpoints());
    String found = walk(new CheckpointAudit(List.of(), new CheckpointAudit.Pin("3-0", "d".repeat(64)), key), events);
    assertTrue(found.startsWith("the pinned head 3-0: the log's event 3-0 has hash"), found);
    String missing = walk(new CheckpointAudit(List.of(), new CheckpointAudit.Pin("2-5", "d".repeat(64)), key), events);
    assertTrue(missing.contains("the log has no event 2-5"), missing);
  }

  @Test
  void anAcceptedRewriteSetsOlderCheckpointsAside() {
    List<Event> events = chain(6);
    Checkpoint old = Checkpoint.sign(key, "9-0", "e".repeat(64), 9, AT, false);
    Checkpoint accepted = Checkpoint.sign(key, events.get(5).id(), events.get(5).hash(), 6, AT, true);
    CheckpointAudit audit = new CheckpointAudit(List.of(old, accepted), null, key);
    assertNull(walk(audit, events));
    assertEquals(1, audit.setAside());
    assertFalse(walk(new CheckpointAudit(List.of(accepted, old), null, key), events) == null);
  }
}
