package io.chameleon.bus;

import io.chameleon.bus.Operation.Actor;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The request message of every {@code store.*} address but {@code store.status}:
 * {@code {actor, params, body, if_match?, idempotency?}} (docs/EVENT_BUS.md, "Request envelope").
 * Every sender builds it here — the gateway's {@code StoreApi}, the dashboard, other services'
 * verticles — and the store reads it here, so its shape is written once.
 *
 * @param actor who asks; checked against the address's {@link Operation} row by the store
 * @param params the path and query parameters (strings; numbers and booleans are read as strings)
 * @param body the command's fields
 * @param ifMatch the version the caller expects, as given ({@link #version} reads it), or null
 * @param idempotency the idempotency key and what it is scoped to, or null
 */
public record StoreMessage(Actor actor, Map<String, Object> params, Map<String, Object> body,
                           String ifMatch, Idempotency idempotency) {

  /** The longest idempotency key. */
  public static final int MAX_KEY_LENGTH = 255;

  public StoreMessage {
    Objects.requireNonNull(actor, "actor");
    params = params == null ? Map.of() : params;
    body = body == null ? Map.of() : body;
  }

  /** {@code {key, method, path}}: the key, scoped to the caller, the HTTP method and the path. */
  public record Idempotency(String key, String method, String path) {

    /** 400 for a key that is blank or longer than {@value #MAX_KEY_LENGTH}. */
    public Idempotency {
      if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
        throw Failure.badRequest("idempotency.key: must be a non-empty string of at most " + MAX_KEY_LENGTH);
      }
      method = method == null ? "" : method;
      path = path == null ? "" : path;
    }
  }

  /** A read: parameters only. */
  public static StoreMessage query(Actor actor, Map<String, Object> params) {
    return new StoreMessage(actor, params, Map.of(), null, null);
  }

  /** A command without concurrency headers. */
  public static StoreMessage command(Actor actor, Map<String, Object> params, Map<String, Object> body) {
    return new StoreMessage(actor, params, body, null, null);
  }

  /** The entity tag of a version, as the GETs of a UOW and of a request send it: {@code "3"}. */
  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /**
   * The version {@code if_match} names, or null when absent: a number, or a version in one pair of
   * double quotes (an {@link #etag}). 400 otherwise.
   */
  public Long version() {
    if (ifMatch == null) {
      return null;
    }
    String text = ifMatch.trim();
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      text = text.substring(1, text.length() - 1);
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Failure.badRequest("if_match: must be a version number");
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("actor", new JsonObject().put("pilot_id", actor.pilotId()).put("role", actor.role().name()))
      .put("params", new JsonObject(params))
      .put("body", new JsonObject(body));
    if (ifMatch != null) {
      json.put("if_match", ifMatch);
    }
    if (idempotency != null) {
      json.put("idempotency", new JsonObject().put("key", idempotency.key())
        .put("method", idempotency.method()).put("path", idempotency.path()));
    }
    return json;
  }

  /** Reads a message, 400 naming the first bad field (the actor first). */
  public static StoreMessage fromJson(JsonObject json) {
    return read(json == null ? Map.of() : json.getMap(), null);
  }

  /**
   * Reads a message for {@code operation}: the actor first, checked against the operation's role
   * (400 for a bad actor, 403 for a low role, before anything else is looked at), then the other
   * fields (400 naming the field). Any other top-level key is ignored.
   */
  public static StoreMessage read(Map<String, Object> message, Operation operation) {
    Map<String, Object> raw = message == null ? Map.of() : message;
    Object actorValue = object(raw.get("actor"));
    Actor actor = operation == null ? Actor.read(actorValue) : operation.check(actorValue);
    Object params = raw.get("params");
    if (params != null && object(params) == null) {
      throw Failure.badRequest("params: must be an object");
    }
    Object body = raw.get("body");
    if (body != null && object(body) == null) {
      throw Failure.badRequest("body: must be a JSON object");
    }
    Object ifMatch = raw.get("if_match");
    if (ifMatch != null && !(ifMatch instanceof String || ifMatch instanceof Number)) {
      throw Failure.badRequest("if_match: must be a version number");
    }
    Object idempotency = raw.get("idempotency");
    Idempotency idem = null;
    if (idempotency != null) {
      Map<String, Object> fields = object(idempotency);
      if (fields == null || !(fields.get("key") instanceof String key)) {
        throw Failure.badRequest("idempotency.key: must be a non-empty string of at most " + MAX_KEY_LENGTH);
      }
      idem = new Idempotency(key, fields.get("method") instanceof String m ? m : "",
        fields.get("path") instanceof String p ? p : "");
    }
    return new StoreMessage(actor, object(params), body == null ? new LinkedHashMap<>() : object(body),
      ifMatch == null ? null : String.valueOf(ifMatch), idem);
  }

  /** A JSON object as a map (a {@code JsonObject} as its own map), or null for anything else. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    if (value instanceof JsonObject json) {
      return json.getMap();
    }
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }
}
