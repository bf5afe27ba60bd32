package io.chameleon.store;

import static io.chameleon.bus.PlainJson.copy;
import static io.chameleon.store.AdvanceGate.checkAdvance;
import static io.chameleon.store.AdvanceGate.gatePlan;
import static io.chameleon.store.PilotActions.cancel;
import static io.chameleon.store.PilotActions.clarify;
import static io.chameleon.store.PilotActions.killSwitch;
import static io.chameleon.store.PilotActions.pilotReply;
import static io.chameleon.store.PilotActions.pilotTarget;
import static io.chameleon.store.PilotActions.release;
import static io.chameleon.store.PilotActions.resume;
import static io.chameleon.store.PilotActions.waive;
import static io.chameleon.store.Preconditions.checkVersion;
import static io.chameleon.store.Preconditions.existingUow;

import io.chameleon.store.Command.Submission;
import io.chameleon.store.Decision.Accepted;
import io.chameleon.store.Decision.Rejected;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The store's rules (SPEC §3, §5): {@code decide(command, state, now) → events | rejection}. It
 * never changes the state; the events it returns carry every new full state, so
 * {@link StoreState#apply} of them, once logged, is the whole change. Checks run in the SPEC
 * order: existence 404, the item's role 403, {@code If-Match} and state 409 (shape was checked
 * when the command was parsed).
 *
 * <p>This class is the entry: it answers idempotent repeats and hands each command to
 * {@link UowCommands} (engine), {@link PilotActions} (pilot) or {@link RequestCommands}
 * (intervention requests), which share a {@link Step} and throw a {@link Refusal}.
 */
public final class Decider {

  public static final long DEFAULT_EXPIRES_IN = 3600;

  private final RequestCommands requests;
  private final UowCommands uows;

  public Decider() {
    this(() -> UUID.randomUUID().toString());
  }

  /** With the source of the ids of the requests the store creates itself. */
  public Decider(Supplier<String> ids) {
    this.requests = new RequestCommands(ids);
    this.uows = new UowCommands(requests);
  }

  // ---- entry points

  public Decision decide(Submission submission, StoreState state, Instant now) {
    return decide(submission, state, now, Gate.Result.NONE);
  }

  /** Decides a command; for an advance, {@code gate} holds the verdicts of {@link #plan}. */
  public Decision decide(Submission submission, StoreState state, Instant now, Gate.Result gate) {
    try {
      Command.Idempotency idem = submission.idempotency();
      if (idem != null) {
        IdempotencyRecord record = state.idempotency(idem.scope(), now);
        if (record != null) {
          if (!record.fingerprint().equals(idem.fingerprint())) {
            throw Refusal.conflict("idempotency key already used with another body");
          }
          // a repeated create answers 200 (SPEC §1); any other stored status as it was
          int status = record.status() == 201 ? 200 : record.status();
          return new Accepted(List.of(), status, copy(record.data()));
        }
      }
      Accepted accepted = dispatch(submission, new Step(state, now), gate);
      if (idem != null && !accepted.events().isEmpty()) {
        Map<String, Object> first = accepted.events().get(0).payload();
        first.put("idempotency", new IdempotencyRecord(idem.scope(), idem.fingerprint(),
          accepted.status(), copy(accepted.data()), now).toState());
      }
      return accepted;
    } catch (Refusal refusal) {
      return new Rejected(refusal.status, refusal.getMessage(), refusal.events);
    }
  }

  /**
   * The first half of an advance: checks existence, version and state, and says which guardians
   * to evaluate. A rejection comes back as {@link Rejected}, a plan as null-free {@link Gate.Plan}.
   */
  public Object plan(Submission submission, StoreState state) {
    try {
      Command.Advance advance = (Command.Advance) submission.command();
      Uow uow = existingUow(state, advance.uowId());
      checkVersion(submission, uow.version(), "uow " + uow.uowId());
      checkAdvance(state, uow, advance.target());
      return gatePlan(uow, advance);
    } catch (Refusal refusal) {
      return new Rejected(refusal.status, refusal.getMessage(), refusal.events);
    }
  }

  private Accepted dispatch(Submission s, Step step, Gate.Result gate) {
    Command c = s.command();
    if (c instanceof Command.Register r) {
      return uows.register(r, step);
    } else if (c instanceof Command.Interaction i) {
      return uows.interaction(s, i, step);
    } else if (c instanceof Command.Advance a) {
      return uows.advance(s, a, step, gate);
    } else if (c instanceof Command.KillSwitch k) {
      return killSwitch(k, step);
    } else if (c instanceof Command.Release r) {
      return release(r, step);
    } else if (c instanceof Command.Clarify cl) {
      Uow uow = pilotTarget(s, step, cl.uowId());
      Uow after = clarify(step, uow, cl.actor().pilotId(), cl.text(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Waive w) {
      Uow uow = pilotTarget(s, step, w.uowId());
      Uow after = waive(step, uow, w.actor().pilotId(), w.ruleId(), w.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Resume r) {
      Uow uow = pilotTarget(s, step, r.uowId());
      Uow after = resume(step, uow, r.actor().pilotId(), r.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.Cancel cn) {
      Uow uow = pilotTarget(s, step, cn.uowId());
      Uow after = cancel(step, uow, cn.actor().pilotId(), cn.reason(), null);
      return pilotReply(step, after);
    } else if (c instanceof Command.CreateRequest cr) {
      return requests.createRequest(cr, step);
    } else if (c instanceof Command.Claim cl) {
      return requests.claim(s, cl, step);
    } else if (c instanceof Command.DecideRequest d) {
      return requests.decideRequest(s, d, step);
    } else if (c instanceof Command.Expire e) {
      return requests.expire(e, step);
    }
    throw new IllegalArgumentException("unknown command " + c);
  }
}
