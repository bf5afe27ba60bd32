package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation;
import io.chameleon.support.TestNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OperationRoutes} looks a request up in the {@link Operation} table instead of letting
 * Vert.x Web walk three routes per operation. Its answers must be Vert.x Web's own: the same
 * router built the old way (a route per operation and method, the empty-id regex routes after
 * them, raw path) and the new one answer the same paths and methods with the same operation, the
 * same decoded path parameters, the same 404, 405 and 400, and leave the same requests to a route
 * mounted after them.
 */
class OperationRoutesTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    TestNode.await(vertx.close());
  }

  /** Verifies that every operation's path variants get the same answer from the table as from Vert.x Web's routes. */
  @Test
  void answersAsVertxWebRoutesDo() {
    int before = listen(referenceRouter());
    Router router = Router.router(vertx);
    prefixes(router);
    Map<Operation, Handler<RoutingContext>> handlers = new EnumMap<>(Operation.class);
    for (Operation operation : Operation.values()) {
      handlers.put(operation, ctx -> reply(ctx, operation.name()));
    }
    new OperationRoutes(role -> RoutingContext::next, operation -> operation.minRole, handlers).mount(router);
    assertEquals(3, router.getRoutes().size(), "the table is one route after the two prefixes");
    int after = listen(finish(router));

    List<String> diffs = new ArrayList<>();
    int compared = 0;
    for (String path : paths()) {
      for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE")) {
        String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        RawHttp.Response want = RawHttp.send(before, request);
        RawHttp.Response got = RawHttp.send(after, request);
        compared++;
        if (want.status() != got.status() || !want.body().equals(got.body())) {
          diffs.add(method + " " + path + ": routes " + want.status() + " " + want.body()
            + ", table " + got.status() + " " + got.body());
        }
      }
    }
    assertTrue(compared > 500, "compared " + compared);
    assertEquals(List.of(), diffs);
  }

  /** The router as GatewayVerticle mounted it before the table: routes per operation, then the empty ids. */
  private Router referenceRouter() {
    Router router = Router.router(vertx);
    prefixes(router);
    for (Operation operation : Operation.values()) {
      Route route = router.route(operation.path);
      AllowedMethods.methods(operation).forEach(route::method);
      route.handler(ctx -> reply(ctx, operation.name()));
    }
    for (Operation operation : Operation.values()) {
      if (operation.minRole == null) {
        continue;
      }
      EmptyPathIds.of(operation.path).ifPresent(empty -> {
        Route route = router.routeWithRegex(empty.regex()).useNormalizedPath(false);
        AllowedMethods.methods(operation).forEach(route::method);
        route.handler(empty::refuse);
      });
    }
    return finish(router);
  }

  /** The gateway's authenticated prefixes come first and leave a {@code *} parameter behind. */
  private static void prefixes(Router router) {
    router.route("/api/*").handler(RoutingContext::next);
    router.route("/pilot/*").handler(RoutingContext::next);
  }

  /** A part mounted after the API (the dashboard's place) and the answers of failures. */
  private static Router finish(Router router) {
    router.route("/ws/*").handler(ctx -> reply(ctx, "later route"));
    router.route().failureHandler(ctx -> {
      Throwable failure = ctx.failure();
      int status = failure instanceof Failure f ? f.status() : ctx.statusCode();
      String message = failure instanceof Failure f ? " " + f.getMessage() : "";
      ctx.response().setStatusCode(status).end("failed " + status + message);
    });
    for (int status : new int[] {400, 404, 405}) {
      router.errorHandler(status, ctx -> ctx.response().setStatusCode(status).end("failed " + status));
    }
    return router;
  }

  private static void reply(RoutingContext ctx, String what) {
    ctx.response().end(what + " " + new TreeMap<>(ctx.pathParams()));
  }

  private int listen(Router router) {
    HttpServer server = TestNode.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  /** Each operation's path with its parameters filled in several ways, and near misses around it. */
  private static Set<String> paths() {
    Set<String> paths = new LinkedHashSet<>();
    List<String> values = List.of("x", "pending", "a%20b", "a%2Fb", "%C3%A9t%C3%A9", "A.b-c_d~e", "%25", "");
    for (Operation operation : Operation.values()) {
      for (String value : values) {
        String path = operation.path.replaceAll(":[a-z_]+", value);
        paths.add(path);
        paths.add(path + "/");
        paths.add(path + "//");
        paths.add(path + "/x");
        paths.add(path.toUpperCase());
        paths.add(path.replace("/api/", "/api//"));
        paths.add(path.replace("/api/", "/api/./"));
        paths.add(path.substring(0, path.lastIndexOf('/') + 1));
      }
    }
    paths.addAll(List.of("/", "/api", "/api/", "/pilot", "/pilot/", "/ws/x", "/api/uows/x/y/z", "/healthz",
      "/api/interventions/x;y", "/pilot/waive//x", "/pilot/waive/x/", "/pilot/waive//"));
    return paths;
  }
}
