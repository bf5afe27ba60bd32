package io.chameleon.dashboard;

import io.vertx.core.json.JsonObject;

/**
 * The dashboard's settings, read once from the resolved configuration ({@code dashboard.*} and
 * {@code bus.timeout_ms}; the keys, defaults and checks are in {@code app.Settings}).
 *
 * @param allowedOrigin the one browser {@code Origin} a socket may come from; null = any
 * @param maxQueuedBytes bytes written to one socket but not yet flushed before its pushes are dropped
 * @param maxMessagesPerSecond messages one socket may send per second before it is closed
 * @param authTimeoutMs time a new socket has to authenticate
 * @param busTimeoutMs event-bus request timeout
 */
record DashboardConfig(String allowedOrigin, int maxQueuedBytes, int maxMessagesPerSecond,
                       long authTimeoutMs, long busTimeoutMs) {

  /** A message (frame) from a client larger than this closes its socket with 1009. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;

  static DashboardConfig from(JsonObject config) {
    JsonObject dashboard = config.getJsonObject("dashboard", new JsonObject());
    JsonObject bus = config.getJsonObject("bus", new JsonObject());
    return new DashboardConfig(
      dashboard.getString("allowed_origin"),
      dashboard.getInteger("max_queued_bytes", 1_048_576),
      dashboard.getInteger("max_messages_per_second", 20),
      dashboard.getInteger("auth_timeout_ms", 5000),
      bus.getInteger("timeout_ms", 5000));
  }
}
