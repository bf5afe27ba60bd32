package io.chameleon.store;

import io.chameleon.bus.Operation.Actor;
import io.chameleon.store.Command.Submission;

/**
 * The checks the rules share, each throwing a {@link Refusal}: the UOW exists (404), the
 * {@code If-Match} version holds (409), its instance is not halted (409), it has the status an
 * action needs (409). And the pilot id of an actor, which every event records.
 */
final class Preconditions {

  private Preconditions() {
  }

  static Uow existingUow(StoreState state, String uowId) {
    Uow uow = state.uow(uowId);
    if (uow == null) {
      throw Refusal.notFound("uow " + uowId + " not found");
    }
    return uow;
  }

  static void checkVersion(Submission s, long version, String what) {
    if (s.ifMatch() != null && s.ifMatch() != version) {
      throw Refusal.conflict(what + " is at version " + version + ", not " + s.ifMatch());
    }
  }

  static void checkNotHalted(Step step, Uow uow) {
    if (step.state.halted(uow.instanceId()) != null) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + " and its instance "
        + uow.instanceId() + " is halted");
    }
  }

  static String pilot(Actor actor) {
    return actor == null ? null : actor.pilotId();
  }
}
