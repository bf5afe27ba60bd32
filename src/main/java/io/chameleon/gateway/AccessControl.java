package io.chameleon.gateway;

import io.chameleon.auth.Pilot;
import io.chameleon.auth.TokenRules;
import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.LogText;
import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication (bearer JWT → {@link Pilot}) and authorisation (the pilot's role against the
 * {@link Operation} table). Every decision is logged ({@link AccessLog}, {@code chameleon.access}) with the
 * pilot, role, method and path — never the token, and each value escaped by {@link LogText} so a
 * {@code sub} holding a line feed cannot forge a line — and every 403 becomes a
 * {@code pilot_auth_denied} event: a pilot's first in a second at once, the rest of that second as
 * one summary with their count ({@link DenialWindow}), so denials stay visible but one pilot cannot
 * flood the audit log. 401s are only logged.
 */
final class AccessControl {

  static final String PILOT = "chameleon.pilot";
  private static final Logger ACCESS = LoggerFactory.getLogger("chameleon.access");

  private final TokenVerifier tokens;
  private final BusClient bus;
  private final AccessLog log;
  private final Counter allowed;
  private final Counter unauthenticated;
  private final Counter forbidden;
  private final DenialWindow denials = new DenialWindow(DENIAL_WINDOW_MS, 10_000);

  /** How long a pilot's denials after its first are only counted. */
  static final long DENIAL_WINDOW_MS = 1000;

  AccessControl(Vertx vertx, TokenVerifier tokens, BusClient bus) {
    this.tokens = tokens;
    this.bus = bus;
    this.log = new AccessLog(vertx);
    vertx.setPeriodic(DENIAL_WINDOW_MS, id -> denials.flush(System.currentTimeMillis(), false)
      .forEach(summary -> record(summary)));
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.allowed = registry == null ? null : registry.counter("chameleon_auth_decisions", "outcome", "allowed");
    this.unauthenticated = registry == null ? null : registry.counter("chameleon_auth_decisions", "outcome", "unauthenticated");
    this.forbidden = registry == null ? null : registry.counter("chameleon_auth_decisions", "outcome", "forbidden");
  }

  /**
   * Routing step: a valid bearer token, or 401 with {@code WWW-Authenticate}. The body is read only
   * later, by the route's BodyHandler after the role check; meanwhile the request is paused, so a
   * body that arrives while the token is being verified waits for it instead of being lost.
   */
  void authenticate(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      request.pause();
    }
    Future<Pilot> verified;
    try {
      verified = verify(ctx);
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    verified.onComplete(ar -> {
      // resume before going on: the BodyHandler (if any) sets its handlers in this same call,
      // before the queued data is delivered; a refused request's body is dropped, never buffered
      if (!request.isEnded()) {
        request.resume();
      }
      if (ar.succeeded()) {
        ctx.put(PILOT, ar.result());
        ctx.next();
      } else if (ar.cause() instanceof NoToken || ar.cause() instanceof TokenRules.AuthFailure) {
        deny401(ctx, ar.cause().getMessage(), !(ar.cause() instanceof NoToken));
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private Future<Pilot> verify(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.isBlank()) {
      return Future.failedFuture(new NoToken());
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      return Future.failedFuture(new TokenRules.AuthFailure("malformed Authorization header"));
    }
    return tokens.pilot(header.substring(7).trim());
  }

  /** Routing step for one endpoint: the pilot's role must reach the endpoint's least role. */
  Handler<RoutingContext> authorize(Role required) {
    return ctx -> {
      Pilot pilot = ctx.get(PILOT);
      if (pilot.role().atLeast(required)) {
        if (log.enabled()) {
          log.line("allow [pilot: " + LogText.of(pilot.id()) + ", role: " + pilot.role()
            + ", method: " + LogText.of(ctx.request().method()) + ", path: " + LogText.of(ctx.request().path()) + "]");
        }
        increment(allowed);
        ctx.next();
        return;
      }
      Failure refused = Operation.denied(required, pilot.role());
      if (log.enabled()) {
        log.line("deny 403 [pilot: " + LogText.of(pilot.id()) + ", role: " + pilot.role()
          + ", method: " + LogText.of(ctx.request().method()) + ", path: " + LogText.of(ctx.request().path())
          + ", required: " + required + "]");
      }
      increment(forbidden);
      DenialWindow.Denial denial = denials.deny(System.currentTimeMillis(), pilot.id(),
        pilot.role().name(), required.name(), ctx.request().method().name(), ctx.request().path());
      if (denial == null) {
        ctx.fail(refused); // counted into this pilot's summary
        return;
      }
      // Answer only once the denial is on record (or the log said it cannot take it).
      record(denial).onComplete(ar -> ctx.fail(refused));
    };
  }

  private Future<JsonObject> record(DenialWindow.Denial denial) {
    JsonObject payload = new JsonObject()
      .put("pilot_id", denial.pilotId())
      .put("role", denial.role())
      .put("required_role", denial.requiredRole())
      .put("method", denial.method())
      .put("path", denial.path());
    if (denial.pathTruncated()) {
      payload.put("path_truncated", true);
    }
    if (denial.repeated() > 0) {
      payload.put("repeated", denial.repeated());
    }
    JsonObject denied = new JsonObject().put("event_type", "pilot_auth_denied").put("payload", payload);
    return bus.request(Addresses.EVENTS_APPEND, new JsonObject().put("events", new JsonArray().add(denied)))
      .onFailure(err -> ACCESS.warn("pilot_auth_denied not recorded [pilot: {}, cause: {}]",
        LogText.of(denial.pilotId()), LogText.of(err.getMessage())));
  }

  private void deny401(RoutingContext ctx, String why, boolean tokenSent) {
    if (log.enabled()) {
      log.line("deny 401 [method: " + LogText.of(ctx.request().method()) + ", path: " + LogText.of(ctx.request().path())
        + ", why: " + LogText.of(why) + "]");
    }
    increment(unauthenticated);
    ctx.response().putHeader("WWW-Authenticate", tokenSent ? "Bearer error=\"invalid_token\"" : "Bearer");
    ctx.fail(new Failure(401, tokenSent ? "invalid token: " + why : why));
  }

  /** No {@code Authorization} header at all: a 401 without {@code error="invalid_token"}. */
  private static final class NoToken extends RuntimeException {
    NoToken() {
      super("missing bearer token", null, false, false);
    }
  }

  /** Writes the access lines still waiting (the gateway's stop). */
  void flushLog() {
    log.flush();
  }

  private static void increment(Counter counter) {
    if (counter != null) {
      counter.increment();
    }
  }
}
