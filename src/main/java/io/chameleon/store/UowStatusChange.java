package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Moving a UOW to another status, as the pilot actions, an advance and an expiry do: the
 * {@code uow_status_changed} event, the parent's count of finished children, and the open
 * requests of a parked UOW that the move makes moot.
 */
final class UowStatusChange {

  private UowStatusChange() {
  }

  /**
   * Moves a UOW by one row of {@link UowMove} (409 if it cannot start from the UOW's status): one
   * {@code uow_status_changed} with its new state (and its parent's, when it finishes); leaving a
   * parked status closes its other open requests (COMPLETED).
   */
  static Uow moveUow(Step step, Uow uow, UowMove move, String pilot, String reason,
                     String actedOn, Consumer<Uow.Change> edit, Map<String, Object> extra) {
    UowStatus to = move.target(uow);
    Uow.Change change = uow.change();
    change.status = to;
    if (to == UowStatus.ACTIVE || to == UowStatus.COMPLETED) {
      change.parkedDecision = null;
    }
    edit.accept(change);
    Uow after = change.done(step.now);
    Map<String, Object> payload = obj("uow_id", uow.uowId(), "instance_id", uow.instanceId(),
      "old_status", uow.status().name(), "new_status", to.name(), "pilot_id", pilot,
      "reason", reason);
    payload.putAll(extra);
    payload.put("uow", after.toState());
    if (to.finished() && !uow.status().finished() && uow.parentUowId() != null) {
      Uow parent = step.uow(uow.parentUowId());
      if (parent != null) {
        step.countOnParent(parent, counts -> counts.finishedChildCount++, payload);
      }
    }
    step.put(after);
    step.emit(StoreEvents.UOW_STATUS_CHANGED, payload);
    if (uow.status().parked() && !to.parked()) {
      for (String requestId : step.state.openRequestIds(uow.uowId())) {
        InterventionRequest request = step.request(requestId);
        if (requestId.equals(actedOn) || !request.status().open()) {
          continue;
        }
        InterventionRequest.Change close = request.change();
        close.status = RequestStatus.COMPLETED;
        close.actionBy = pilot;
        close.actionReason = reason;
        close.actionTimestamp = step.at;
        InterventionRequest closed = close.done(step.now);
        step.put(closed);
        step.closed.add(requestId);
        step.closing.add(new Draft(StoreEvents.INTERVENTION_COMPLETED, obj(
          "request_id", requestId, "uow_id", uow.uowId(), "old_status", request.status().name(),
          "new_status", RequestStatus.COMPLETED.name(), "pilot_id", pilot, "reason", reason,
          "request", closed.toState())));
      }
    }
    return after;
  }
}
