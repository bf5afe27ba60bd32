package io.chameleon.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply over the event bus with an explicit timeout, mapping bus failures to
 * {@link Failure}: no handler or a timeout means the backend is unavailable (503); a recipient
 * failure keeps its code when it is an HTTP-like status. A request body is handed over
 * ({@link HandOff}), not copied: build it for the request and do not change it once sent. On a
 * clustered node, a request for the writer fails at once when the writer is known to be gone
 * ({@link WriterPresence}) instead of waiting for the timeout.
 */
public final class BusClient {

  private static final Logger LOG = LoggerFactory.getLogger(BusClient.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final boolean localOnly;
  private final WriterPresence writer;

  public BusClient(Vertx vertx, long timeoutMillis) {
    this(vertx, timeoutMillis, false);
  }

  private BusClient(Vertx vertx, long timeoutMillis, boolean localOnly) {
    this.vertx = vertx;
    this.localOnly = localOnly;
    this.writer = localOnly ? null : WriterPresence.of(vertx);
    this.options = HandOff.options(vertx).setSendTimeout(timeoutMillis).setLocalOnly(localOnly);
  }

  /**
   * The same, but only to consumers on this node: how a store talks to the broadcaster beside it.
   * In a cluster every node's broadcaster answers reads, and a request sent cluster-wide may go to
   * a node that is frozen (paused, partitioned) and answer nothing until Hazelcast drops it.
   */
  public BusClient localOnly() {
    return new BusClient(vertx, options.getSendTimeout(), true);
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, options);
  }

  /** With a timeout of its own, e.g. what is left of the caller's deadline. */
  public Future<JsonObject> request(String address, JsonObject body, long timeoutMillis) {
    return request(address, body, HandOff.options(vertx).setSendTimeout(Math.max(1, timeoutMillis))
      .setLocalOnly(localOnly));
  }

  private Future<JsonObject> request(String address, JsonObject body, DeliveryOptions delivery) {
    Future<Message<JsonObject>> reply = writer != null && Addresses.servedByWriter(address)
      ? writer.guard(() -> vertx.eventBus().request(address, body, delivery))
      : vertx.eventBus().request(address, body, delivery);
    return reply.map(Message::body).recover(err -> Future.failedFuture(toFailure(address, err)));
  }

  /** Maps any bus error to a {@link Failure}; exposed for callers that build their own requests. */
  public static Failure toFailure(String address, Throwable err) {
    if (err instanceof Failure failure) {
      return failure;
    }
    if (err instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case RECIPIENT_FAILURE:
          int code = reply.failureCode();
          if (code >= 400 && code <= 599) {
            return new Failure(code, reply.getMessage());
          }
          return new Failure(500, "internal error");
        case TIMEOUT:
          LOG.warn("[address: {}] no reply in time", address);
          return Failure.unavailable("a backend did not answer in time");
        case NO_HANDLERS:
        default:
          LOG.warn("[address: {}] no handler", address);
          return Failure.unavailable("a backend is not available");
      }
    }
    return new Failure(500, "internal error");
  }

  /** Replies to a bus message with the failure's status, or 500 for anything unexpected. */
  public static void fail(Message<?> message, Throwable err) {
    if (err instanceof Failure failure) {
      message.fail(failure.status(), failure.getMessage());
    } else {
      message.fail(500, "internal error");
    }
  }
}
