package io.chameleon.gateway;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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
 * operation's role from the {@link Operation} table (403), the body checks (413/415/400), then a handler that
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

    Map<Operation, Handler<RoutingContext>> handlers = handlers(vertx, bus, new BusClient(vertx, Math.min(timeout, 1000)));
    ConnectionGuard guard = new ConnectionGuard(vertx, http);
    Router router = Router.router(vertx);
    router.route().handler(guard::onRequest);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    router.route().handler(RequestFraming::check);
    for (String authenticated : metricsPublic ? List.of("/api/*", "/pilot/*") : List.of("/api/*", "/pilot/*", Operation.METRICS.path)) {
      router.route(authenticated).handler(access::authenticate).handler(guard::onAuthenticated);
    }
    // the Operation table: one route that looks the request up, not three routes per operation
    new OperationRoutes(access::authorize,
      operation -> operation == Operation.METRICS && !metricsPublic ? Role.VIEWER : operation.minRole,
      handlers).mount(router);
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

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private static Map<Operation, Handler<RoutingContext>> handlers(Vertx vertx, BusClient bus, BusClient healthBus) {
    GuardianApi guardians = new GuardianApi(bus);
    EventApi events = new EventApi(vertx, bus);
    Map<Operation, Handler<RoutingContext>> handlers = new EnumMap<>(Operation.class);
    handlers.put(Operation.HEALTH, new HealthApi(healthBus)::health);
    handlers.put(Operation.METRICS, metrics());
    handlers.put(Operation.EVENTS_LIST, events::list);
    handlers.put(Operation.EVENTS_VERIFY, events::verify);
    handlers.put(Operation.EVENTS_HEAD, events::head);
    handlers.put(Operation.GUARDIANS_EVALUATE, guardians::evaluate);
    handlers.put(Operation.GUARDIANS_LIST, guardians::list);
    handlers.put(Operation.GUARDIANS_GET, guardians::get);
    handlers.put(Operation.GUARDIANS_PUT, guardians::put);
    handlers.put(Operation.GUARDIANS_DELETE, guardians::delete);
    StoreApi store = new StoreApi(bus);
    for (Operation operation : Operation.values()) {
      if (operation.service == Operation.Service.STORE) {
        handlers.put(operation, store.forward(operation));
      }
      if (!handlers.containsKey(operation)) {
        throw new IllegalStateException("no handler for " + operation);
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
