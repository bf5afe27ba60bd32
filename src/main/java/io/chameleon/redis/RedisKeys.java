package io.chameleon.redis;

import java.util.Objects;

/**
 * The names of every key Chameleon writes in Redis, all under one prefix ({@code
 * events.redis.key_prefix}; with a hash tag such as {@code {chameleon}:} they share one Redis
 * Cluster slot, so one script can touch them all). See {@code docs/REDIS.md}.
 */
public record RedisKeys(String prefix, String stream) {

  public RedisKeys {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(stream, "stream");
    if (prefix.isEmpty() || !stream.startsWith(prefix)) {
      throw new IllegalArgumentException("events.redis.stream: must start with events.redis.key_prefix ('"
        + prefix + "'), got " + stream);
    }
  }

  /** The hash beside the stream: {@code id} and {@code hash} of its newest event, {@code fence}, {@code epoch}. */
  public String tip() {
    return prefix + "tip";
  }

  /** The start of the snapshot store's keys. */
  public String snapshotPrefix() {
    return prefix + "snapshot:";
  }

  /** The writer lease of a cluster. */
  public String lease() {
    return prefix + "lease";
  }
}
