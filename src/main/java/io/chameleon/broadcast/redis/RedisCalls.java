package io.chameleon.broadcast.redis;

import io.chameleon.broadcast.EventMetrics;
import io.chameleon.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;

/**
 * The log's way to Redis: every command counted as a round trip (and in the metrics), and bounded
 * by {@code redis.timeout_ms} unless it is a probe that waits for Redis to come back.
 */
final class RedisCalls {

  final RedisClients redis;
  final RedisAPI api;
  private final EventMetrics metrics;
  private long roundTrips;

  RedisCalls(RedisClients redis, EventMetrics metrics) {
    this.redis = redis;
    this.api = redis.api();
    this.metrics = metrics;
  }

  /** {@code command}, failed with a timeout if Redis has not answered in time. */
  <T> Future<T> timed(Future<T> command) {
    return redis.timed(counted(command));
  }

  /** {@code command} as it is: for probes, whose late answer is the news. */
  <T> Future<T> counted(Future<T> command) {
    roundTrips++;
    metrics.roundTrip();
    return command;
  }

  long roundTrips() {
    return roundTrips;
  }
}
