package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.Canonical.obj;
import static io.chameleon.store.Decider.DEFAULT_EXPIRES_IN;
import static io.chameleon.store.PilotActions.cancel;
import static io.chameleon.store.PilotActions.clarify;
import static io.chameleon.store.PilotActions.killSwitchIn;
import static io.chameleon.store.PilotActions.resume;
import static io.chameleon.store.PilotActions.waive;
import static io.chameleon.store.Preconditions.checkVersion;
import static io.chameleon.store.Preconditions.pilot;
import static io.chameleon.store.UowStatusChange.moveUow;

import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.Operation;
import io.chameleon.bus.Role;
import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Intervention requests: opened by the store (ambiguity lock, guardian violation, missing
 * approval) or by a client, claimed, approved or rejected (which, for a request linked to a
 * UOW, carries out its pilot action), and expired (which gives up on a parked UOW).
 */
final class RequestCommands {

  private final Supplier<String> ids;

  /** With the source of the ids of the requests the store opens itself. */
  RequestCommands(Supplier<String> ids) {
    this.ids = ids;
  }

  InterventionRequest newRequest(Step step, Actor actor, String uowId, String type,
                                 String title, String description, String priority,
                                 Map<String, Object> context, Role requiredRole) {
    return newRequest(step, actor, ids.get(), uowId, type, title, description, priority, context,
      requiredRole, DEFAULT_EXPIRES_IN, null);
  }

  private InterventionRequest newRequest(Step step, Actor actor, String requestId, String uowId,
                                         String type, String title, String description,
                                         String priority, Map<String, Object> context,
                                         Role requiredRole, long expiresIn, String fingerprint) {
    InterventionRequest request = new InterventionRequest(requestId, uowId, type,
      RequestStatus.PENDING, priority, title, description, copy(context), step.at, step.at,
      Canonical.timestamp(step.now.plusSeconds(expiresIn)), requiredRole, null, null, null, null,
      1, fingerprint);
    step.put(request);
    step.emit(StoreEvents.INTERVENTION_REQUEST, obj("request_id", requestId, "uow_id", uowId,
      "intervention_type", type, "priority", priority, "required_role", requiredRole.name(),
      "pilot_id", pilot(actor), "request", request.toState()));
    return request;
  }

  Accepted createRequest(Command.CreateRequest c, Step step) {
    InterventionRequest existing = step.state.request(c.requestId());
    if (existing != null) {
      if (c.fingerprint().equals(existing.createFingerprint())) {
        return new Accepted(List.of(), 200, existing.toView());
      }
      throw Refusal.conflict("request " + c.requestId() + " already exists with another body");
    }
    InterventionRequest request = newRequest(step, c.actor(), c.requestId(), c.uowId(),
      c.interventionType(), c.title(), c.description(), c.priority(), c.context(),
      c.requiredRole(), c.expiresInSeconds(), c.fingerprint());
    return new Accepted(step.drafts(), 201, request.toView());
  }

  /** Existence 404, the request's own role 403 (recorded), version 409, final status 409. */
  private InterventionRequest actionable(Submission s, Step step, String requestId,
                                         String action) {
    InterventionRequest request = step.state.request(requestId);
    if (request == null) {
      throw Refusal.notFound("intervention request " + requestId + " not found");
    }
    Actor actor = s.command().actor();
    Role required = Operation.requestRole(request.requiredRole(), request.interventionType());
    if (!actor.role().atLeast(required)) {
      throw new Refusal(403, "request " + requestId + " needs role " + required + "; actor has "
        + actor.role(), List.of(new Draft(StoreEvents.PILOT_AUTH_DENIED, obj(
          "pilot_id", actor.pilotId(), "role", actor.role().name(), "required_role",
          required.name(), "action", action, "request_id", requestId))));
    }
    checkVersion(s, request.version(), "request " + requestId);
    if (!request.status().open()) {
      throw Refusal.conflict("request " + requestId + " is " + request.status());
    }
    return request;
  }

  Accepted claim(Submission s, Command.Claim c, Step step) {
    InterventionRequest request = actionable(s, step, c.requestId(), "claim");
    String pilot = c.actor().pilotId();
    if (request.status() == RequestStatus.IN_PROGRESS) {
      if (pilot.equals(request.assignedTo())) {
        return new Accepted(List.of(), 200, request.toView());
      }
      throw Refusal.conflict("request " + c.requestId() + " is IN_PROGRESS, claimed by "
        + request.assignedTo());
    }
    InterventionRequest.Change change = request.change();
    change.status = RequestStatus.IN_PROGRESS;
    change.assignedTo = pilot;
    InterventionRequest claimed = change.done(step.now);
    step.put(claimed);
    step.emit(StoreEvents.INTERVENTION_CLAIMED, obj("request_id", c.requestId(),
      "uow_id", request.uowId(), "old_status", request.status().name(),
      "new_status", claimed.status().name(), "pilot_id", pilot, "request", claimed.toState()));
    return new Accepted(step.drafts(), 200, claimed.toView());
  }

  Accepted decideRequest(Submission s, Command.DecideRequest d, Step step) {
    String action = d.approve() ? "approve" : "reject";
    InterventionRequest request = actionable(s, step, d.requestId(), action);
    String pilot = d.actor().pilotId();
    if (request.status() == RequestStatus.IN_PROGRESS && !pilot.equals(request.assignedTo())
      && !Operation.decidesOthersClaims(d.actor().role())) {
      throw Refusal.conflict("request " + d.requestId() + " is IN_PROGRESS, claimed by "
        + request.assignedTo());
    }
    InterventionRequest.Change change = request.change();
    change.status = d.approve() ? RequestStatus.APPROVED : RequestStatus.REJECTED;
    change.actionReason = d.reason();
    change.actionBy = pilot;
    change.actionTimestamp = step.at;
    InterventionRequest decided = change.done(step.now);
    step.put(decided);
    Uow uow = step.state.uow(request.uowId());
    step.emit(d.approve() ? StoreEvents.INTERVENTION_APPROVED : StoreEvents.INTERVENTION_REJECTED,
      obj("request_id", d.requestId(), "uow_id", request.uowId(),
        "intervention_type", request.interventionType(), "old_status", request.status().name(),
        "new_status", decided.status().name(), "pilot_id", pilot, "reason", d.reason(),
        "linked", uow != null, "request", decided.toState()));
    Map<String, Object> data = decided.toView();
    if (uow != null) {
      String id = d.requestId();
      String type = request.interventionType();
      if (d.approve()) {
        switch (type) {
          case "clarification" -> clarify(step, uow, pilot, d.reason(), id);
          case "waive_violation" -> waive(step, uow, pilot, waivedRuleOf(request, uow),
            d.reason(), id);
          case "resume" -> resume(step, uow, pilot, d.reason(), id);
          case "cancel" -> cancel(step, uow, pilot, d.reason(), id);
          case "kill_switch" -> killSwitchIn(step, uow.instanceId(), pilot, d.reason(), false);
          default -> {
          }
        }
      } else if ("resume".equals(type) || "waive_violation".equals(type)) {
        cancel(step, uow, pilot, d.reason(), id);
      } else if ("clarification".equals(type)) {
        moveUow(step, uow, UowMove.CLARIFICATION_REJECTED, pilot, d.reason(), id, change1 -> {
        }, obj("request_id", id));
      }
      data.put("uow", step.uow(uow.uowId()).toView());
      data.put("request_ids_closed", new ArrayList<>(step.closed));
    }
    return new Accepted(step.drafts(), 200, data);
  }

  private static String waivedRuleOf(InterventionRequest request, Uow uow) {
    if (request.context().get("rule_id") instanceof String rule) {
      return rule;
    }
    if (uow.pause() != null && uow.pause().get("rule_id") instanceof String rule) {
      return rule;
    }
    throw Refusal.conflict("request " + request.requestId() + " names no rule to waive; uow "
      + uow.uowId() + " is " + uow.status());
  }

  Accepted expire(Command.Expire e, Step step) {
    InterventionRequest request = step.state.request(e.requestId());
    if (request == null || !request.status().open()
      || request.expiresAtInstant().isAfter(step.now)) {
      throw Refusal.conflict("request " + e.requestId() + " is not due to expire");
    }
    InterventionRequest.Change change = request.change();
    change.status = RequestStatus.EXPIRED;
    InterventionRequest expired = change.done(step.now);
    step.put(expired);
    step.emit(StoreEvents.INTERVENTION_EXPIRED, obj("request_id", e.requestId(),
      "uow_id", request.uowId(), "old_status", request.status().name(),
      "new_status", RequestStatus.EXPIRED.name(), "request", expired.toState()));
    Uow uow = step.state.uow(request.uowId());
    if (uow != null && UowMove.REQUEST_EXPIRED.allows(uow.status())) {
      moveUow(step, uow, UowMove.REQUEST_EXPIRED, null,
        "intervention request " + e.requestId() + " expired", e.requestId(), change1 -> {
        }, obj("request_id", e.requestId()));
    }
    return new Accepted(step.drafts(), 200, expired.toView());
  }
}
