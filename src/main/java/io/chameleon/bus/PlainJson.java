package io.chameleon.bus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.erdtman.jcs.NumberToJSON;

/**
 * The JSON toolbox of every package, with no Vert.x types: deep copies (mutable or frozen) of plain
 * JSON values (maps, lists, strings, numbers, booleans, null), their RFC 8785 canonical form and
 * its SHA-256. The store's content hash and fingerprint and the audit chain's hash
 * ({@code broadcast.EventHash}) all go through {@link #canonical} and {@link #sha256Hex}, so they
 * cannot drift apart. {@link BusJson} is the same for values that hold Vert.x JSON.
 */
public final class PlainJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PlainJson() {
  }

  /**
   * A deep copy: every map a LinkedHashMap (keys as strings, order kept), every list an ArrayList
   * — each sized to its content, since a million stored requests each keep a few small maps (an
   * empty one allocates no table). Scalars are returned as they are.
   */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    return (T) copy(value, false);
  }

  /** A deep copy that nobody can change, keeping key order; scalars are returned as they are. */
  public static Object frozen(Object value) {
    return copy(value, true);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> frozenObject(Map<String, Object> map) {
    return (Map<String, Object>) copy(map, true);
  }

  private static Object copy(Object value, boolean frozen) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
      map.forEach((k, v) -> out.put(String.valueOf(k), copy(v, frozen)));
      return frozen ? Collections.unmodifiableMap(out) : out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(copy(element, frozen));
      }
      return frozen ? Collections.unmodifiableList(out) : out;
    }
    return value;
  }

  /**
   * The RFC 8785 canonical JSON of a plain value: keys sorted by UTF-16 code units, no
   * whitespace, numbers as ECMAScript writes the nearest double, strings with the minimal escapes.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold (NaN, Infinity, another type)
   */
  public static String canonical(Object value) {
    return canonical(value, PlainJson::notJson);
  }

  /** SHA-256 of {@code prefix} followed by the canonical JSON of {@code value}, lowercase hex. */
  public static String canonicalHash(String prefix, Object value) {
    return canonicalHash(prefix, value, PlainJson::notJson);
  }

  /** SHA-256 of the UTF-8 of {@code text}, lowercase hex (a lone surrogate encodes as '?'). */
  public static String sha256Hex(String text) {
    return SCRATCH.get().sha256Hex(text);
  }

  /** The canonical form, with {@code other} turning any other type into a plain value. */
  static String canonical(Object value, UnaryOperator<Object> other) {
    StringBuilder out = new StringBuilder(256);
    write(out, value, other);
    return out.toString();
  }

  /** {@link #canonicalHash}, the prefix written into the same text (no second copy of it). */
  static String canonicalHash(String prefix, Object value, UnaryOperator<Object> other) {
    Scratch scratch = SCRATCH.get();
    if (scratch.writing) { // not expected (nothing hashes while a value is written): a builder of its own
      StringBuilder out = new StringBuilder(prefix.length() + 512).append(prefix);
      write(out, value, other);
      return scratch.sha256Hex(out);
    }
    StringBuilder out = scratch.text;
    scratch.writing = true;
    try {
      out.setLength(0);
      write(out.append(prefix), value, other);
      return scratch.sha256Hex(out);
    } finally {
      scratch.writing = false;
      scratch.trim();
    }
  }

  /**
   * A thread's buffers for hashing — the canonical text, its UTF-8 and the digest — kept between
   * hashes: a write hashes its body, its UOW and each event, and building the text, a String of
   * it and its bytes each time cost more than the rest of the hash. A hash runs start to end on
   * one thread; buffers grown past {@link #KEPT} by a large value are let go.
   */
  private static final class Scratch {

    static final int KEPT = 16 * 1024;

    final StringBuilder text = new StringBuilder(1024);
    final MessageDigest digest;
    // String.getBytes(UTF_8)'s bytes, a lone surrogate as '?' (the encoder's replacement)
    final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer utf8 = ByteBuffer.allocate(3 * 1024);
    final byte[] hex = new byte[64];
    boolean writing;

    Scratch() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }

    /** SHA-256 of the text's UTF-8, as {@code String.getBytes(UTF_8)} encodes it, in lowercase hex. */
    String sha256Hex(CharSequence text) {
      int max = 3 * text.length(); // a char is at most 3 bytes; a surrogate pair 4 for 2 chars
      ByteBuffer out = utf8.capacity() >= max ? utf8.clear() : ByteBuffer.allocate(max);
      encoder.reset();
      encoder.encode(CharBuffer.wrap(text), out, true);
      encoder.flush(out);
      if (out.capacity() <= KEPT * 3) {
        utf8 = out;
      }
      digest.reset();
      digest.update(out.array(), 0, out.position());
      byte[] hash = digest.digest();
      for (int i = 0; i < hash.length; i++) {
        hex[2 * i] = (byte) HEX[hash[i] >> 4 & 0xF];
        hex[2 * i + 1] = (byte) HEX[hash[i] & 0xF];
      }
      return new String(hex, StandardCharsets.ISO_8859_1);
    }

    void trim() {
      if (text.capacity() > KEPT) {
        text.setLength(0);
        text.trimToSize();
        text.ensureCapacity(1024);
      }
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static Object notJson(Object value) {
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }

  private static void write(StringBuilder out, Object value, UnaryOperator<Object> other) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Boolean bool) {
      out.append(bool.booleanValue());
    } else if (value instanceof Number number) {
      number(out, number);
    } else if (value instanceof Map<?, ?> map) {
      object(out, map, other);
    } else if (value instanceof List<?> list) {
      out.append('[');
      boolean first = true;
      for (Object element : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, element, other);
      }
      out.append(']');
    } else {
      write(out, other.apply(value), other);
    }
  }

  private static void object(StringBuilder out, Map<?, ?> map, UnaryOperator<Object> other) {
    String[] keys = new String[map.size()];
    Object[] values = new Object[keys.length];
    int n = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      keys[n] = String.valueOf(entry.getKey());
      values[n++] = entry.getValue();
    }
    // String.compareTo compares UTF-16 code units: RFC 8785's order. Most maps are small or
    // already sorted; the others are sorted by index, so keys and values stay paired
    Integer[] order = null;
    if (!sorted(keys)) {
      order = new Integer[keys.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
    }
    out.append('{');
    String previous = null;
    for (int i = 0; i < keys.length; i++) {
      int at = order == null ? i : order[i];
      if (previous != null) {
        if (previous.equals(keys[at])) {
          throw new IllegalArgumentException("duplicate key in JSON object");
        }
        out.append(',');
      }
      previous = keys[at];
      string(out, keys[at]);
      out.append(':');
      write(out, values[at], other);
    }
    out.append('}');
  }

  private static boolean sorted(String[] keys) {
    for (int i = 1; i < keys.length; i++) {
      if (keys[i - 1].compareTo(keys[i]) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * A number as the nearest double, in ECMAScript's shortest form: integers up to 2^53 exactly,
   * larger ones rounded (as any RFC 8785 reader would), 1e21 and beyond in exponent form.
   */
  private static void number(StringBuilder out, Number number) {
    // a Float, BigDecimal or BigInteger as written in decimal (0.1f is 0.1, not 0.10000000149…):
    // what its JSON text says, read back as a double
    double value = number instanceof Double || number instanceof Integer || number instanceof Long
      || number instanceof Short || number instanceof Byte
      ? number.doubleValue() : Double.parseDouble(number.toString());
    try {
      out.append(NumberToJSON.serializeNumber(value));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON number: " + number, e);
    }
  }

  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
