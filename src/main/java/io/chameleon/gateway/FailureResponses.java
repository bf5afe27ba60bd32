package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's one failure handler: every error becomes the SPEC §1 envelope with its status and
 * code. Known failures keep their message; anything unexpected is logged here and answered with a
 * bare 500 — never a stack trace, an exception class or an internal message.
 */
final class FailureResponses {

  private static final Logger LOG = LoggerFactory.getLogger(FailureResponses.class);

  private FailureResponses() {
  }

  static void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Envelope.error(ctx, toFailure(ctx));
  }

  private static Failure toFailure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (err instanceof Failure failure) {
      return failure;
    }
    int status = err instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    return switch (status) {
      case 400 -> Failure.badRequest("bad request");
      case 401 -> new Failure(401, "missing or invalid token");
      case 403 -> new Failure(403, "forbidden");
      case 404 -> Failure.notFound("no such resource");
      case 405 -> new Failure(405, "method not allowed on this resource");
      case 413 -> new Failure(413, "request body is larger than " + JsonBodies.LIMIT_BYTES + " bytes");
      case 415 -> new Failure(415, "the body must be application/json");
      default -> {
        LOG.error("unexpected failure [method: {}, path: {}]", ctx.request().method(), ctx.request().path(), err);
        yield new Failure(500, "internal error");
      }
    };
  }
}
