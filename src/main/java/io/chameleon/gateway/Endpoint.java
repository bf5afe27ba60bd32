package io.chameleon.gateway;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.Role;
import io.vertx.core.http.HttpMethod;

/**
 * Every HTTP route and the least role it needs: the permission matrix of SPEC §2, in one table.
 * The gateway mounts exactly these routes, in this order, each behind its role check; nothing else
 * is reachable. {@code minRole == null} means no token is needed. Routes with a {@code store}
 * address are forwarded to the store as they are; the others have handlers of their own.
 */
enum Endpoint {
  HEALTH(GET, "/health", null, false),
  METRICS(GET, "/metrics", null, false),

  EVENTS_LIST(GET, "/api/events", Role.VIEWER, false),
  EVENTS_VERIFY(GET, "/api/events/verify", Role.VIEWER, false),
  EVENTS_HEAD(GET, "/api/events/head", Role.VIEWER, false),

  GUARDIANS_EVALUATE(POST, "/api/guardians/evaluate", Role.OPERATOR, true),
  GUARDIANS_LIST(GET, "/api/guardians", Role.VIEWER, false),
  GUARDIANS_GET(GET, "/api/guardians/:name", Role.VIEWER, false),
  GUARDIANS_PUT(PUT, "/api/guardians/:name", Role.ADMIN, true),
  GUARDIANS_DELETE(DELETE, "/api/guardians/:name", Role.ADMIN, false),

  UOWS_REGISTER(POST, "/api/uows", Role.OPERATOR, Addresses.STORE_UOW_REGISTER),
  UOWS_LIST(GET, "/api/uows", Role.VIEWER, Addresses.STORE_UOW_LIST),
  UOWS_GET(GET, "/api/uows/:uow_id", Role.VIEWER, Addresses.STORE_UOW_GET),
  UOWS_INTERACTION(POST, "/api/uows/:uow_id/interactions", Role.OPERATOR, Addresses.STORE_UOW_INTERACTION),
  UOWS_ADVANCE(POST, "/api/uows/:uow_id/advance", Role.OPERATOR, Addresses.STORE_UOW_ADVANCE),

  PILOT_KILL_SWITCH(POST, "/pilot/kill-switch", Role.ADMIN, Addresses.STORE_PILOT_KILL_SWITCH),
  PILOT_KILL_SWITCH_RELEASE(POST, "/pilot/kill-switch/release", Role.ADMIN, Addresses.STORE_PILOT_KILL_SWITCH_RELEASE),
  PILOT_CLARIFICATION(POST, "/pilot/clarification/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_CLARIFICATION),
  PILOT_WAIVE(POST, "/pilot/waive/:uow_id/:guard_rule_id", Role.ADMIN, Addresses.STORE_PILOT_WAIVE),
  PILOT_RESUME(POST, "/pilot/resume/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_RESUME),
  PILOT_CANCEL(POST, "/pilot/cancel/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_CANCEL),
  INSTANCES_HALTED(GET, "/api/instances/halted", Role.VIEWER, Addresses.STORE_INSTANCES_HALTED),

  INTERVENTIONS_CREATE(POST, "/api/interventions", Role.OPERATOR, Addresses.STORE_INTERVENTION_CREATE),
  INTERVENTIONS_PENDING(GET, "/api/interventions/pending", Role.VIEWER, Addresses.STORE_INTERVENTION_PENDING),
  INTERVENTIONS_METRICS(GET, "/api/interventions/metrics", Role.VIEWER, Addresses.STORE_INTERVENTION_METRICS),
  INTERVENTIONS_GET(GET, "/api/interventions/:request_id", Role.VIEWER, Addresses.STORE_INTERVENTION_GET),
  INTERVENTIONS_CLAIM(POST, "/api/interventions/:request_id/claim", Role.OPERATOR, Addresses.STORE_INTERVENTION_CLAIM),
  INTERVENTIONS_APPROVE(POST, "/api/interventions/:request_id/approve", Role.OPERATOR, Addresses.STORE_INTERVENTION_APPROVE),
  INTERVENTIONS_REJECT(POST, "/api/interventions/:request_id/reject", Role.OPERATOR, Addresses.STORE_INTERVENTION_REJECT);

  final HttpMethod method;
  final String path;
  final Role minRole;
  final boolean readsBody;
  /** The store address this route is forwarded to, or null when it has its own handler. */
  final String storeAddress;

  Endpoint(HttpMethod method, String path, Role minRole, boolean readsBody) {
    this(method, path, minRole, readsBody, null);
  }

  /** A store route: every POST reads a body. */
  Endpoint(HttpMethod method, String path, Role minRole, String storeAddress) {
    this(method, path, minRole, method == POST, storeAddress);
  }

  /** The methods the route answers: a GET route answers HEAD too (the same headers, no body). */
  java.util.List<HttpMethod> methods() {
    return method == GET ? java.util.List.of(GET, HttpMethod.HEAD) : java.util.List.of(method);
  }

  Endpoint(HttpMethod method, String path, Role minRole, boolean readsBody, String storeAddress) {
    this.method = method;
    this.path = path;
    this.minRole = minRole;
    this.readsBody = readsBody;
    this.storeAddress = storeAddress;
  }
}
