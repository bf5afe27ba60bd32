package io.chameleon.dashboard;

import io.vertx.core.json.JsonObject;

/**
 * The dashboard's settings, read once from the resolved configuration ({@code dashboard.*} and
 * {@code bus.timeout_ms}; the keys, defaults and checks are in {@code app.Settings}).
 *
 * @param allowedOrigin the one browser {@code Origin} a socket may come from; null = any
 * @param maxQueuedBytes bytes written to one socket but not yet flushed before its pushes are dropped
 * @param maxMessagesPerSecond messages (and WebSocket pings) one socket may send per second before it is closed
 * @param authTimeoutMs time a new socket has to authenticate
 * @param busTimeoutMs event-bus request timeout
 * @param caps the node's, each pilot's and each client address's most open sockets
 * @param maxReplyBytes the longest {@code get_pending} reply before its requests are cut to a page
 * @param maxConcurrentReplays socket replays reading or writing a page at once on this node
 * @param replayPageBytes the most bytes of events one replay page holds
 */
record DashboardConfig(String allowedOrigin, int maxQueuedBytes, int maxMessagesPerSecond,
                       long authTimeoutMs, long busTimeoutMs, SocketCaps.Limits caps, int maxReplyBytes,
                       int maxConcurrentReplays, int replayPageBytes) {

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
      bus.getInteger("timeout_ms", 5000),
      new SocketCaps.Limits(
        dashboard.getInteger("max_sockets", 2000),
        dashboard.getInteger("max_sockets_per_pilot", 50),
        dashboard.getInteger("max_sockets_per_address", 200)),
      dashboard.getInteger("max_reply_bytes", 262_144),
      dashboard.getInteger("max_concurrent_replays", 2),
      dashboard.getInteger("replay_page_bytes", 262_144));
  }
}
