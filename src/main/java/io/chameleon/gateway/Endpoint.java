package io.chameleon.gateway;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import io.chameleon.bus.Role;
import io.vertx.core.http.HttpMethod;

/**
 * Every HTTP route and the least role it needs: the permission matrix of SPEC §2, in one table.
 * The gateway mounts exactly these routes, each behind its role check; nothing else is reachable.
 * {@code minRole == null} means no token is needed.
 */
enum Endpoint {
  HEALTH(GET, "/health", null, false),
  METRICS(GET, "/metrics", null, false),

  EVENTS_LIST(GET, "/api/events", Role.VIEWER, false),
  EVENTS_VERIFY(GET, "/api/events/verify", Role.VIEWER, false),

  GUARDIANS_EVALUATE(POST, "/api/guardians/evaluate", Role.OPERATOR, true),
  GUARDIANS_LIST(GET, "/api/guardians", Role.VIEWER, false),
  GUARDIANS_GET(GET, "/api/guardians/:name", Role.VIEWER, false),
  GUARDIANS_PUT(PUT, "/api/guardians/:name", Role.ADMIN, true),
  GUARDIANS_DELETE(DELETE, "/api/guardians/:name", Role.ADMIN, false);

  final HttpMethod method;
  final String path;
  final Role minRole;
  final boolean readsBody;

  Endpoint(HttpMethod method, String path, Role minRole, boolean readsBody) {
    this.method = method;
    this.path = path;
    this.minRole = minRole;
    this.readsBody = readsBody;
  }
}
