package io.chameleon.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.chameleon.bus.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary records of a version-2 store snapshot: what a request holds, field after field, with
 * strings as a length and their UTF-8 bytes and plain values (a request's context) as a tag and
 * their content, so a restore reads a million requests without a JSON parser, a field-name lookup
 * or a number parse. Values come back as the event log's JSON codec gives them (maps as
 * LinkedHashMap, lists as ArrayList, integers as Integer or Long, fractions as Double); a number
 * of any other type is kept as its JSON text and read back through the same JSON reading as
 * version 1, so a restored state equals a replayed one either way.
 */
final class SnapshotBinary {

  private static final JsonFactory JSON = new JsonFactory();

  private static final int NULL = 0;
  private static final int FALSE = 1;
  private static final int TRUE = 2;
  private static final int STRING = 3;
  private static final int INT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int MAP = 7;
  private static final int LIST = 8;
  private static final int JSON_NUMBER = 9;

  private SnapshotBinary() {
  }

  /** A growable byte buffer that is written into. */
  static final class Out {
    byte[] bytes;
    int size;

    Out(int capacity) {
      bytes = new byte[capacity];
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
      }
    }

    void writeByte(int b) {
      room(1);
      bytes[size++] = (byte) b;
    }

    void writeInt(int v) {
      room(4);
      bytes[size++] = (byte) (v >>> 24);
      bytes[size++] = (byte) (v >>> 16);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void setInt(int at, int v) {
      bytes[at] = (byte) (v >>> 24);
      bytes[at + 1] = (byte) (v >>> 16);
      bytes[at + 2] = (byte) (v >>> 8);
      bytes[at + 3] = (byte) v;
    }

    void writeVarLong(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        bytes[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[size++] = (byte) v;
    }

    void writeBytes(byte[] b, int from, int length) {
      room(length);
      System.arraycopy(b, from, bytes, size, length);
      size += length;
    }

    /** Null as 0, else the UTF-8 length + 1 and the bytes. */
    void writeString(String s) {
      if (s == null) {
        writeByte(0);
        return;
      }
      byte[] b = s.getBytes(UTF_8);
      writeVarLong(b.length + 1L);
      writeBytes(b, 0, b.length);
    }

    void writeValue(Object value) throws IOException {
      if (value == null) {
        writeByte(NULL);
      } else if (value instanceof String text) {
        writeByte(STRING);
        writeString(text);
      } else if (value instanceof Boolean b) {
        writeByte(b ? TRUE : FALSE);
      } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
        writeByte(INT);
        writeVarLong(zigzag(((Number) value).intValue()));
      } else if (value instanceof Long n) {
        // as a JSON reader gives it back: an Integer when it fits
        writeByte(n == n.intValue() ? INT : LONG);
        writeVarLong(zigzag(n));
      } else if (value instanceof Double n) {
        writeByte(DOUBLE);
        writeVarLong(Double.doubleToRawLongBits(n));
      } else if (value instanceof Map<?, ?> map) {
        writeByte(MAP);
        writeVarLong(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          writeString(String.valueOf(entry.getKey()));
          writeValue(entry.getValue());
        }
      } else if (value instanceof List<?> list) {
        writeByte(LIST);
        writeVarLong(list.size());
        for (Object element : list) {
          writeValue(element);
        }
      } else if (value instanceof Number) {
        writeByte(JSON_NUMBER);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(text)) {
          SnapshotLines.write(json, value);
        }
        writeString(text.toString(UTF_8));
      } else {
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
      }
    }

    private static long zigzag(long v) {
      return (v << 1) ^ (v >> 63);
    }
  }

  /** Reads what {@link Out} wrote from {@code bytes[pos, end)}; past the end throws. */
  static final class In {
    private final byte[] bytes;
    int pos;
    final int end;

    In(byte[] bytes, int pos, int end) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int readByte() {
      if (pos >= end) {
        throw new IllegalArgumentException("record ends early");
      }
      return bytes[pos++] & 0xFF;
    }

    int readInt() {
      if (end - pos < 4) {
        throw new IllegalArgumentException("record ends early");
      }
      int v = (bytes[pos] & 0xFF) << 24 | (bytes[pos + 1] & 0xFF) << 16
        | (bytes[pos + 2] & 0xFF) << 8 | bytes[pos + 3] & 0xFF;
      pos += 4;
      return v;
    }

    /** Steps over a string, checking only that it lies inside the record. */
    void skipString() {
      int n = readLength();
      if (n > 0) {
        if (n - 1 > end - pos) {
          throw new IllegalArgumentException("string past the end of its record");
        }
        pos += n - 1;
      }
    }

    /** Steps over a value, checking its tags and lengths, building nothing. */
    void skipValue() {
      int tag = readByte();
      switch (tag) {
        case NULL, FALSE, TRUE -> {
          // nothing follows
        }
        case STRING, JSON_NUMBER -> skipString();
        case INT, LONG, DOUBLE -> readVarLong();
        case MAP -> {
          int n = readLength();
          for (int i = 0; i < n; i++) {
            skipString();
            skipValue();
          }
        }
        case LIST -> {
          int n = readLength();
          for (int i = 0; i < n; i++) {
            skipValue();
          }
        }
        default -> throw new IllegalArgumentException("unknown value tag " + tag);
      }
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = readByte();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("number too long");
    }

    int readLength() {
      long n = readVarLong();
      if (n < 0 || n > end - pos + 1) {
        throw new IllegalArgumentException("length " + n + " past the end of its record");
      }
      return (int) n;
    }

    String readString() {
      int n = readLength();
      if (n == 0) {
        return null;
      }
      int length = n - 1;
      if (length > end - pos) {
        throw new IllegalArgumentException("string past the end of its record");
      }
      if (length == 0) {
        return "";
      }
      String s = new String(bytes, pos, length, UTF_8);
      pos += length;
      return s;
    }

    Object readValue() throws IOException {
      int tag = readByte();
      switch (tag) {
        case NULL -> {
          return null;
        }
        case FALSE -> {
          return Boolean.FALSE;
        }
        case TRUE -> {
          return Boolean.TRUE;
        }
        case STRING -> {
          return readString();
        }
        case INT -> {
          return (int) unzigzag(readVarLong());
        }
        case LONG -> {
          return unzigzag(readVarLong());
        }
        case DOUBLE -> {
          return Double.longBitsToDouble(readVarLong());
        }
        case MAP -> {
          int n = readLength();
          Map<String, Object> map = new LinkedHashMap<>(2);
          for (int i = 0; i < n; i++) {
            map.put(readString(), readValue());
          }
          return map;
        }
        case LIST -> {
          int n = readLength();
          ArrayList<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(readValue());
          }
          return list;
        }
        case JSON_NUMBER -> {
          try (JsonParser json = JSON.createParser(readString())) {
            return SnapshotLines.read(json, json.nextToken());
          }
        }
        default -> throw new IllegalArgumentException("unknown value tag " + tag);
      }
    }

    private static long unzigzag(long v) {
      return (v >>> 1) ^ -(v & 1);
    }
  }

  /**
   * A request: the fields its indexes and counters read, then its detail (title, description,
   * context, action reason, create fingerprint) behind a 4-byte length, so a restore can keep the
   * detail as bytes ({@link InterventionRequest#encoded}). A detail never decoded is copied as
   * it is.
   */
  static void writeRequest(Out out, InterventionRequest r) throws IOException {
    out.writeString(r.requestId());
    out.writeString(r.uowId());
    out.writeString(r.interventionType());
    out.writeByte(r.status().ordinal());
    out.writeString(r.priority());
    out.writeString(r.createdAt());
    boolean same = r.updatedAt() != null && r.updatedAt().equals(r.createdAt());
    out.writeByte(same ? 1 : 0);
    if (!same) {
      out.writeString(r.updatedAt());
    }
    out.writeString(r.expiresAt());
    out.writeByte(r.requiredRole().ordinal());
    out.writeString(r.assignedTo());
    out.writeString(r.actionTimestamp());
    out.writeString(r.actionBy());
    out.writeVarLong(r.version());
    byte[] encoded = r.encodedDetail();
    if (encoded != null) {
      out.writeInt(r.encodedLength());
      out.writeBytes(encoded, r.encodedAt(), r.encodedLength());
      return;
    }
    int lengthAt = out.size;
    out.writeInt(0);
    out.writeString(r.title());
    out.writeString(r.description());
    out.writeValue(r.context());
    out.writeString(r.actionReason());
    out.writeString(r.createFingerprint());
    out.setInt(lengthAt, out.size - lengthAt - 4);
  }

  /**
   * What {@link #writeRequest} wrote, built as {@code InterventionRequest.fromState} would, its
   * detail checked (every length and tag inside its bounds) and kept as bytes of {@code in}; the
   * enums by the ordinals the writer had ({@code statuses}, {@code roles}: as the body lists their
   * names, null for a name this node does not know).
   */
  static InterventionRequest readRequest(In in, byte[] bytes, Object[] statuses, Object[] roles)
    throws IOException {
    String requestId = required(in.readString(), "request_id");
    String uowId = in.readString();
    // type and priority come from a closed vocabulary: one shared copy each, as fromState does
    String type = required(in.readString(), "intervention_type").intern();
    RequestStatus status = (RequestStatus) known(statuses, in.readByte(), "status");
    String priority = required(in.readString(), "priority").intern();
    String createdAt = in.readString();
    // a request never updated keeps one copy of the time (a million of them, 64 bytes each)
    String updatedAt = in.readByte() == 1 ? createdAt : in.readString();
    String expiresAt = in.readString();
    Role role = (Role) known(roles, in.readByte(), "required_role");
    String assignedTo = in.readString();
    String actionTimestamp = in.readString();
    String actionBy = in.readString();
    long version = in.readVarLong();
    int length = in.readInt();
    if (length < 0 || length > in.end - in.pos) {
      throw new IllegalArgumentException("request detail past the end of its record");
    }
    int at = in.pos;
    In detail = new In(bytes, at, at + length);
    detail.skipString();
    detail.skipString();
    detail.skipValue();
    detail.skipString();
    detail.skipString();
    if (detail.more()) {
      throw new IllegalArgumentException("request detail longer than its fields");
    }
    in.pos = at + length;
    return InterventionRequest.encoded(requestId, uowId, type, status, priority, createdAt,
      updatedAt, expiresAt, role, assignedTo, actionTimestamp, actionBy, version, bytes, at, length);
  }

  /** The detail {@link #readRequest} checked and kept as {@code bytes[at, at + length)}. */
  @SuppressWarnings("unchecked")
  static InterventionRequest.Detail readDetail(byte[] bytes, int at, int length) {
    In in = new In(bytes, at, at + length);
    try {
      return new InterventionRequest.Detail(in.readString(), in.readString(),
        (Map<String, Object>) in.readValue(), in.readString(), in.readString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String required(String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("request " + field + " missing");
    }
    return value;
  }

  private static Object known(Object[] values, int ordinal, String field) {
    if (ordinal >= values.length || values[ordinal] == null) {
      throw new IllegalArgumentException("request " + field + " " + ordinal + " unknown");
    }
    return values[ordinal];
  }
}
