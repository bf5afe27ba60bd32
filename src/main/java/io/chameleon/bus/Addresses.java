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
}
