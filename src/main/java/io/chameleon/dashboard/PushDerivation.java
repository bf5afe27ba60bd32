package io.chameleon.dashboard;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one audit event into the pushes the sockets get (SPEC §7), as plain functions:
 * <ul>
 *   <li>{@code event}: every event, as it is in the log;</li>
 *   <li>{@code new_request}: the request of an {@code intervention_request} event
 *       ({@code payload.request}, else the payload itself);</li>
 *   <li>{@code status_changed} {request_id, old_status, new_status, updated_by, request?}: on
 *       intervention_claimed / approved / rejected / expired / completed ({@code updated_by} is the
 *       acting pilot, null for an expiry);</li>
 *   <li>{@code uow_changed}: the UOW of any event carrying {@code payload.uow} (uow_*, ambiguity
 *       lock, pilot actions' status changes), and {@code payload.parent_uow} when present.</li>
 * </ul>
 * {@code metrics_update} is not derived here: {@link #changesRequests} says when the metrics may
 * have moved, and the verticle fetches them (coalesced). Store-internal fields (fingerprints,
 * consumed waivers) are stripped from UOWs and requests.
 */
public final class PushDerivation {

  static final Set<String> STATUS_EVENTS = Set.of("intervention_claimed", "intervention_approved",
    "intervention_rejected", "intervention_expired", "intervention_completed");
  static final Set<String> INTERNAL_FIELDS = Set.of("create_fingerprint", "register_fingerprint",
    "waived_rule", "approval_granted");

  private PushDerivation() {
  }

  /** The pushes for one event, {@code event} first. */
  public static List<Push> derive(JsonObject event) {
    String id = event.getString("id");
    String type = event.getString("event_type", "");
    JsonObject payload = event.getValue("payload") instanceof JsonObject p ? p : new JsonObject();
    List<Push> pushes = new ArrayList<>(3);
    pushes.add(Push.of(Push.EVENT, id, event));
    if ("intervention_request".equals(type)) {
      JsonObject request = payload.getValue("request") instanceof JsonObject r ? r : payload;
      pushes.add(Push.of(Push.NEW_REQUEST, id, publicView(request)));
    } else if (STATUS_EVENTS.contains(type)) {
      JsonObject request = payload.getValue("request") instanceof JsonObject r ? r : null;
      JsonObject change = new JsonObject()
        .put("request_id", payload.getString("request_id", request == null ? null : request.getString("request_id")))
        .put("old_status", payload.getValue("old_status"))
        .put("new_status", payload.getValue("new_status", request == null ? null : request.getValue("status")))
        .put("updated_by", payload.getValue("pilot_id"));
      if (request != null) {
        change.put("request", publicView(request));
      }
      pushes.add(Push.of(Push.STATUS_CHANGED, id, change));
    }
    if (payload.getValue("uow") instanceof JsonObject uow) {
      pushes.add(Push.of(Push.UOW_CHANGED, id, publicView(uow)));
    }
    if (payload.getValue("parent_uow") instanceof JsonObject parent) {
      pushes.add(Push.of(Push.UOW_CHANGED, id, publicView(parent)));
    }
    return pushes;
  }

  /** Whether an event may change the intervention metrics (any intervention_* event). */
  public static boolean changesRequests(JsonObject event) {
    return event.getString("event_type", "").startsWith("intervention_");
  }

  /**
   * The entity without its internal fields: a shallow view (its values shared, not copied), as the
   * push encodes it at once and nobody changes either.
   */
  private static JsonObject publicView(JsonObject entity) {
    Map<String, Object> view = new LinkedHashMap<>(entity.getMap());
    INTERNAL_FIELDS.forEach(view::remove);
    return new JsonObject(view);
  }
}
