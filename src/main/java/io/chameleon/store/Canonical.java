package io.chameleon.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Plain-JSON helpers of the store core: RFC 8785 canonical JSON, SHA-256 hex, the SPEC timestamp
 * format and deep copies of plain maps and lists. No Vert.x types.
 */
public final class Canonical {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DateTimeFormatter TIMESTAMP =
    DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Canonical() {
  }

  /** The RFC 8785 canonical JSON of a plain value (maps, lists, strings, numbers, booleans). */
  public static String json(Object value) {
    try {
      return new JsonCanonicalizer(MAPPER.writeValueAsString(value)).getEncodedString();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value is not JSON", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot canonicalise", e);
    }
  }

  /**
   * What identifies a body for idempotent repeats: the SHA-256 of its canonical JSON. Kept on
   * every request and UOW, so a hash (64 characters) rather than the body itself.
   */
  public static String fingerprint(Object body) {
    return sha256Hex(json(body));
  }

  public static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** SHA-256 of the canonical JSON of {@code {uow_id, status, attributes, version}}. */
  public static String contentHash(String uowId, String status, Map<String, Object> attributes,
                                   long version) {
    Map<String, Object> hashed = new LinkedHashMap<>();
    hashed.put("uow_id", uowId);
    hashed.put("status", status);
    hashed.put("attributes", attributes);
    hashed.put("version", version);
    return sha256Hex(json(hashed));
  }

  /** ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-25T12:00:00.123Z}. */
  public static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  /**
   * A deep copy: every map a LinkedHashMap, every list an ArrayList — each sized to its content,
   * since a million stored requests each keep a few small maps (an empty one allocates no table).
   */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
      map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return (T) out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(copy(v)));
      return (T) out;
    }
    return value;
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
