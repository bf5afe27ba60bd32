package io.chameleon.broadcast;

import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The hash chain of the audit stream (SPEC §6): SHA-256, lowercase hex, over the previous event's
 * hash (64 hex characters) followed by the RFC 8785 canonical JSON of
 * {@code {timestamp, event_type, payload}}. Field order and number spelling in the stored line do
 * not matter, only the canonical form does.
 */
public final class EventHash {

  /** The {@code prev_hash} of the first event. */
  public static final String GENESIS = Tip.GENESIS_HASH;

  private EventHash() {
  }

  public static String of(String prevHash, String timestamp, String eventType, JsonObject payload) {
    JsonObject hashed = new JsonObject()
      .put("timestamp", timestamp)
      .put("event_type", eventType)
      .put("payload", payload);
    String canonical = canonical(hashed.encode());
    return sha256Hex(prevHash + canonical);
  }

  /** Recomputes the hash an event should carry, given the hash it claims to follow. */
  public static String of(Event event) {
    return of(event.prevHash(), event.timestamp(), event.eventType(), event.payload());
  }

  static String canonical(String json) {
    try {
      return new JsonCanonicalizer(json).getEncodedString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot canonicalise event", e);
    }
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
