package io.chameleon.snapshot;

import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What a snapshot says of itself: the state it holds ({@code part}: {@code "store"} or
 * {@code "guardians"}), the format of its body ({@code version}, so an unknown format is reported
 * and skipped), the event it covers the log up to ({@code covers}: every event up to and including
 * it is in the state, none after it), when it was written, and its body's size and SHA-256 (filled
 * in by the store that saved it; 0 and null before).
 */
public record SnapshotHeader(String part, int version, Tip covers, String createdAt, long bytes,
                             String sha256) {

  public SnapshotHeader {
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(covers, "covers");
    Objects.requireNonNull(createdAt, "created_at");
  }

  /** A header to save: size and checksum are the store's to fill in. */
  public static SnapshotHeader of(String part, int version, Tip covers, String createdAt) {
    return new SnapshotHeader(part, version, covers, createdAt, 0, null);
  }

  public SnapshotHeader withBody(long bytes, String sha256) {
    return new SnapshotHeader(part, version, covers, createdAt, bytes, sha256);
  }

  public JsonObject toJson() {
    return new JsonObject().put("part", part).put("version", version).put("covers", covers.toJson())
      .put("created_at", createdAt).put("bytes", bytes).put("sha256", sha256);
  }

  /**
   * Reads a stored header.
   *
   * @throws IllegalArgumentException when a field is missing or of the wrong type
   */
  public static SnapshotHeader fromJson(JsonObject json) {
    try {
      return new SnapshotHeader(json.getString("part"), json.getInteger("version"),
        Tip.fromJson(json.getJsonObject("covers")), json.getString("created_at"),
        json.getLong("bytes"), json.getString("sha256"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a snapshot header: " + e.getMessage());
    }
  }
}
