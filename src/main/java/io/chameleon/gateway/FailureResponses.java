package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
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

  /**
   * The statuses the router answers by itself, outside any route: 400 (a path it cannot decode,
   * such as a bad percent-escape), 404 and 405 (no route), 406 and 415 (no route produces or
   * consumes the type), and 500 (a failure while handling a failure).
   */
  private static final int[] ROUTER_STATUSES = {400, 404, 405, 406, 415, 500};

  private FailureResponses() {
  }

  /** Sends the router's own errors through the same envelope (Vert.x logs them at ERROR otherwise). */
  static void install(Router router) {
    router.route().failureHandler(FailureResponses::handle);
    for (int status : ROUTER_STATUSES) {
      router.errorHandler(status, forStatus(status));
    }
  }

  static void handle(RoutingContext ctx) {
    respond(ctx, -1);
  }

  /** For the router's error handlers: the status is known, but there may be no failure attached. */
  private static Handler<RoutingContext> forStatus(int status) {
    return ctx -> respond(ctx, status);
  }

  private static void respond(RoutingContext ctx, int routerStatus) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Failure failure = toFailure(ctx, routerStatus);
    if (failure.status() == 405) {
      ctx.response().putHeader("Allow", AllowedMethods.of(ctx.normalizedPath()));
    }
    Envelope.error(ctx, failure);
  }

  private static Failure toFailure(RoutingContext ctx, int routerStatus) {
    Throwable err = ctx.failure();
    if (err instanceof Failure failure) {
      return failure;
    }
    int status = err instanceof HttpException http ? http.getStatusCode()
      : ctx.statusCode() != -1 ? ctx.statusCode() : routerStatus;
    return switch (status) {
      case 400 -> {
        // bad client input (a path that does not decode, a query that does not parse): no stack trace
        LOG.debug("bad request [method: {}, path: {}, cause: {}]", ctx.request().method(), ctx.request().path(),
          err == null ? "undecodable path" : err.getMessage());
        yield Failure.badRequest(routerStatus == 400 && err == null ? "malformed request path" : "bad request");
      }
      case 401 -> new Failure(401, "missing or invalid token");
      case 403 -> new Failure(403, "forbidden");
      case 404 -> Failure.notFound("no such resource");
      case 405 -> new Failure(405, "method not allowed on this resource");
      case 406 -> new Failure(406, "no acceptable representation");
      case 413 -> new Failure(413, "request body is larger than " + JsonBodies.LIMIT_BYTES + " bytes");
      case 415 -> new Failure(415, "the body must be application/json");
      default -> {
        LOG.error("unexpected failure [method: {}, path: {}]", ctx.request().method(), ctx.request().path(), err);
        yield new Failure(500, "internal error");
      }
    };
  }
}
