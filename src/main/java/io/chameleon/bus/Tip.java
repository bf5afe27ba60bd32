package io.chameleon.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The newest event of a chain as a writer knows it: its id and hash. {@link #EMPTY} stands for the
 * empty log ({@code 0-0} and the genesis hash), which the first event's {@code prev_hash} names.
 */
public record Tip(String id, String hash) {

  /** The {@code prev_hash} of a chain's first event. */
  public static final String GENESIS_HASH = "0".repeat(64);

  public static final Tip EMPTY = new Tip(EventId.ZERO.toString(), GENESIS_HASH);

  public Tip {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
  }

  public EventId eventId() {
    return EventId.parse(id);
  }

  public boolean isEmpty() {
    return EMPTY.equals(this);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("hash", hash);
  }

  /**
   * Reads {@code {id, hash}}.
   *
   * @throws IllegalArgumentException naming the field when the id is not {@code <ms>-<seq>} or the
   *     hash is not 64 lowercase hex characters
   */
  public static Tip fromJson(JsonObject json) {
    Object id = json == null ? null : json.getValue("id");
    Object hash = json == null ? null : json.getValue("hash");
    if (!(id instanceof String text)) {
      throw new IllegalArgumentException("id must be an event id <ms>-<seq>");
    }
    EventId.parse(text);
    if (!(hash instanceof String h) || !h.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("hash must be 64 lowercase hex characters");
    }
    return new Tip(text, h);
  }
}
