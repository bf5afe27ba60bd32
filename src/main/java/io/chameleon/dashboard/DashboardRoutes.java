package io.chameleon.dashboard;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the dashboard on the gateway's router (same port as the API): the SockJS endpoint
 * {@value #SOCKET_PATH} (its raw WebSocket transport at {@code /ws/interventions/websocket}), the
 * pilot console from {@code webroot/} at {@code /}, and the vendored libraries at
 * {@code /webjars/}. Call it once per gateway instance, from the verticle's {@code start()}: the
 * push fan-out it registers lives on that instance's context, as do the sockets it accepts.
 */
public final class DashboardRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);

  public static final String SOCKET_PATH = "/ws/interventions";
  /** The SockJS client the console (and SockJS's iframe transports) load: vendored, no CDN. */
  public static final String SOCKJS_LIBRARY = "/webjars/sockjs-client/1.6.1/dist/sockjs.min.js";
  /** Self only; the socket may be reached over ws:/wss: as well as through SockJS's XHR transports. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
    + " img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none';"
    + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  /** SockJS xhr_send bodies: a JSON array of escaped messages; a message itself is capped at 64 KiB. */
  private static final long SEND_BODY_LIMIT = 4L * DashboardConfig.MAX_MESSAGE_BYTES;
  private static final String JSONP_SEND_BODY =
    "the jsonp_send body must be d=<a JSON array of strings>, form-encoded, or that array as text/plain";
  /** Console paths: anything the API, the socket, health and metrics do not own. */
  private static final String CONSOLE_PATHS = "^/(?!api(/|$)|pilot(/|$)|ws(/|$)|webjars(/|$)|health$|metrics$).*";

  private DashboardRoutes() {
  }

  public static void mount(Vertx vertx, Router router, JsonObject config) {
    DashboardConfig settings = DashboardConfig.from(config);
    TokenVerifier tokens = TokenVerifier.create(vertx, config.getJsonObject("auth"));
    BusClient bus = new BusClient(vertx, settings.busTimeoutMs());
    PushFanout fanout = PushFanout.register(vertx);
    SocketGauge gauge = SocketGauge.of(vertx);
    SocketCaps caps = SocketCaps.of(vertx, settings.caps());
    ReplayTurns turns = ReplayTurns.of(vertx, settings.maxConcurrentReplays());

    SockJSHandlerOptions options = new SockJSHandlerOptions()
      .setRegisterWriteHandler(false)
      .setInsertJSESSIONID(false)
      .setLibraryURL(SOCKJS_LIBRARY);
    if (settings.allowedOrigin() != null) {
      options.setOrigin(settings.allowedOrigin());
    }
    router.route(SOCKET_PATH + "/*").handler(ctx -> checkOrigin(ctx, settings.allowedOrigin()));
    router.route(SOCKET_PATH + "/*").handler(DashboardRoutes::guardUpgrade);
    String iframePolicy = SockJsPagePolicy.iframe(settings.allowedOrigin());
    router.getWithRegex(SockJsPagePolicy.IFRAME_PATH).handler(ctx -> pagePolicy(ctx, iframePolicy));
    router.getWithRegex(SockJsPagePolicy.HTMLFILE_PATH).handler(ctx -> pagePolicy(ctx, SockJsPagePolicy.HTMLFILE));
    SessionBinding bindings = SessionBinding.of(vertx, settings.caps());
    SockJsClose closer = SockJsClose.of(vertx);
    router.route(SOCKET_PATH + "/*").handler(ctx -> checkBinding(ctx, bindings, closer));
    // bodies only where SockJS reads them: a receive request (xhr, xhr_streaming) then reaches SockJS
    // in the same call, so checkBinding sees it registered (see SockJsClose)
    router.postWithRegex(SessionBinding.SEND_PATH).handler(BodyHandler.create(false).setBodyLimit(SEND_BODY_LIMIT))
      .failureHandler(DashboardRoutes::sendBodyFailed);
    router.postWithRegex(SessionBinding.XHR_SEND_PATH).handler(DashboardRoutes::checkSendBody);
    router.postWithRegex(SessionBinding.JSONP_SEND_PATH).handler(DashboardRoutes::checkJsonpSendBody);
    router.route(SOCKET_PATH + "/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(socket -> {
      new DashboardSession(vertx, socket, settings, tokens, bus, fanout, gauge, caps, turns, closer).start();
      socket.exceptionHandler(err -> onSocketError(socket, closer, err));
    }));

    router.route("/webjars/*").handler(DashboardRoutes::securityHeaders)
      .handler(StaticHandler.create("META-INF/resources/webjars"));
    router.getWithRegex(CONSOLE_PATHS).handler(DashboardRoutes::securityHeaders)
      .handler(StaticHandler.create("webroot").setIndexPage("index.html"));
  }

  /**
   * A message the session never sees because Vert.x refused it first: fragments adding up to more
   * than the server's {@code maxWebSocketMessageSize} (Vert.x drops the partial message). It is a
   * message over the 64 KiB limit: close with 1009 as the session does for the smaller ones, so the
   * client learns why. A single frame over the transport's limit, and the other protocol errors, are
   * {@link ProtocolErrorClose}'s. Anything else is only logged.
   */
  private static void onSocketError(SockJSSocket socket, SockJsClose closer, Throwable err) {
    // Vert.x's message aggregator has no exception type of its own for this
    if (err instanceof IllegalStateException && String.valueOf(err.getMessage()).contains("max message size")) {
      LOG.debug("socket message too big [remote: {}, cause: {}]", socket.remoteAddress(), err.getMessage());
      closer.close(socket, DashboardSession.CLOSE_TOO_BIG, "message over " + DashboardConfig.MAX_MESSAGE_BYTES + " bytes");
    } else {
      LOG.debug("socket error [remote: {}, cause: {}]", socket.remoteAddress(), err.toString());
    }
  }

  /** A WebSocket upgrade gets {@link ProtocolErrorClose} on its connection before SockJS takes it. */
  private static void guardUpgrade(RoutingContext ctx) {
    if ("websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      ProtocolErrorClose.install(ctx.request());
    }
    ctx.next();
  }

  /**
   * Browsers always send {@code Origin} with a WebSocket or cross-origin request: a foreign one is
   * refused when an origin is configured. CORS is off unless that origin asks: SockJS by itself
   * echoes any {@code Origin} with {@code Access-Control-Allow-Credentials: true}, so every
   * {@code Access-Control-*} header is taken off other answers (the console, on the same origin,
   * needs none).
   */
  private static void checkOrigin(RoutingContext ctx, String allowed) {
    String origin = ctx.request().getHeader("Origin");
    boolean configured = allowed != null && origin != null && allowed.equalsIgnoreCase(origin);
    if (allowed != null && origin != null && !configured) {
      ctx.fail(new Failure(403, "origin not allowed"));
      return;
    }
    if (!configured) {
      ctx.addHeadersEndHandler(v -> withoutCors(ctx.response().headers()));
    }
    ctx.next();
  }

  /**
   * The gateway's 413 names the API's 64 KiB body limit; a send body may be up to
   * {@value #SEND_BODY_LIMIT} bytes. A jsonp_send form Vert.x cannot decode (a bad escape) is a
   * 400 that says what the body must be, as for any other bad jsonp_send body.
   */
  private static void sendBodyFailed(RoutingContext ctx) {
    if (ctx.failure() instanceof Failure) {
      ctx.next();
    } else if (ctx.statusCode() == 413) {
      ctx.fail(new Failure(413, "request body is larger than " + SEND_BODY_LIMIT + " bytes"));
    } else if (ctx.statusCode() == 400 && ctx.request().path().endsWith("/jsonp_send")) {
      ctx.fail(Failure.badRequest(JSONP_SEND_BODY));
    } else {
      ctx.next();
    }
  }

  /**
   * An xhr_send body is a JSON array of messages, each a string. SockJS answers anything else with
   * a plain-text 500; the client's mistake gets the API's 400 envelope instead, and nothing is sent.
   */
  private static void checkSendBody(RoutingContext ctx) {
    String body = ctx.body().asString();
    if (!SendBody.valid(body)) {
      ctx.fail(Failure.badRequest("the xhr_send body must be a JSON array of strings"));
      return;
    }
    ctx.next();
  }

  /**
   * A jsonp_send body is {@code d=<the messages>} form-encoded, or the messages as text/plain (the
   * messages: a JSON array of strings, as for xhr_send). SockJS answers anything else with a
   * plain-text 500; here it is the API's 415 or 400 envelope, and nothing is sent.
   */
  private static void checkJsonpSendBody(RoutingContext ctx) {
    SendBody.Jsonp verdict = SendBody.jsonp(ctx.request().getHeader("Content-Type"), ctx.body().asString());
    switch (verdict) {
      case OK -> ctx.next();
      case BAD_TYPE -> ctx.fail(new Failure(415,
        "the jsonp_send body must be application/x-www-form-urlencoded (d=...) or text/plain"));
      default -> ctx.fail(Failure.badRequest(JSONP_SEND_BODY));
    }
  }

  /**
   * A polling transport's request joins its SockJS session only from the client that created it
   * (see {@link SessionBinding}): anyone else gets 404, as for a session that does not exist, and
   * never reaches SockJS. The creating request gets the secret as an HttpOnly cookie scoped to the
   * socket path.
   */
  private static void checkBinding(RoutingContext ctx, SessionBinding bindings, SockJsClose closer) {
    HttpMethod method = ctx.request().method();
    String sub = ctx.request().path().substring(SOCKET_PATH.length());
    String session = method == HttpMethod.OPTIONS ? null : SessionBinding.sessionOf(sub);
    if (session == null) {
      ctx.next();
      return;
    }
    Cookie cookie = ctx.request().getCookie(SessionBinding.COOKIE);
    String address = ctx.request().remoteAddress().hostAddress();
    SessionBinding.Verdict verdict = bindings.enter(session, SessionBinding.sendOnly(sub), address,
      cookie == null ? null : cookie.getValue(), System.currentTimeMillis());
    if (verdict.overCap() != null) {
      LOG.debug("new SockJS session refused [remote: {}, cap: {}]", address, verdict.overCap());
      ctx.fail(new Failure(503, verdict.overCap().reason)); // with Retry-After, as every 503
      return;
    }
    if (!verdict.allowed()) {
      LOG.debug("SockJS session refused to another client [remote: {}]", address);
      ctx.fail(new Failure(404, "no such session"));
      return;
    }
    ctx.addEndHandler(v -> bindings.done(session, System.currentTimeMillis()));
    if (verdict.setCookie() != null) {
      ctx.response().addCookie(Cookie.cookie(SessionBinding.COOKIE, verdict.setCookie())
        .setPath(SOCKET_PATH).setHttpOnly(true).setSecure(ctx.request().isSSL())
        .setSameSite(CookieSameSite.STRICT));
    }
    ctx.next();
    if (!SessionBinding.sendOnly(sub)) {
      closer.polled(session); // SockJS has registered this receive request by now
    }
  }

  private static void withoutCors(MultiMap headers) {
    List<String> cors = headers.names().stream()
      .filter(name -> name.regionMatches(true, 0, "Access-Control-", 0, 15))
      .toList();
    cors.forEach(headers::remove);
  }

  /** SockJS's own HTML pages (its iframe and htmlfile transports): a policy of their own, see {@link SockJsPagePolicy}. */
  private static void pagePolicy(RoutingContext ctx, String policy) {
    ctx.response()
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Content-Security-Policy", policy)
      .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
