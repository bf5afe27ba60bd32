package io.chameleon.store;

import java.util.List;
import java.util.Set;

/** The event types the store emits and replays (SPEC §6 catalogue). */
public final class StoreEvents {

  public static final String UOW_REGISTERED = "uow_registered";
  public static final String UOW_INTERACTION_RECORDED = "uow_interaction_recorded";
  public static final String AMBIGUITY_LOCK_DETECTED = "ambiguity_lock_detected";
  public static final String UOW_STATUS_CHANGED = "uow_status_changed";
  public static final String GUARD_PASS = "guard_pass";
  public static final String GUARD_FAIL = "guard_fail";
  public static final String KILL_SWITCH_ACTIVATED = "kill_switch_activated";
  public static final String KILL_SWITCH_RELEASED = "kill_switch_released";
  public static final String PILOT_CLARIFICATION_SUBMITTED = "pilot_clarification_submitted";
  public static final String PILOT_WAIVER_GRANTED = "pilot_waiver_granted";
  public static final String PILOT_APPROVAL_GRANTED = "pilot_approval_granted";
  public static final String PILOT_CANCELLATION_ISSUED = "pilot_cancellation_issued";
  public static final String INTERVENTION_REQUEST = "intervention_request";
  public static final String INTERVENTION_CLAIMED = "intervention_claimed";
  public static final String INTERVENTION_APPROVED = "intervention_approved";
  public static final String INTERVENTION_REJECTED = "intervention_rejected";
  public static final String INTERVENTION_COMPLETED = "intervention_completed";
  public static final String INTERVENTION_EXPIRED = "intervention_expired";
  public static final String PILOT_AUTH_DENIED = "pilot_auth_denied";

  /** Every type that changes store state, in the order of the catalogue; read back on start. */
  public static final List<String> REPLAYED = List.of(UOW_REGISTERED, UOW_INTERACTION_RECORDED,
    AMBIGUITY_LOCK_DETECTED, UOW_STATUS_CHANGED, GUARD_PASS, GUARD_FAIL, KILL_SWITCH_ACTIVATED,
    KILL_SWITCH_RELEASED, PILOT_CLARIFICATION_SUBMITTED, PILOT_WAIVER_GRANTED,
    PILOT_APPROVAL_GRANTED, PILOT_CANCELLATION_ISSUED, INTERVENTION_REQUEST, INTERVENTION_CLAIMED,
    INTERVENTION_APPROVED, INTERVENTION_REJECTED, INTERVENTION_COMPLETED, INTERVENTION_EXPIRED);

  /** Types that add an entry to the history of the UOW named by their {@code uow_id}. */
  static final Set<String> HISTORY = Set.of(UOW_REGISTERED, UOW_INTERACTION_RECORDED,
    AMBIGUITY_LOCK_DETECTED, UOW_STATUS_CHANGED, GUARD_PASS, GUARD_FAIL,
    PILOT_CLARIFICATION_SUBMITTED, PILOT_WAIVER_GRANTED, PILOT_APPROVAL_GRANTED,
    PILOT_CANCELLATION_ISSUED);

  private StoreEvents() {
  }
}
