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
  /** The live tip and the newest signed checkpoint: {@code {tip, checkpoint, key}}. */
  public static final String EVENTS_HEAD = "events.head";
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

  // ---- store: UOWs, pilot actions, intervention requests. Every request is
  // {actor: {pilot_id, role}, params, body, if_match?, idempotency?: {key, method, path}};
  // every success reply is {status: 200|201, data}; failures carry 400/403/404/409/503.

  /** Register a UOW: body {uow_id?, instance_id, parent_uow_id?, attributes?, interaction_policy?}. */
  public static final String STORE_UOW_REGISTER = "store.uow.register";
  /** One UOW with its history: params {uow_id}. */
  public static final String STORE_UOW_GET = "store.uow.get";
  /** UOWs: params {instance_id?, status?, limit?, offset?} → {uows, total, count, limit, offset}. */
  public static final String STORE_UOW_LIST = "store.uow.list";
  /** Record an agent interaction: params {uow_id}. */
  public static final String STORE_UOW_INTERACTION = "store.uow.interaction";
  /** Advance a UOW: params {uow_id}, body {status, attributes?} → {uow, outcome, decisions}. */
  public static final String STORE_UOW_ADVANCE = "store.uow.advance";
  /** Halt an instance (ADMIN): body {instance_id, reason, dry_run?}. */
  public static final String STORE_PILOT_KILL_SWITCH = "store.pilot.kill_switch";
  /** Release a halted instance (ADMIN): body {instance_id, reason}. */
  public static final String STORE_PILOT_KILL_SWITCH_RELEASE = "store.pilot.kill_switch_release";
  /** Clarify a ZOMBIED_SOFT UOW (OPERATOR+): params {uow_id}, body {text}. */
  public static final String STORE_PILOT_CLARIFICATION = "store.pilot.clarification";
  /** Waive a guardian violation (ADMIN): params {uow_id, guard_rule_id}, body {reason}. */
  public static final String STORE_PILOT_WAIVE = "store.pilot.waive";
  /** Approve a PENDING_PILOT_APPROVAL UOW (OPERATOR+): params {uow_id}, body {reason?}. */
  public static final String STORE_PILOT_RESUME = "store.pilot.resume";
  /** Cancel a parked UOW (OPERATOR+): params {uow_id}, body {reason}. */
  public static final String STORE_PILOT_CANCEL = "store.pilot.cancel";
  /** Halted instances: {} → {instances}. */
  public static final String STORE_INSTANCES_HALTED = "store.instances.halted";
  /** Create an intervention request: body {request_id?, uow_id, intervention_type, title, ...}. */
  public static final String STORE_INTERVENTION_CREATE = "store.intervention.create";
  /** One intervention request: params {request_id}. */
  public static final String STORE_INTERVENTION_GET = "store.intervention.get";
  /** The pending queue: params {pilot_id? (unclaimed or claimed by it), assignee? (claimed by it), limit?, offset?}. */
  public static final String STORE_INTERVENTION_PENDING = "store.intervention.pending";
  /** Intervention metrics (SPEC §5 keys). */
  public static final String STORE_INTERVENTION_METRICS = "store.intervention.metrics";
  /** Claim a request: params {request_id}, body {}. */
  public static final String STORE_INTERVENTION_CLAIM = "store.intervention.claim";
  /** Approve a request: params {request_id}, body {reason}. */
  public static final String STORE_INTERVENTION_APPROVE = "store.intervention.approve";
  /** Reject a request: params {request_id}, body {reason}. */
  public static final String STORE_INTERVENTION_REJECT = "store.intervention.reject";
  /** Readiness of the store: {} → {status, uows, requests}. */
  public static final String STORE_STATUS = "store.status";

  // ---- cluster: the writer lease, node-local.

  /**
   * Node-local publish at every change of this node's writer role:
   * {@code {writer: true|false, epoch, node}}. The store and the broadcaster follow it.
   */
  public static final String CLUSTER_WRITER = "cluster.writer";
  /** Node-local: this node's role now, {@code {} → {writer, epoch, node, holder, lease_ttl_ms}}. */
  public static final String CLUSTER_WRITER_STATUS = "cluster.writer.status";

  // ---- dashboard: pushes derived once per node from events.appended, fanned out to the sockets.

  /**
   * Local-only publish: one derived push, the body its encoded frame {@code {type, data}} (a
   * String, so it is encoded once per node), headers {@code push_type} and {@code event_id}.
   */
  public static final String DASHBOARD_PUSH = "dashboard.push";
  /** Readiness of the dashboard fan-out: {@code {}} → {@code {status: "UP", sockets, peak_queued_bytes, resyncs}}. */
  public static final String DASHBOARD_STATUS = "dashboard.status";

  /**
   * True for the addresses only the cluster's writer serves: every {@code store.*} address and
   * {@code events.append} (one node at a time holds the writer lease, SPEC §9).
   */
  public static boolean servedByWriter(String address) {
    return address.startsWith("store.") || address.equals(EVENTS_APPEND);
  }
}
