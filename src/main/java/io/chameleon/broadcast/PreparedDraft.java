package io.chameleon.broadcast;

import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;

/**
 * An {@link EventDraft} with the costly, order-free part of its chaining done ahead, on whichever
 * thread has the time: the payload copied, the RFC 8785 canonical JSON of {@code {timestamp,
 * event_type, payload}} for a timestamp taken now, and the payload as JSON text. Only the chain link
 * is sequential (SHA-256 over the previous hash and that canonical JSON); {@link #chain} does just
 * that on the log's context, when the event's id turns out to be at the millisecond it was prepared
 * for (nearly always), and the whole {@link Event#chained} otherwise. The hash is the one
 * {@link EventHash#of} gives (PreparedDraftTest).
 */
public final class PreparedDraft {

  private final String eventType;
  private final JsonObject payload;
  private final long ms;
  private final String timestamp;
  private final String canonical;
  private final String payloadText;

  private PreparedDraft(String eventType, JsonObject payload, long ms, String timestamp, String canonical,
                        String payloadText) {
    this.eventType = eventType;
    this.payload = payload;
    this.ms = ms;
    this.timestamp = timestamp;
    this.canonical = canonical;
    this.payloadText = payloadText;
  }

  /**
   * Prepares {@code draft} for an id at {@code nowMs}.
   *
   * @throws RuntimeException when the payload has no canonical JSON form
   */
  public static PreparedDraft of(EventDraft draft, long nowMs) {
    String timestamp = Event.timestampOf(nowMs);
    // a copy: this is prepared off the caller's context, and the event must stay the one hashed
    JsonObject payload = draft.payload().copy();
    // what EventHash.of hashes, canonicalised here instead of on the log's context
    return new PreparedDraft(draft.eventType(), payload, nowMs, timestamp,
      EventHash.canonical(timestamp, draft.eventType(), payload), payload.encode());
  }

  /** The millisecond this draft was prepared for: an id at it needs no second canonicalisation. */
  public long ms() {
    return ms;
  }

  /** The payload as JSON text (encoded once, here). */
  public String payloadText() {
    return payloadText;
  }

  /** The event at {@code id} that follows {@code prevHash}, as {@link Event#chained} builds it. */
  public Event chain(EventId id, String prevHash) {
    if (id.ms() != ms) {
      return Event.chained(id, new EventDraft(eventType, payload), prevHash);
    }
    return new Event(id.toString(), timestamp, eventType, payload, prevHash,
      EventHash.link(prevHash, canonical));
  }
}
