package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests whose meaning depends on who reads them. One that the HTTP decoder cannot take (a head
 * over 8 KiB, a request line over 16 KiB, a duplicate or negative {@code Content-Length}) gets the
 * error envelope and {@code Connection: close}, then the connection closes: what follows it on the
 * wire cannot be trusted. Two {@code Authorization} headers get 400 (which one would count?). A
 * body framed by {@code Transfer-Encoding} is answered and the connection then closed (RFC 9112
 * §6.3): a front proxy may have framed it by {@code Content-Length} instead, and whatever it sent
 * behind it must not be served as a request of its own.
 */
final class RequestFraming {

  private static final Logger LOG = LoggerFactory.getLogger(RequestFraming.class);

  private RequestFraming() {
  }

  /** The server's invalid-request handler (Vert.x's own answers a bare status). */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Failure failure;
    if (cause instanceof TooLongHttpLineException) {
      failure = new Failure(414, "request line longer than " + GatewayVerticle.MAX_INITIAL_LINE_BYTES + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      failure = new Failure(431, "request headers larger than " + GatewayVerticle.MAX_HEADER_BYTES + " bytes");
    } else if (cause instanceof TooLongFrameException) {
      failure = new Failure(431, "request head too large");
    } else {
      failure = Failure.badRequest("malformed request");
    }
    LOG.debug("invalid request [remote: {}, status: {}, cause: {}]", request.remoteAddress(), failure.status(),
      cause == null ? null : cause.getMessage());
    Envelope.error(request.response().putHeader("Connection", "close"), failure)
      .onComplete(v -> request.connection().close());
  }

  /** Routing step before authentication. */
  static void check(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.headers().contains("Transfer-Encoding")) {
      ctx.response().putHeader("Connection", "close");
      ctx.addEndHandler(v -> request.connection().close());
    }
    if (request.headers().getAll("Authorization").size() > 1) {
      ctx.fail(Failure.badRequest("more than one Authorization header"));
      return;
    }
    ctx.next();
  }
}
