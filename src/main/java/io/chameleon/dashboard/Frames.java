package io.chameleon.dashboard;

import io.chameleon.bus.Failure;
import io.vertx.core.json.JsonObject;

/** The frames the server sends: replies, errors and the resync notice (SPEC §7, §1 codes). */
final class Frames {

  static final String UNKNOWN_MESSAGE = "UNKNOWN_MESSAGE";
  static final String RATE_LIMITED = "RATE_LIMITED";
  static final String TOO_MANY_SOCKETS = "TOO_MANY_SOCKETS";

  private Frames() {
  }

  static String reply(String type, Object id, Object data) {
    return withId(new JsonObject().put("type", type), id).put("success", true).put("data", data).encode();
  }

  static String error(String type, Object id, String code, String message) {
    return withId(new JsonObject().put("type", type), id).put("success", false)
      .put("error", new JsonObject().put("code", code).put("message", message)).encode();
  }

  static String error(String type, Object id, Failure failure) {
    return error(type, id, failure.code(), failure.getMessage());
  }

  /** An error about a frame that could not be read as a request: no id to answer. */
  static String malformed(String message) {
    return error("error", null, "BAD_REQUEST", message);
  }

  static String resync(long dropped) {
    return new JsonObject().put("type", "resync").put("data", new JsonObject().put("dropped", dropped)).encode();
  }

  private static JsonObject withId(JsonObject frame, Object id) {
    if (id != null) {
      frame.put("id", id);
    }
    return frame;
  }
}
