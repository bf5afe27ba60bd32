package io.chameleon.broadcast;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the bodies of {@code events.append} and {@code events.read} and turns them into typed
 * requests; anything malformed is a 400 {@link Failure} naming the field. No Vert.x runtime needed.
 */
public final class EventRequests {

  public static final int MAX_EVENTS_PER_APPEND = 1000;
  public static final int MAX_EVENT_TYPE_LENGTH = 200;
  public static final int DEFAULT_COUNT = 100;
  public static final int MAX_COUNT = 1000;

  /** A checked {@code events.read} body; {@code afterHash} null when the read is not anchored. */
  public record Read(String after, String afterHash, int count, Set<String> types, int maxBytes) {
  }

  private EventRequests() {
  }

  /** {@code {events: [{event_type, payload}]}} → drafts. */
  public static List<EventDraft> append(JsonObject body) {
    Object events = body == null ? null : body.getValue("events");
    if (!(events instanceof JsonArray array) || array.isEmpty()) {
      throw Failure.badRequest("events must be a non-empty array");
    }
    if (array.size() > MAX_EVENTS_PER_APPEND) {
      throw Failure.badRequest("events must hold at most " + MAX_EVENTS_PER_APPEND + " items");
    }
    List<EventDraft> drafts = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw Failure.badRequest("events[" + i + "] must be an object");
      }
      if (!(item.getValue("event_type") instanceof String type) || type.isBlank()
        || type.length() > MAX_EVENT_TYPE_LENGTH) {
        throw Failure.badRequest("events[" + i + "].event_type must be a non-empty string of at most "
          + MAX_EVENT_TYPE_LENGTH + " characters");
      }
      if (!(item.getValue("payload") instanceof JsonObject payload)) {
        throw Failure.badRequest("events[" + i + "].payload must be an object");
      }
      drafts.add(new EventDraft(type, payload));
    }
    return drafts;
  }

  /**
   * The optional {@code start_within_ms} of an append (1 to 600000): the write must start within
   * that many milliseconds of its arrival, else nothing is written and the caller gets 503. Null
   * when absent.
   */
  public static Long startWithinMs(JsonObject body) {
    Object value = body == null ? null : body.getValue("start_within_ms");
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
      || ((Number) value).longValue() > 600_000) {
      throw Failure.badRequest("start_within_ms must be an integer from 1 to 600000");
    }
    return ((Number) value).longValue();
  }

  /**
   * The optional {@code expect} of an append, {@code {id, hash}}: the tip its writer has applied
   * (a fenced append, see {@link WriterFence}). Null when absent.
   */
  public static Tip expect(JsonObject body) {
    Object value = body == null ? null : body.getValue("expect");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject json)) {
      throw Failure.badRequest("expect must be an object {id, hash}");
    }
    try {
      return Tip.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw Failure.badRequest("expect." + e.getMessage());
    }
  }

  /**
   * The optional {@code epoch} of an append: the writer epoch its caller holds (a clustered store).
   * Null when absent.
   */
  public static Long epoch(JsonObject body) {
    Object value = body == null ? null : body.getValue("epoch");
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw Failure.badRequest("epoch must be a positive integer");
    }
    return ((Number) value).longValue();
  }

  /** {@code {after?, after_hash?, count?, types?, max_bytes?}} → a read request. */
  public static Read read(JsonObject body) {
    JsonObject json = body == null ? new JsonObject() : body;
    Object after = json.getValue("after");
    String afterId = EventId.ZERO.toString();
    if (after != null) {
      if (!(after instanceof String text)) {
        throw Failure.badRequest("after must be an event id <ms>-<seq>");
      }
      try {
        afterId = EventId.parse(text).toString();
      } catch (IllegalArgumentException e) {
        throw Failure.badRequest("after must be an event id <ms>-<seq>");
      }
    }
    Object afterHash = json.getValue("after_hash");
    if (afterHash != null && !(afterHash instanceof String h && h.matches("[0-9a-f]{64}"))) {
      throw Failure.badRequest("after_hash must be 64 lowercase hex characters");
    }
    Object count = json.getValue("count");
    int n = DEFAULT_COUNT;
    if (count != null) {
      if (!(count instanceof Integer || count instanceof Long)
        || ((Number) count).longValue() < 1 || ((Number) count).longValue() > MAX_COUNT) {
        throw Failure.badRequest("count must be an integer from 1 to " + MAX_COUNT);
      }
      n = ((Number) count).intValue();
    }
    Object maxBytes = json.getValue("max_bytes");
    int bytes = EventLog.MAX_PAGE_BYTES;
    if (maxBytes != null) {
      if (!(maxBytes instanceof Integer || maxBytes instanceof Long)
        || ((Number) maxBytes).longValue() < 1 || ((Number) maxBytes).longValue() > EventLog.MAX_PAGE_BYTES) {
        throw Failure.badRequest("max_bytes must be an integer from 1 to " + EventLog.MAX_PAGE_BYTES);
      }
      bytes = ((Number) maxBytes).intValue();
    }
    Object types = json.getValue("types");
    Set<String> wanted = new LinkedHashSet<>();
    if (types != null) {
      if (!(types instanceof JsonArray array)) {
        throw Failure.badRequest("types must be an array of event types");
      }
      for (Object type : array) {
        if (!(type instanceof String text) || text.isBlank()) {
          throw Failure.badRequest("types must be an array of event types");
        }
        wanted.add(text);
      }
    }
    return new Read(afterId, (String) afterHash, n, wanted, bytes);
  }
}
