package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@link Operation} table walked through the real doors of a running node: every operation ×
 * every role, over HTTP with a token of that role, and over the bus as another service's verticle
 * naming an actor of that role. A cell the table allows gets past the role check (whatever the
 * request's own answer: 200, 400 for the empty body, 404 for the missing target); any other cell
 * is 403 with the same message at both doors. Every request here is one the allowed cells refuse
 * or only read, so the walk changes nothing.
 */
class OperationTableTest extends OneNodePerClass {

  /** A path of the operation's route, each parameter naming something that does not exist. */
  static String path(Operation operation) {
    return operation.path
      .replace(":uow_id", UUID.randomUUID().toString())
      .replace(":request_id", "table-missing")
      .replace(":guard_rule_id", "rule-1")
      .replace(":name", "table-missing");
  }

  /** Verifies each HTTP cell: allowed → past the role check, else 403 naming both roles. */
  @Test
  void everyOperationAndRoleOverHttp() {
    List<String> wrong = new ArrayList<>();
    for (Operation operation : Operation.values()) {
      for (Role role : Role.values()) {
        Response response = node.http.send(operation.method, path(operation),
          node.token("table-" + role.name().toLowerCase(), role.name()), operation.readsBody ? "{}" : null);
        String cell = operation + " as " + role + " over HTTP: ";
        if (operation.allows(role)) {
          if (response.status() == 403 || response.status() == 401) {
            wrong.add(cell + "allowed by the table, got " + response.status() + " " + response.body());
          }
        } else if (response.status() != 403 || !deniedMessage(operation, role).equals(message(response))) {
          wrong.add(cell + "expected 403, got " + response.status() + " " + response.body());
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /**
   * Verifies each bus cell, for every operation with a bus address: a caller of a role the table
   * refuses gets the 403 the gateway maps, with the same message; an allowed one gets past it.
   */
  @Test
  void everyOperationAndRoleOverTheBus() {
    List<String> wrong = new ArrayList<>();
    BusClient bus = new BusClient(node.vertx, 5000);
    for (Operation operation : Operation.values()) {
      if (operation.busAddress == null) {
        continue;
      }
      for (Role role : Role.values()) {
        JsonObject actor = new JsonObject().put("pilot_id", "engine:" + role.name().toLowerCase())
          .put("role", role.name());
        Failure failure = failureOf(bus.request(operation.busAddress, busRequest(operation, actor)));
        String cell = operation + " as " + role + " over the bus: ";
        if (operation.allows(role)) {
          if (failure != null && failure.status() == 403) {
            wrong.add(cell + "allowed by the table, got 403 " + failure.getMessage());
          }
        } else if (failure == null || failure.status() != 403
          || !deniedMessage(operation, role).equals(failure.getMessage())) {
          wrong.add(cell + "expected 403, got " + (failure == null ? "a success"
            : failure.status() + " " + failure.getMessage()));
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /** Verifies that a bus write without an actor, or with a bad role, is a 400 naming the field. */
  @Test
  void aBusWriteNamesItsActor() {
    BusClient bus = new BusClient(node.vertx, 5000);
    JsonObject put = new JsonObject().put("name", "no-actor")
      .put("config", new JsonObject().put("type", "PASS_THRU").put("attributes", new JsonObject()));
    Failure missing = failureOf(bus.request(Addresses.GUARDIAN_PUT, put));
    assertNotNull(missing, "a guardian.put without an actor was accepted");
    assertEquals(400, missing.status());
    assertTrue(missing.getMessage().startsWith("actor.pilot_id"), missing.getMessage());
    Failure badRole = failureOf(bus.request(Addresses.GUARDIAN_REMOVE, new JsonObject().put("name", "no-actor")
      .put("actor", new JsonObject().put("pilot_id", "engine:x").put("role", "admin"))));
    assertNotNull(badRole);
    assertEquals(400, badRole.status());
    assertTrue(badRole.getMessage().startsWith("actor.role"), badRole.getMessage());
    assertEquals(404, node.http.get("/api/guardians/no-actor", p.viewer).status(), "nothing registered");
  }

  /** Verifies the roles of single requests: an action's role, never below the table's row. */
  @Test
  void aRequestNeedsTheRoleOfItsAction() {
    assertEquals(Operation.PILOT_KILL_SWITCH.minRole, Operation.requestRole(Role.OPERATOR, "kill_switch"));
    assertEquals(Operation.PILOT_WAIVE.minRole, Operation.requestRole(Role.OPERATOR, "waive_violation"));
    assertEquals(Role.OPERATOR, Operation.requestRole(Role.OPERATOR, "resume"));
    assertEquals(Role.ADMIN, Operation.requestRole(Role.ADMIN, "resume"), "a declared role above the action's");
    assertTrue(Operation.decidesOthersClaims(Role.ADMIN));
    assertTrue(!Operation.decidesOthersClaims(Role.OPERATOR));
  }

  /** The request another service would send for the operation; empty where it has a body. */
  private static JsonObject busRequest(Operation operation, JsonObject actor) {
    if (operation.service == Operation.Service.STORE) {
      // no params and an empty body: past the role check, a 400 (or a read's 200)
      return new JsonObject().put("actor", actor).put("params", new JsonObject()).put("body", new JsonObject());
    }
    // guardian addresses: no name, no config, no guardians — 400 past the role check
    return new JsonObject().put("actor", actor);
  }

  private static String deniedMessage(Operation operation, Role role) {
    return "requires role " + operation.minRole + ", pilot has " + role;
  }

  private static String message(Response response) {
    return response.json().getJsonObject("error").getString("message");
  }

  /** The failure the bus caller sees (as the gateway maps it), or null on a success. */
  private static Failure failureOf(io.vertx.core.Future<JsonObject> reply) {
    try {
      TestNode.await(reply);
      return null;
    } catch (Failure failure) {
      return failure;
    }
  }
}
