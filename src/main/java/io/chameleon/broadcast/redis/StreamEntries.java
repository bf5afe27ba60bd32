package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.Event;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * One audit event as a Redis stream entry: the entry id is the event id, the fields are
 * {@code event_type}, {@code timestamp}, {@code payload} (JSON text), {@code prev_hash} and
 * {@code hash} (docs/REDIS.md). What external consumers read, so the names do not change.
 */
final class StreamEntries {

  static final List<String> FIELDS = List.of("event_type", "timestamp", "payload", "prev_hash", "hash");

  private StreamEntries() {
  }

  /** The id and the field values, in {@link #FIELDS} order, as the append script takes them. */
  static List<String> values(Event event) {
    return values(event, event.payload().encode());
  }

  /** As {@link #values(Event)}, with the payload already encoded as {@code payloadText}. */
  static List<String> values(Event event, String payloadText) {
    return List.of(event.id(), event.eventType(), event.timestamp(), payloadText,
      event.prevHash(), event.hash());
  }

  /** UTF-8 bytes of an entry's fields, names and values, as counted in {@code bytes_written}. */
  static long bytes(List<String> values) {
    long bytes = 0;
    for (int i = 1; i < values.size(); i++) {
      bytes += FIELDS.get(i - 1).length() + utf8Length(values.get(i));
    }
    return bytes;
  }

  /** {@code text.getBytes(UTF_8).length}, counted without encoding it. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
        && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes++; // a lone surrogate: String.getBytes writes '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Bytes of an entry as read back: its id and its fields' names and values. */
  static long bytes(Response entry) {
    long bytes = id(entry).length();
    Response fields = entry.get(1);
    for (String name : FIELDS) {
      Response value = fields == null ? null : fields.get(name);
      if (value != null) {
        bytes += name.length() + value.toBuffer().length();
      }
    }
    return bytes;
  }

  /** The entries of an XRANGE / XREVRANGE reply, as {@code [id, [field, value, …]]} pairs. */
  static List<Response> entries(Response reply) {
    List<Response> entries = new ArrayList<>(reply == null ? 0 : reply.size());
    if (reply != null) {
      reply.forEach(entries::add);
    }
    return entries;
  }

  static String id(Response entry) {
    return entry.get(0).toString();
  }

  /**
   * Reads an entry back.
   *
   * @throws IllegalArgumentException when a field is missing or the payload is not a JSON object
   */
  static Event event(Response entry) {
    Response fields = entry.get(1);
    try {
      return Event.fromJson(new JsonObject()
        .put("id", id(entry))
        .put("timestamp", text(fields, "timestamp"))
        .put("event_type", text(fields, "event_type"))
        .put("payload", new JsonObject(text(fields, "payload")))
        .put("prev_hash", text(fields, "prev_hash"))
        .put("hash", text(fields, "hash")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("stream entry " + id(entry) + " is not an event: " + e.getMessage());
    }
  }

  private static String text(Response fields, String name) {
    Response value = fields == null ? null : fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("field " + name + " is missing");
    }
    return value.toString();
  }
}
