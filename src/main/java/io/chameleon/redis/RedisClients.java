package io.chameleon.redis;

import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's connections to Redis: the pooled client built from {@code {url, timeout_ms}}, and the
 * bound every command needs — vertx-redis-client has no per-command timeout, so a stalled Redis
 * would otherwise hold a caller forever. Failures come out as 503 {@link Failure}s that name Redis
 * by host and port, never with the password of the URL.
 */
public final class RedisClients {

  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  public static final long DEFAULT_TIMEOUT_MS = 2000;

  /**
   * The default pool (6 connections, 24 waiters) overflows at 64 concurrent callers: with 16
   * connections the rest wait their turn instead of failing.
   */
  static final int POOL_SIZE = 16;
  static final int POOL_WAITING = 1024;

  private final Redis redis;
  private final RedisAPI api;
  private final String endpoint;
  private final long timeoutMs;

  private RedisClients(Redis redis, String endpoint, long timeoutMs) {
    this.redis = redis;
    this.api = RedisAPI.api(redis);
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }

  /** The pooled client of {@code config} = {@code {url, timeout_ms}} (the {@code redis} section). */
  public static RedisClients create(Vertx vertx, JsonObject config) {
    String url = config.getString("url", DEFAULT_URL);
    long timeoutMs = config.getLong("timeout_ms", DEFAULT_TIMEOUT_MS);
    RedisOptions options = new RedisOptions()
      .setConnectionString(url)
      .setMaxPoolSize(POOL_SIZE)
      .setMaxPoolWaiting(POOL_WAITING);
    // a host that drops packets must not hold a connect for the 60 s default
    options.getNetClientOptions().setConnectTimeout((int) timeoutMs).setTcpKeepAlive(true);
    return new RedisClients(Redis.createClient(vertx, options), endpoint(url), timeoutMs);
  }

  /** {@code host:port} of a {@code redis://} URL, without user or password. */
  public static String endpoint(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(an unparsable redis.url)";
    }
  }

  public Redis redis() {
    return redis;
  }

  public RedisAPI api() {
    return api;
  }

  /** {@code host:port}, for messages. */
  public String endpoint() {
    return endpoint;
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /** {@code command} failed with a {@link TimeoutException} if Redis has not answered in time. */
  public <T> Future<T> timed(Future<T> command) {
    return command.timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** {@code command} bounded by the timeout, any failure mapped by {@link #unavailable}. */
  public <T> Future<T> bounded(Future<T> command) {
    return timed(command).recover(err -> Future.failedFuture(unavailable(err)));
  }

  /** A 503 naming Redis and what went wrong: no answer in time, no connection, or its error reply. */
  public Failure unavailable(Throwable err) {
    if (err instanceof Failure failure) {
      return failure;
    }
    return Failure.unavailable(describe(err));
  }

  /** What went wrong, in words naming Redis by host and port. */
  public String describe(Throwable err) {
    if (err instanceof TimeoutException) {
      return "Redis at " + endpoint + " did not answer within " + timeoutMs + " ms";
    }
    if (isReply(err)) {
      return "Redis at " + endpoint + " refused the command: " + err.getMessage();
    }
    if (err instanceof ErrorType && ((ErrorType) err).is("CONNECTION_CLOSED")) {
      return "Redis at " + endpoint + " is unreachable: the connection was closed";
    }
    if (err instanceof Failure) {
      return err.getMessage();
    }
    String why = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    // Netty adds ": /host:port" to a refused connect; the endpoint is named already
    int address = why.indexOf(": /");
    return "Redis at " + endpoint + " is unreachable: " + (address > 0 ? why.substring(0, address) : why);
  }

  /**
   * Whether Redis answered (with an error reply): the command reached it, the connection is fine.
   * The client reports a closed connection and a garbled reply as error types of its own, which
   * are not answers.
   */
  public static boolean isReply(Throwable err) {
    return err instanceof ErrorType error && !error.is("CONNECTION_CLOSED") && !error.is("ILLEGAL_STATE");
  }

  /** Whether the command surely never reached Redis: no connection could be opened. */
  public static boolean neverSent(Throwable err) {
    return err instanceof ConnectException;
  }

  public Future<Void> close() {
    return redis.close();
  }
}
