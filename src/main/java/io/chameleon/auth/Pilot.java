package io.chameleon.auth;

import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.vertx.core.json.JsonObject;

/** The authenticated caller: the token's {@code sub} and {@code role}, and its {@code exp} (epoch s). */
public record Pilot(String id, Role role, long expiresAt) {

  /**
   * The longest pilot id (a token's {@code sub}): checked when the token is, so a pilot whose id
   * the store would refuse never gets past authentication.
   */
  public static final int MAX_ID_LENGTH = Operation.Actor.MAX_ID_LENGTH;

  /** The pilot as the actor of a bus request. */
  public Operation.Actor actor() {
    return new Operation.Actor(id, role);
  }

  public JsonObject toJson() {
    return new JsonObject().put("pilot_id", id).put("role", role.name());
  }
}
