package io.chameleon.broadcast;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Tip;
import io.chameleon.bus.UtcTimestamps;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One immutable record of the audit stream: {@code {id, timestamp, event_type, payload, prev_hash,
 * hash}}. {@link #toJson()} is both the wire shape and the stored line of the file backend.
 */
public record Event(String id, String timestamp, String eventType, JsonObject payload,
                    String prevHash, String hash) {

  private static final DateTimeFormatter TIMESTAMP =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(eventType, "event_type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(prevHash, "prev_hash");
    Objects.requireNonNull(hash, "hash");
  }

  /**
   * Builds the event that follows {@code prevHash}: timestamp from the id, hash computed. The
   * draft's payload becomes the event's own, not a copy: a draft is made for its append (or
   * handed over on the bus with it) and nobody changes it afterwards.
   */
  public static Event chained(EventId id, EventDraft draft, String prevHash) {
    String timestamp = timestampOf(id.ms());
    JsonObject payload = draft.payload();
    String hash = EventHash.of(prevHash, timestamp, draft.eventType(), payload);
    return new Event(id.toString(), timestamp, draft.eventType(), payload, prevHash, hash);
  }

  /** The {@code timestamp} of an event whose id is at {@code ms}. */
  static String timestampOf(long ms) {
    Instant at = Instant.ofEpochMilli(ms);
    String fast = UtcTimestamps.formatMillis(at);
    return fast != null ? fast : TIMESTAMP.format(at);
  }

  public EventId eventId() {
    return EventId.parse(id);
  }

  /** This event as the tip of its chain: the next event is chained on it. */
  public Tip tip() {
    return new Tip(id, hash);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id)
      .put("timestamp", timestamp)
      .put("event_type", eventType)
      .put("payload", payload)
      .put("prev_hash", prevHash)
      .put("hash", hash);
  }

  /**
   * Reads an event back.
   *
   * @throws IllegalArgumentException when a field is missing, of the wrong type, or the id is
   *     malformed
   */
  public static Event fromJson(JsonObject json) {
    try {
      Event event = new Event(json.getString("id"), json.getString("timestamp"),
        json.getString("event_type"), json.getJsonObject("payload"),
        json.getString("prev_hash"), json.getString("hash"));
      EventId.parse(event.id());
      return event;
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not an event: " + e.getMessage());
    }
  }
}
