package io.chameleon.bus;

/**
 * Every event-bus address of Chameleon, in one place. Shapes of the messages sent to each are in
 * {@code docs/EVENT_BUS.md}. Request/reply addresses are {@code <actor>.<verb>}; the one publish
 * address carries every appended audit event.
 */
public final class Addresses {

  private Addresses() {
  }

  /** Append one command's events atomically: {@code {events: [{event_type, payload}]}}. */
  public static final String EVENTS_APPEND = "events.append";
  /** Read a page of the log: {@code {after?, count?, types?}}. */
  public static final String EVENTS_READ = "events.read";
  /** Walk the hash chain: {@code {}} → {@code {ok, checked, first_bad_id}}. */
  public static final String EVENTS_VERIFY = "events.verify";
  /** Backend state and counters, for readiness and metrics. */
  public static final String EVENTS_STATUS = "events.status";
  /** Published (not sent): every event once it is durably appended. */
  public static final String EVENTS_APPENDED = "events.appended";

  /** Evaluate guardians against a flat UOW view: {@code {guardians, operator?, uow}}. */
  public static final String GUARDIAN_EVALUATE = "guardian.evaluate";
  /** Register or replace a named guardian: {@code {name, config, actor}}. */
  public static final String GUARDIAN_PUT = "guardian.put";
  /** One named guardian: {@code {name}}. */
  public static final String GUARDIAN_GET = "guardian.get";
  /** Every named guardian: {@code {}}. */
  public static final String GUARDIAN_LIST = "guardian.list";
  /** Remove a named guardian: {@code {name, actor}}. */
  public static final String GUARDIAN_REMOVE = "guardian.remove";
  /** Readiness of the guardian evaluator: {@code {}} → {@code {status, guardians}}. */
  public static final String GUARDIAN_STATUS = "guardian.status";

  // ---- store: units of work, pilot actions, intervention requests. Every request carries
  // {actor: {pilot_id, role}, params, body, if_match?, idempotency?: {key, method, path}} and is
  // answered {status, data}.

  public static final String STORE_UOW_REGISTER = "store.uow.register";
  public static final String STORE_UOW_GET = "store.uow.get";
  public static final String STORE_UOW_LIST = "store.uow.list";
  public static final String STORE_UOW_INTERACTION = "store.uow.interaction";
  public static final String STORE_UOW_ADVANCE = "store.uow.advance";
  public static final String STORE_PILOT_KILL_SWITCH = "store.pilot.kill_switch";
  public static final String STORE_PILOT_KILL_SWITCH_RELEASE = "store.pilot.kill_switch_release";
  public static final String STORE_PILOT_CLARIFICATION = "store.pilot.clarification";
  public static final String STORE_PILOT_WAIVE = "store.pilot.waive";
  public static final String STORE_PILOT_RESUME = "store.pilot.resume";
  public static final String STORE_PILOT_CANCEL = "store.pilot.cancel";
  public static final String STORE_INSTANCES_HALTED = "store.instances.halted";
  public static final String STORE_INTERVENTION_CREATE = "store.intervention.create";
  public static final String STORE_INTERVENTION_GET = "store.intervention.get";
  public static final String STORE_INTERVENTION_PENDING = "store.intervention.pending";
  public static final String STORE_INTERVENTION_METRICS = "store.intervention.metrics";
  public static final String STORE_INTERVENTION_CLAIM = "store.intervention.claim";
  public static final String STORE_INTERVENTION_APPROVE = "store.intervention.approve";
  public static final String STORE_INTERVENTION_REJECT = "store.intervention.reject";
  public static final String STORE_STATUS = "store.status";

  // ---- dashboard: pushes derived once per node from events.appended, fanned out to the sockets.

  /**
   * Local-only publish: one derived push, the body its encoded frame {@code {type, data}} (a
   * String, so it is encoded once per node), headers {@code push_type} and {@code event_id}.
   */
  public static final String DASHBOARD_PUSH = "dashboard.push";
  /** Readiness of the dashboard fan-out: {@code {}} → {@code {status: "UP", sockets}}. */
  public static final String DASHBOARD_STATUS = "dashboard.status";
}
