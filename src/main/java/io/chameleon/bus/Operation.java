package io.chameleon.bus;

import java.util.Map;

/**
 * Every operation a pilot can ask for, the doors it comes through and the least role it needs: the
 * permission matrix of SPEC §2, in one table. The gateway serves exactly these HTTP routes
 * ({@code gateway.OperationRoutes}), each behind {@link #check}; the store and the guardian
 * evaluator consume exactly these bus addresses, each behind the same {@link #check} of the
 * message's {@code actor {pilot_id, role}}. So an HTTP
 * caller and another service's verticle on the bus meet the same rule and the same 403.
 *
 * <p>{@code minRole == null}: no token needed (health, metrics). {@code busAddress == null}: the
 * operation has no pilot door on the bus — the event log's addresses ({@code events.*}) are the
 * services' own plumbing (the store, the guardians and the dashboard append and read there with no
 * pilot), so only their HTTP routes are pilot operations.
 *
 * <p>The roles of single items are data, not rows: an intervention request's {@code required_role}
 * joins the table's role in {@link #requestRole}, and an ADMIN may decide a request another pilot
 * claimed ({@link #decidesOthersClaims}).
 */
public enum Operation {
  HEALTH("GET", "/health", null, Service.GATEWAY, null, false),
  METRICS("GET", "/metrics", null, Service.GATEWAY, null, false),

  EVENTS_LIST("GET", "/api/events", Role.VIEWER, Service.EVENT_LOG, null, false),
  EVENTS_VERIFY("GET", "/api/events/verify", Role.VIEWER, Service.EVENT_LOG, null, false),
  EVENTS_HEAD("GET", "/api/events/head", Role.VIEWER, Service.EVENT_LOG, null, false),

  GUARDIANS_EVALUATE("POST", "/api/guardians/evaluate", Role.OPERATOR, Service.GUARDIAN,
    Addresses.GUARDIAN_EVALUATE, true),
  GUARDIANS_LIST("GET", "/api/guardians", Role.VIEWER, Service.GUARDIAN, Addresses.GUARDIAN_LIST, false),
  GUARDIANS_GET("GET", "/api/guardians/:name", Role.VIEWER, Service.GUARDIAN, Addresses.GUARDIAN_GET, false),
  GUARDIANS_PUT("PUT", "/api/guardians/:name", Role.ADMIN, Service.GUARDIAN, Addresses.GUARDIAN_PUT, true),
  GUARDIANS_DELETE("DELETE", "/api/guardians/:name", Role.ADMIN, Service.GUARDIAN,
    Addresses.GUARDIAN_REMOVE, false),

  UOWS_REGISTER("POST", "/api/uows", Role.OPERATOR, Addresses.STORE_UOW_REGISTER),
  UOWS_LIST("GET", "/api/uows", Role.VIEWER, Addresses.STORE_UOW_LIST),
  UOWS_GET("GET", "/api/uows/:uow_id", Role.VIEWER, Addresses.STORE_UOW_GET),
  UOWS_INTERACTION("POST", "/api/uows/:uow_id/interactions", Role.OPERATOR, Addresses.STORE_UOW_INTERACTION),
  UOWS_ADVANCE("POST", "/api/uows/:uow_id/advance", Role.OPERATOR, Addresses.STORE_UOW_ADVANCE),

  PILOT_KILL_SWITCH("POST", "/pilot/kill-switch", Role.ADMIN, Addresses.STORE_PILOT_KILL_SWITCH),
  PILOT_KILL_SWITCH_RELEASE("POST", "/pilot/kill-switch/release", Role.ADMIN,
    Addresses.STORE_PILOT_KILL_SWITCH_RELEASE),
  PILOT_CLARIFICATION("POST", "/pilot/clarification/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_CLARIFICATION),
  PILOT_WAIVE("POST", "/pilot/waive/:uow_id/:guard_rule_id", Role.ADMIN, Addresses.STORE_PILOT_WAIVE),
  PILOT_RESUME("POST", "/pilot/resume/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_RESUME),
  PILOT_CANCEL("POST", "/pilot/cancel/:uow_id", Role.OPERATOR, Addresses.STORE_PILOT_CANCEL),
  INSTANCES_HALTED("GET", "/api/instances/halted", Role.VIEWER, Addresses.STORE_INSTANCES_HALTED),

  INTERVENTIONS_CREATE("POST", "/api/interventions", Role.OPERATOR, Addresses.STORE_INTERVENTION_CREATE),
  INTERVENTIONS_PENDING("GET", "/api/interventions/pending", Role.VIEWER, Addresses.STORE_INTERVENTION_PENDING),
  INTERVENTIONS_METRICS("GET", "/api/interventions/metrics", Role.VIEWER, Addresses.STORE_INTERVENTION_METRICS),
  INTERVENTIONS_GET("GET", "/api/interventions/:request_id", Role.VIEWER, Addresses.STORE_INTERVENTION_GET),
  INTERVENTIONS_CLAIM("POST", "/api/interventions/:request_id/claim", Role.OPERATOR,
    Addresses.STORE_INTERVENTION_CLAIM),
  INTERVENTIONS_APPROVE("POST", "/api/interventions/:request_id/approve", Role.OPERATOR,
    Addresses.STORE_INTERVENTION_APPROVE),
  INTERVENTIONS_REJECT("POST", "/api/interventions/:request_id/reject", Role.OPERATOR,
    Addresses.STORE_INTERVENTION_REJECT);

  /** Who serves the operation: the gateway forwards STORE routes as they are ({@code StoreApi}). */
  public enum Service { GATEWAY, EVENT_LOG, GUARDIAN, STORE }

  /** The HTTP method ({@code GET} also answers {@code HEAD}). */
  public final String method;
  /** The HTTP route, {@code :name} for a path parameter. */
  public final String path;
  /** The least role, or null when no token is needed. */
  public final Role minRole;
  public final Service service;
  /** The bus address a pilot's request is served at (null: no pilot door on the bus). */
  public final String busAddress;
  /** The HTTP route reads a JSON body. */
  public final boolean readsBody;

  Operation(String method, String path, Role minRole, Service service, String busAddress, boolean readsBody) {
    this.method = method;
    this.path = path;
    this.minRole = minRole;
    this.service = service;
    this.busAddress = busAddress;
    this.readsBody = readsBody;
  }

  /** A store operation: every POST reads a body. */
  Operation(String method, String path, Role minRole, String busAddress) {
    this(method, path, minRole, Service.STORE, busAddress, "POST".equals(method));
  }

  /** Whether {@code role} may run this operation. */
  public boolean allows(Role role) {
    return minRole == null || role != null && role.atLeast(minRole);
  }

  /**
   * The check of every door: the caller's role reaches {@link #minRole}, else 403 naming both
   * roles — the same failure on HTTP and on the bus.
   */
  public void check(Role role) {
    if (!allows(role)) {
      throw denied(minRole, role);
    }
  }

  /**
   * Reads a bus message's {@code actor {pilot_id, role}} (400 naming the field when malformed)
   * and {@link #check}s its role (403).
   */
  public Actor check(Object actor) {
    Actor read = Actor.read(actor);
    check(read.role());
    return read;
  }

  /** The 403 for a caller of {@code role} where {@code required} is needed. */
  public static Failure denied(Role required, Role role) {
    return new Failure(403, "requires role " + required + ", pilot has " + role);
  }

  // ---- the roles of single intervention requests (SPEC §5): data, checked here

  /**
   * The role approving a request of this type needs: the role of the operation it runs (a
   * {@code kill_switch} request halts an instance: ADMIN, as {@link #PILOT_KILL_SWITCH}).
   */
  public static Role actionRole(String interventionType) {
    Operation action = switch (interventionType == null ? "" : interventionType) {
      case "kill_switch" -> PILOT_KILL_SWITCH;
      case "waive_violation" -> PILOT_WAIVE;
      case "clarification" -> PILOT_CLARIFICATION;
      case "resume" -> PILOT_RESUME;
      case "cancel" -> PILOT_CANCEL;
      default -> INTERVENTIONS_APPROVE;
    };
    return action.minRole;
  }

  /** The role acting on a request needs: the higher of its {@code required_role} and its action's. */
  public static Role requestRole(Role requiredRole, String interventionType) {
    Role action = actionRole(interventionType);
    return requiredRole != null && requiredRole.atLeast(action) ? requiredRole : action;
  }

  /**
   * Whether a pilot of {@code role} may approve or reject a request another pilot has claimed
   * (SPEC §5: an ADMIN may; anyone else gets 409 until the claim is given up).
   */
  public static boolean decidesOthersClaims(Role role) {
    return role == Role.ADMIN;
  }

  /** The caller of a bus request: {@code {pilot_id, role}}, as the gateway fills it from a token. */
  public record Actor(String pilotId, Role role) {

    /** The longest pilot id: a token's {@code sub} and a bus actor's {@code pilot_id} alike. */
    public static final int MAX_ID_LENGTH = 200;

    /** What is wrong with {@code value} as a pilot id in the field {@code field}, or null: the one pilot id rule. */
    public static String badId(String field, Object value) {
      return value instanceof String id && !id.isBlank() && id.length() <= MAX_ID_LENGTH ? null
        : field + ": must be a non-empty string of at most " + MAX_ID_LENGTH;
    }

    /** From a message's {@code actor} value (a map); 400 naming the field when malformed. */
    public static Actor read(Object value) {
      Map<?, ?> actor = value instanceof Map<?, ?> map ? map : Map.of();
      String bad = badId("actor.pilot_id", actor.get("pilot_id"));
      if (bad != null) {
        throw Failure.badRequest(bad);
      }
      Role role = Role.parse(actor.get("role"))
        .orElseThrow(() -> Failure.badRequest("actor.role: must be ADMIN, OPERATOR or VIEWER"));
      return new Actor((String) actor.get("pilot_id"), role);
    }

    public Map<String, Object> toMap() {
      return Map.of("pilot_id", pilotId, "role", role.name());
    }
  }
}
