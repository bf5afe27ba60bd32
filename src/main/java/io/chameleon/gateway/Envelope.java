package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Writes the SPEC §1 response envelope: {@code {success, data}} or {@code {success, error}}. */
final class Envelope {

  /** What a 503 tells the client to wait before trying again (a writer take-over takes seconds). */
  static final String RETRY_AFTER_SECONDS = "2";

  private Envelope() {
  }

  static Future<Void> ok(RoutingContext ctx, int status, Object data) {
    return json(ctx.response().setStatusCode(status), new JsonObject().put("success", true).put("data", data));
  }

  /** Answers 200 with {@code data(result)}, or passes the failure to the failure handler. */
  static <T> void reply(RoutingContext ctx, Future<T> result, Function<T, Object> data) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ok(ctx, 200, data.apply(ar.result()));
      }
    });
  }

  static Future<Void> error(RoutingContext ctx, Failure failure) {
    return error(ctx, failure, null);
  }

  /** The failure envelope, with {@code data} alongside when there is something useful to show. */
  static Future<Void> error(RoutingContext ctx, Failure failure, JsonObject data) {
    return error(ctx.response(), failure, data);
  }

  /** The failure envelope on a bare response: for requests the router never sees. */
  static Future<Void> error(HttpServerResponse response, Failure failure) {
    return error(response, failure, null);
  }

  private static Future<Void> error(HttpServerResponse response, Failure failure, JsonObject data) {
    JsonObject error = new JsonObject().put("code", failure.code()).put("message", failure.getMessage());
    JsonObject body = new JsonObject().put("success", false).put("error", error);
    if (data != null) {
      body.put("data", data);
    }
    response.setStatusCode(failure.status());
    if (failure.status() == 503) {
      // a backend down or busy, or no writer while a cluster hands the lease over: nothing changed
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    return json(response, body);
  }

  private static Future<Void> json(HttpServerResponse response, JsonObject body) {
    Buffer bytes = body.toBuffer();
    // set here, not left to Vert.x, so a HEAD answer carries the length its GET would have
    return response
      .putHeader("Content-Type", "application/json")
      .putHeader("Content-Length", String.valueOf(bytes.length()))
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Cache-Control", "no-store")
      .end(bytes);
  }
}
