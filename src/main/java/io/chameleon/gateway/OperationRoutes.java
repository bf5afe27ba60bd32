package io.chameleon.gateway;

import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@link Operation} table as one route of the router. Vert.x Web walks its routes one by one
 * and builds a regex {@code Matcher} for every templated route it passes, matching or not: with
 * three routes per operation (role, body, handler) a request passed ~100 of them. Here the request
 * is looked up in the table instead, template segment by segment, with Vert.x Web's rules — on the
 * normalised path, a {@code :name} is one non-empty segment (decoded into {@code pathParams()}), one
 * trailing slash is ignored, the first row in table order that matches path and method wins, a GET
 * row answers HEAD too — and then runs the same steps in the same order: the row's role
 * ({@link AccessControl#authorize}, 403), its body (BodyHandler, 413; {@link JsonBodies}, 415/400),
 * its handler. A path some row matches with another method is a 405 (its {@code Allow} from
 * {@link AllowedMethods}); an empty id is {@link EmptyPathIds}' 400, behind the row's role; any
 * other path goes on to the routes mounted after this one (the dashboard), then the router's 404.
 */
final class OperationRoutes {

  private static final String ROW = "chameleon.operation";

  /** One row: a template, its methods and the steps behind it. */
  private record Row(Segments template, String rawPrefix, Pattern rawPath, HttpMethod[] methods,
      Handler<RoutingContext> authorize, boolean readsBody, Handler<RoutingContext> handler) {

    boolean answers(HttpMethod method) {
      for (HttpMethod m : methods) {
        if (m.equals(method)) {
          return true;
        }
      }
      return false;
    }
  }

  private final Row[] rows;
  private final Row[] emptyIds;
  private final Handler<RoutingContext> bodies = BodyHandler.create(false).setBodyLimit(JsonBodies.LIMIT_BYTES);

  /**
   * @param authorize the role step for a least role
   * @param required each operation's least role on this node (null: no token), e.g. {@code /metrics} when not public
   * @param handlers each operation's handler
   */
  OperationRoutes(Function<Role, Handler<RoutingContext>> authorize, Function<Operation, Role> required,
      Map<Operation, Handler<RoutingContext>> handlers) {
    List<Row> rows = new ArrayList<>();
    List<Row> emptyIds = new ArrayList<>();
    for (Operation operation : Operation.values()) {
      HttpMethod[] methods = AllowedMethods.methods(operation).toArray(HttpMethod[]::new);
      Role role = required.apply(operation);
      rows.add(new Row(new Segments(operation.path), null, null, methods, role == null ? null : authorize.apply(role),
        operation.readsBody, handlers.get(operation)));
      if (operation.minRole != null) {
        // every path the regex matches starts with the template's text before its first parameter
        String prefix = operation.path.substring(0, operation.path.indexOf(':') < 0 ? 0 : operation.path.indexOf(':'));
        EmptyPathIds.of(operation.path).ifPresent(empty -> emptyIds.add(new Row(null, prefix,
          Pattern.compile(empty.regex()), methods, authorize.apply(operation.minRole), false, empty::refuse)));
      }
    }
    this.rows = rows.toArray(Row[]::new);
    this.emptyIds = emptyIds.toArray(Row[]::new);
  }

  /** One route, four steps; a request no row takes passes through all four untouched. */
  void mount(Router router) {
    router.route().handler(this::dispatch).handler(this::readBody).handler(this::parseBody).handler(this::handle);
  }

  private void dispatch(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    boolean otherMethod = false;
    for (Row row : rows) {
      if (!row.template.matches(path)) {
        continue;
      }
      if (!row.answers(method)) {
        otherMethod = true;
        continue;
      }
      Map<String, String> params = ctx.pathParams();
      // a prefix route before this one (/api/*) left its rest here; a matched route clears it
      params.remove("*");
      try {
        row.template.putParams(path, params);
      } catch (IllegalArgumentException undecodable) {
        ctx.fail(400, undecodable); // as Vert.x Web answers a parameter it cannot decode
        return;
      }
      enter(ctx, row);
      return;
    }
    // an empty id matches the raw path: the normalised one folds // into /
    String raw = ctx.request().path();
    for (Row row : emptyIds) {
      if (raw == null || !raw.startsWith(row.rawPrefix) || !row.rawPath.matcher(raw).matches()) {
        continue;
      }
      if (!row.answers(method)) {
        otherMethod = true;
        continue;
      }
      ctx.pathParams().remove("*");
      enter(ctx, row);
      return;
    }
    if (otherMethod) {
      ctx.fail(405);
      return;
    }
    ctx.next();
  }

  private static void enter(RoutingContext ctx, Row row) {
    ctx.put(ROW, row);
    if (row.authorize == null) {
      ctx.next();
    } else {
      row.authorize.handle(ctx);
    }
  }

  /** Only once the caller may use the route is its body read (413 after 401 and 403). */
  private void readBody(RoutingContext ctx) {
    Row row = ctx.get(ROW);
    if (row != null && row.readsBody) {
      bodies.handle(ctx);
    } else {
      ctx.next();
    }
  }

  private void parseBody(RoutingContext ctx) {
    Row row = ctx.get(ROW);
    if (row != null && row.readsBody) {
      JsonBodies.parse(ctx);
    } else {
      ctx.next();
    }
  }

  private void handle(RoutingContext ctx) {
    Row row = ctx.get(ROW);
    if (row != null) {
      row.handler.handle(ctx);
    } else {
      ctx.next();
    }
  }

  /** A route template ({@code /api/uows/:uow_id}) matched against a path without building anything. */
  static final class Segments {

    private final String[] literals;
    /** The parameter's name where the segment is {@code :name}, else null. */
    private final String[] names;

    Segments(String template) {
      String[] segments = template.substring(1).split("/", -1);
      this.literals = new String[segments.length];
      this.names = new String[segments.length];
      for (int i = 0; i < segments.length; i++) {
        if (segments[i].startsWith(":")) {
          names[i] = segments[i].substring(1);
        } else {
          literals[i] = segments[i];
        }
      }
    }

    /** Vert.x Web's rule: each literal segment equal, each parameter non-empty, one trailing slash ignored. */
    boolean matches(String path) {
      return walk(path, null);
    }

    /** The parameters of a path that {@link #matches}, decoded as Vert.x Web decodes them. */
    void putParams(String path, Map<String, String> params) {
      walk(path, params);
    }

    private boolean walk(String path, Map<String, String> params) {
      if (path == null || path.isEmpty() || path.charAt(0) != '/') {
        return false;
      }
      int end = path.length() > 1 && path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
      int start = 1;
      for (int i = 0; i < literals.length; i++) {
        int slash = path.indexOf('/', start);
        int stop = slash < 0 || slash > end ? end : slash;
        if (names[i] != null) {
          if (stop == start) {
            return false;
          }
          if (params != null) {
            params.put(names[i], RFC3986.decodeURIComponent(path.substring(start, stop), false));
          }
        } else if (stop - start != literals[i].length() || !path.startsWith(literals[i], start)) {
          return false;
        }
        boolean last = i == literals.length - 1;
        if (last != (stop == end)) {
          return false;
        }
        start = stop + 1;
      }
      return true;
    }
  }
}
