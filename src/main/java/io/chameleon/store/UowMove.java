package io.chameleon.store;

import static io.chameleon.store.UowStatus.ACTIVE;
import static io.chameleon.store.UowStatus.COMPLETED;
import static io.chameleon.store.UowStatus.FAILED;
import static io.chameleon.store.UowStatus.PAUSED;
import static io.chameleon.store.UowStatus.PENDING;
import static io.chameleon.store.UowStatus.PENDING_PILOT_APPROVAL;
import static io.chameleon.store.UowStatus.ZOMBIED_DEAD;
import static io.chameleon.store.UowStatus.ZOMBIED_SOFT;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every move of a UOW from one status to another (SPEC §3), in one table: what makes it, the
 * statuses it may leave, the status it reaches. Each status change of the store goes through one
 * row ({@link #target}), and a command whose move does not start from the UOW's status is refused
 * with the 409 of {@link #require}, so this table and SPEC's can be read side by side.
 */
enum UowMove {

  /** advance {status: ACTIVE}, the gate passed. */
  START("advance to ACTIVE", List.of(PENDING), ACTIVE),
  /** advance {status: COMPLETED}, the gate passed. */
  COMPLETE("advance to COMPLETED", List.of(ACTIVE), COMPLETED),
  /** advance {status: FAILED}: no gate runs. */
  FAIL("advance to FAILED", List.of(ACTIVE), FAILED),
  /** An advance the blocking guardians refused (a {@code waive_violation} request). */
  GUARD_VIOLATION("an advance", List.of(PENDING, ACTIVE), PAUSED),
  /** An advance the approval guardians held (a {@code resume} request). */
  APPROVAL_NEEDED("an advance", List.of(PENDING, ACTIVE), PENDING_PILOT_APPROVAL),
  /** An interaction past {@code max_interactions} (a {@code clarification} request). */
  AMBIGUITY_LOCK("an interaction", List.of(ACTIVE), ZOMBIED_SOFT),
  /** The kill switch pauses every ACTIVE UOW of the instance. */
  KILL_SWITCH("kill-switch", List.of(ACTIVE), PAUSED),
  /** Its release resumes those it paused. */
  RELEASE("kill-switch/release", List.of(PAUSED), ACTIVE),
  CLARIFY("clarification", List.of(ZOMBIED_SOFT), ACTIVE),
  WAIVE("waive", List.of(PAUSED), ACTIVE),
  RESUME("resume", List.of(PENDING_PILOT_APPROVAL), ACTIVE),
  /** Also rejecting a linked {@code resume} or {@code waive_violation} request. */
  CANCEL("cancel", List.of(PENDING_PILOT_APPROVAL, PAUSED, ZOMBIED_SOFT, ZOMBIED_DEAD), FAILED),
  /** Rejecting a linked {@code clarification} request: the dead letter. */
  CLARIFICATION_REJECTED("rejecting a clarification", List.of(ZOMBIED_SOFT), ZOMBIED_DEAD),
  /** A linked request expired while its UOW was still parked. */
  REQUEST_EXPIRED("an expired request", List.of(PAUSED, PENDING_PILOT_APPROVAL, ZOMBIED_SOFT),
    ZOMBIED_DEAD);

  /** What makes the move, as a 409 names it. */
  final String cause;
  /** The statuses it may leave, in the order SPEC lists them. */
  final List<UowStatus> from;
  final UowStatus to;
  private final Set<UowStatus> fromSet;

  UowMove(String cause, List<UowStatus> from, UowStatus to) {
    this.cause = cause;
    this.from = from;
    this.to = to;
    this.fromSet = EnumSet.copyOf(from);
  }

  boolean allows(UowStatus status) {
    return fromSet.contains(status);
  }

  /** Refuses (409 naming the UOW's status) when this move cannot start from it. */
  void require(Uow uow) {
    if (!allows(uow.status())) {
      throw Refusal.conflict("uow " + uow.uowId() + " is " + uow.status() + "; " + cause
        + " needs " + needs());
    }
  }

  /** The status this move takes {@code uow} to, after {@link #require}. */
  UowStatus target(Uow uow) {
    require(uow);
    return to;
  }

  /** The advance to {@code target} from {@code status}, or null when there is none. */
  static UowMove advance(UowStatus status, UowStatus target) {
    for (UowMove move : List.of(START, COMPLETE, FAIL)) {
      if (move.to == target && move.allows(status)) {
        return move;
      }
    }
    return null;
  }

  private String needs() {
    List<String> names = from.stream().map(Enum::name).toList();
    return names.size() == 1 ? names.get(0)
      : names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
        + " or " + names.get(names.size() - 1);
  }
}
