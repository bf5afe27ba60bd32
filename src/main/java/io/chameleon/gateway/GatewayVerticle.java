package io.chameleon.gateway;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth gateway: the HTTP server. Each request passes, in order, authentication (401), the
 * endpoint's role from {@link Endpoint} (403), the body checks (413/415/400), then a handler that
 * only translates HTTP to an event-bus request and the reply back to the envelope. A body is read
 * only after the role check: nobody can make the server buffer one without a token and a role.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** SPEC §1: headers over 8 KiB → 431. */
  static final int MAX_HEADER_BYTES = 8 * 1024;
  /** A longer request line → 414. */
  static final int MAX_INITIAL_LINE_BYTES = 16 * 1024;

  private final BiConsumer<Vertx, Router> moreRoutes;
  private HttpServer server;
  private AccessControl access;

  /** The API only. */
  public GatewayVerticle() {
    this((vertx, router) -> { });
  }

  /** The API plus routes mounted by another part on the same server and port. */
  public GatewayVerticle(BiConsumer<Vertx, Router> moreRoutes) {
    this.moreRoutes = moreRoutes;
  }

  @Override
  public Future<?> start() {
    JsonObject config = config();
    JsonObject http = config.getJsonObject("http");
    JsonObject auth = config.getJsonObject("auth");
    long timeout = config.getJsonObject("bus").getInteger("timeout_ms");
    BusClient bus = new BusClient(vertx, timeout);

    access = new AccessControl(vertx, TokenVerifier.create(vertx, auth), bus);
    boolean metricsPublic = config.getJsonObject("metrics").getBoolean("public");

    Map<Endpoint, Handler<RoutingContext>> handlers = handlers(vertx, bus, new BusClient(vertx, Math.min(timeout, 1000)));
    ConnectionGuard guard = new ConnectionGuard(vertx, http);
    Router router = Router.router(vertx);
    router.route().handler(guard::onRequest);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    router.route().handler(RequestFraming::check);
    for (String authenticated : metricsPublic ? List.of("/api/*", "/pilot/*") : List.of("/api/*", "/pilot/*", Endpoint.METRICS.path)) {
      router.route(authenticated).handler(access::authenticate).handler(guard::onAuthenticated);
    }
    for (Endpoint endpoint : Endpoint.values()) {
      Role required = endpoint == Endpoint.METRICS && !metricsPublic ? Role.VIEWER : endpoint.minRole;
      if (required != null) {
        route(router, endpoint).handler(access.authorize(required));
      }
      if (endpoint.readsBody) {
        // Only once the caller may use the route is its body read (413 after 401 and 403). Its own
        // route: Vert.x Web wants a BodyHandler ahead of any user handler on the same route.
        route(router, endpoint).handler(BodyHandler.create(false).setBodyLimit(JsonBodies.LIMIT_BYTES));
      }
      Route route = route(router, endpoint);
      if (endpoint.readsBody) {
        route.handler(JsonBodies::parse);
      }
      route.handler(handlers.get(endpoint));
    }
    // an empty id (/pilot/resume/) matches none of the routes above: a 400 naming it, after the 403
    for (Endpoint endpoint : Endpoint.values()) {
      if (endpoint.minRole == null) {
        continue;
      }
      EmptyPathIds.of(endpoint.path).ifPresent(empty -> methods(router.routeWithRegex(empty.regex()), endpoint)
        .useNormalizedPath(false)
        .handler(access.authorize(endpoint.minRole))
        .handler(empty::refuse));
    }
    // other parts served on the same port (the dashboard socket and console), mounted before
    // the failure handler so they share the error envelope
    moreRoutes.accept(vertx, router);
    FailureResponses.install(router);

    HttpServerOptions options = new HttpServerOptions()
      .setHost(http.getString("host"))
      .setPort(http.getInteger("port"))
      .setMaxHeaderSize(MAX_HEADER_BYTES)
      .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
      // no byte either way for this long closes the connection (an upgraded socket too: SockJS's
      // heartbeat writes every 25 s, and Settings keeps this above it when the dashboard runs)
      .setIdleTimeout(http.getInteger("idle_timeout_ms"))
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      // HTTP/1.1 only: with h2c on, Vert.x sees a connection only once its first bytes arrive, so
      // a silent one would escape the caps (nothing here speaks cleartext HTTP/2)
      .setHttp2ClearTextEnabled(false)
      // Dashboard socket: a message of up to 4x its 64 KiB limit (room for SockJS's escaping)
      // reaches the session, which closes with 1009. The transport stops a larger frame at its
      // header, and a larger fragmented message at this size, so no message costs more memory
      // than this; the dashboard answers those with 1009 too (ProtocolErrorClose, DashboardRoutes).
      // SockJS's jsonp_send body is form-encoded (d=...): it may be as long as an xhr_send body
      // (no other route takes a form, and every body is capped by its route's BodyHandler)
      .setMaxFormAttributeSize(4 * 64 * 1024)
      .setMaxWebSocketFrameSize(4 * 64 * 1024)
      .setMaxWebSocketMessageSize(4 * 64 * 1024)
      // no WebSocket compression: a deflate context costs ~300 KB per socket, a small compressed
      // frame can inflate to a large one, and without an extension a frame's reserved bits are a
      // protocol error (1002) instead of being let through
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options)
      .connectionHandler(guard::onConnection)
      .invalidRequestHandler(RequestFraming::invalid)
      .requestHandler(router)
      .listen()
      .onSuccess(s -> {
        server = s;
        LOG.info("gateway listening [host: {}, port: {}]", http.getString("host"), s.actualPort());
      });
  }

  @Override
  public Future<?> stop() {
    if (access != null) {
      access.flushLog();
    }
    return Future.succeededFuture();
  }

  /** The endpoint's route with each of its methods (a GET route answers HEAD too). */
  private static Route route(Router router, Endpoint endpoint) {
    return methods(router.route(endpoint.path), endpoint);
  }

  private static Route methods(Route route, Endpoint endpoint) {
    endpoint.methods().forEach(route::method);
    return route;
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private static Map<Endpoint, Handler<RoutingContext>> handlers(Vertx vertx, BusClient bus, BusClient healthBus) {
    GuardianApi guardians = new GuardianApi(bus);
    EventApi events = new EventApi(vertx, bus);
    Map<Endpoint, Handler<RoutingContext>> handlers = new EnumMap<>(Endpoint.class);
    handlers.put(Endpoint.HEALTH, new HealthApi(healthBus)::health);
    handlers.put(Endpoint.METRICS, metrics());
    handlers.put(Endpoint.EVENTS_LIST, events::list);
    handlers.put(Endpoint.EVENTS_VERIFY, events::verify);
    handlers.put(Endpoint.EVENTS_HEAD, events::head);
    handlers.put(Endpoint.GUARDIANS_EVALUATE, guardians::evaluate);
    handlers.put(Endpoint.GUARDIANS_LIST, guardians::list);
    handlers.put(Endpoint.GUARDIANS_GET, guardians::get);
    handlers.put(Endpoint.GUARDIANS_PUT, guardians::put);
    handlers.put(Endpoint.GUARDIANS_DELETE, guardians::delete);
    StoreApi store = new StoreApi(bus);
    for (Endpoint endpoint : Endpoint.values()) {
      if (endpoint.storeAddress != null) {
        handlers.put(endpoint, store.forward(endpoint.storeAddress));
      }
      if (!handlers.containsKey(endpoint)) {
        throw new IllegalStateException("no handler for " + endpoint);
      }
    }
    return handlers;
  }

  private static Handler<RoutingContext> metrics() {
    if (BackendRegistries.getDefaultNow() == null) {
      return ctx -> ctx.fail(new io.chameleon.bus.Failure(503, "metrics are not enabled"));
    }
    return PrometheusScrapingHandler.create();
  }
}
