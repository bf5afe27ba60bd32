package io.chameleon.broadcast;

import io.chameleon.bus.BusJson;
import io.chameleon.bus.PlainJson;
import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash chain of the audit stream (SPEC §6): SHA-256, lowercase hex, over the previous event's
 * hash (64 hex characters) followed by the RFC 8785 canonical JSON of
 * {@code {timestamp, event_type, payload}}. Field order and number spelling in the stored line do
 * not matter, only the canonical form does. The canonical form and the digest are
 * {@link PlainJson}'s, the same code as the store's content hash.
 */
public final class EventHash {

  /** The {@code prev_hash} of the first event. */
  public static final String GENESIS = Tip.GENESIS_HASH;

  private EventHash() {
  }

  public static String of(String prevHash, String timestamp, String eventType, JsonObject payload) {
    return BusJson.canonicalHash(prevHash, hashed(timestamp, eventType, payload));
  }

  /** The canonical JSON an event's hash covers, computed ahead of its link ({@link PreparedDraft}). */
  static String canonical(String timestamp, String eventType, JsonObject payload) {
    return BusJson.canonical(hashed(timestamp, eventType, payload));
  }

  /** The hash of an event whose {@link #canonical} text is known: the same as {@link #of}. */
  static String link(String prevHash, String canonical) {
    return PlainJson.sha256Hex(prevHash + canonical);
  }

  private static Map<String, Object> hashed(String timestamp, String eventType, JsonObject payload) {
    Map<String, Object> hashed = new LinkedHashMap<>(4);
    hashed.put("event_type", eventType);
    hashed.put("payload", payload);
    hashed.put("timestamp", timestamp);
    return hashed;
  }

  /** Recomputes the hash an event should carry, given the hash it claims to follow. */
  public static String of(Event event) {
    return of(event.prevHash(), event.timestamp(), event.eventType(), event.payload());
  }
}
