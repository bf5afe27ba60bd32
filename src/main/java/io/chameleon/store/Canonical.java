package io.chameleon.store;

import io.chameleon.bus.PlainJson;
import io.chameleon.bus.UtcTimestamps;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small plain-JSON helpers of the store core: the body fingerprint and the UOW content hash (both
 * RFC 8785 + SHA-256 by {@link PlainJson}, the code the audit chain's hash uses too), the SPEC
 * timestamp format, and ordered maps. No Vert.x types.
 */
public final class Canonical {

  private static final DateTimeFormatter TIMESTAMP =
    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Canonical() {
  }

  /** The RFC 8785 canonical JSON of a plain value (maps, lists, strings, numbers, booleans). */
  public static String json(Object value) {
    return PlainJson.canonical(value);
  }

  /**
   * What identifies a body for idempotent repeats: the SHA-256 of its canonical JSON. Kept on
   * every request and UOW, so a hash (64 characters) rather than the body itself.
   */
  public static String fingerprint(Object body) {
    return PlainJson.canonicalHash("", body);
  }

  /** SHA-256 of the canonical JSON of {@code {uow_id, status, attributes, version}}. */
  public static String contentHash(String uowId, String status, Map<String, Object> attributes,
                                   long version) {
    Map<String, Object> hashed = new LinkedHashMap<>();
    hashed.put("uow_id", uowId);
    hashed.put("status", status);
    hashed.put("attributes", attributes);
    hashed.put("version", version);
    return PlainJson.canonicalHash("", hashed);
  }

  /** ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-25T12:00:00.123Z}. */
  public static String timestamp(Instant instant) {
    String fast = UtcTimestamps.formatMillis(instant);
    return fast != null ? fast : TIMESTAMP.format(instant);
  }
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> ? (Map<String, Object>) value : null;
  }

  /** An ordered map from alternating keys and values; null values are kept. */
  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], kv[i + 1]);
    }
    return out;
  }
}
