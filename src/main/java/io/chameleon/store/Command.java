package io.chameleon.store;

import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.Role;
import java.util.Map;

/** The store's write commands, validated in shape (ids, types, required fields) already. */
public sealed interface Command {

  /** Who acts: a pilot or an engine on the bus; null only for the store's own expiry sweep. */
  Actor actor();

  /** {@code fingerprint}: hash of the canonical register body, for idempotent repeats by uow_id. */
  record Register(Actor actor, String uowId, String instanceId, String parentUowId,
                  Map<String, Object> attributes, Map<String, Object> policy,
                  String fingerprint) implements Command {
  }

  record Interaction(Actor actor, String uowId) implements Command {
  }

  record Advance(Actor actor, String uowId, UowStatus target, Map<String, Object> attributes)
    implements Command {
  }

  record KillSwitch(Actor actor, String instanceId, String reason, boolean dryRun)
    implements Command {
  }

  record Release(Actor actor, String instanceId, String reason) implements Command {
  }

  record Clarify(Actor actor, String uowId, String text) implements Command {
  }

  record Waive(Actor actor, String uowId, String ruleId, String reason) implements Command {
  }

  record Resume(Actor actor, String uowId, String reason) implements Command {
  }

  record Cancel(Actor actor, String uowId, String reason) implements Command {
  }

  /** {@code requestId} is generated when not given; {@code fingerprint}: hash of the canonical body. */
  record CreateRequest(Actor actor, String requestId, String uowId, String interventionType,
                       String title, String description, String priority,
                       Map<String, Object> context, Role requiredRole, long expiresInSeconds,
                       String fingerprint) implements Command {
  }

  record Claim(Actor actor, String requestId) implements Command {
  }

  /** Approve ({@code approve}) or reject a request. */
  record DecideRequest(Actor actor, String requestId, boolean approve, String reason)
    implements Command {
  }

  /** The sweeper's: expire a request past its expires_at. */
  record Expire(String requestId) implements Command {
    @Override
    public Actor actor() {
      return null;
    }
  }

  /**
   * A command with what surrounds it: the caller's {@code If-Match} version (null when absent)
   * and its idempotency scope and body fingerprint (null when no key was given).
   */
  record Submission(Command command, Long ifMatch, Idempotency idempotency) {
    public static Submission of(Command command) {
      return new Submission(command, null, null);
    }
  }

  record Idempotency(String scope, String fingerprint) {
  }
}
