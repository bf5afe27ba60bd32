package io.chameleon.broadcast.checkpoint;

import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A signed statement of the writer: "the log's event {@code id} has hash {@code hash} and is its
 * {@code count}-th event". {@code rewrite} marks the checkpoint an operator's accepted rewrite
 * started from (older checkpoints describe a log that no longer exists). The signature covers
 * {@link #signedText()}: every field but the signature itself.
 */
public record Checkpoint(String id, String hash, long count, String at, boolean rewrite, String key,
                         String signature) {

  public Checkpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(signature, "signature");
  }

  /** Signs {@code {id, hash, count}} with {@code key}. */
  public static Checkpoint sign(CheckpointKey key, String id, String hash, long count, String at, boolean rewrite) {
    Checkpoint unsigned = new Checkpoint(id, hash, count, at, rewrite, key.fingerprint(), "");
    return new Checkpoint(id, hash, count, at, rewrite, key.fingerprint(), key.sign(unsigned.signedText()));
  }

  /** The text the signature covers; one field a line, so no value can pass for another. */
  public String signedText() {
    return "chameleon-checkpoint-v1\nid:" + id + "\nhash:" + hash + "\ncount:" + count + "\nat:" + at
      + "\nrewrite:" + rewrite + "\nkey:" + key;
  }

  /**
   * Why {@code trusted} does not vouch for this checkpoint, or null when it does: another key
   * signed it, or the signature does not match its fields.
   */
  public String untrustedBy(CheckpointKey trusted) {
    if (!trusted.fingerprint().equals(key)) {
      return "signed by key " + key + ", not by this node's checkpoint key " + trusted.fingerprint();
    }
    if (!trusted.verify(signedText(), signature)) {
      return "its signature does not match its fields (altered, or not signed by the checkpoint key)";
    }
    return null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("hash", hash).put("count", count).put("at", at)
      .put("rewrite", rewrite).put("key", key).put("signature", signature);
  }

  /**
   * Reads a stored checkpoint back.
   *
   * @throws IllegalArgumentException when a field is missing or of the wrong shape
   */
  public static Checkpoint fromJson(JsonObject json) {
    try {
      Checkpoint checkpoint = new Checkpoint(json.getString("id"), json.getString("hash"),
        json.getLong("count"), json.getString("at"), json.getBoolean("rewrite", false),
        json.getString("key"), json.getString("signature"));
      EventId.parse(checkpoint.id());
      if (checkpoint.count() < 0) {
        throw new IllegalArgumentException("count must not be negative");
      }
      return checkpoint;
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a checkpoint: " + e.getMessage());
    }
  }
}
