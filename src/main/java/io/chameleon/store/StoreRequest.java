package io.chameleon.store;

import static io.chameleon.store.Canonical.map;

import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation.Actor;
import io.chameleon.bus.Operation;
import io.chameleon.bus.PlainJson;
import io.chameleon.bus.StoreMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One store request message ({@link StoreMessage}, read from plain maps): the actor and the
 * operation's role first (403), then typed accessors that answer 400 naming the bad field.
 */
public final class StoreRequest {

  static final Pattern UUID_FORMAT = Pattern.compile(
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  static final Pattern NAME_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  private final Actor actor;
  private final Map<String, Object> params;
  private final Map<String, Object> body;
  private final StoreMessage message;

  private StoreRequest(StoreMessage message) {
    this.actor = message.actor();
    this.params = message.params();
    this.body = message.body();
    this.message = message;
  }

  /**
   * Reads the envelope ({@link StoreMessage#read}) and checks the actor against the operation's
   * role ({@link Operation#check}): 400 for a bad actor, 403 for a low role, then 400 for a bad
   * field of the envelope.
   */
  public static StoreRequest read(Map<String, Object> message, Operation operation) {
    return new StoreRequest(StoreMessage.read(message, operation));
  }

  public Actor actor() {
    return actor;
  }

  public Map<String, Object> body() {
    return body;
  }

  // ---- params (strings; numbers accepted from bus callers)

  public String param(String name) {
    Object value = params.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw Failure.badRequest(name + ": must be a string");
  }

  public String uuidParam(String name, boolean required) {
    return uuid(name, param(name), required);
  }

  public String nameParam(String name) {
    String value = param(name);
    if (value == null || !NAME_FORMAT.matcher(value).matches()) {
      throw Failure.badRequest(name + ": must match [A-Za-z0-9._:-]{1,200}");
    }
    return value;
  }

  public int intParam(String name, int defaultValue, int min, int max) {
    String value = param(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < min || parsed > max) {
        throw Failure.badRequest(name + ": must be between " + min + " and " + max);
      }
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw Failure.badRequest(name + ": must be an integer");
    }
  }

  /** {@code If-Match}: a version number, or null when absent (400 when it is not one). */
  public Long ifMatch() {
    return message.version();
  }

  /** The idempotency scope (pilot, method, path, key) and the body's fingerprint, or null. */
  public Command.Idempotency idempotency() {
    StoreMessage.Idempotency idem = message.idempotency();
    if (idem == null) {
      return null;
    }
    String scope = String.join("\n", actor.pilotId(), idem.method(), idem.path(), idem.key());
    return new Command.Idempotency(scope, Canonical.fingerprint(body));
  }

  // ---- body fields

  /** 400 when the body has a field outside {@code allowed}. */
  public void onlyFields(Set<String> allowed) {
    for (String key : body.keySet()) {
      if (!allowed.contains(key)) {
        throw Failure.badRequest(key + ": unknown field");
      }
    }
  }

  public String string(String name, boolean required) {
    Object value = body.get(name);
    if (value == null) {
      if (required) {
        throw Failure.badRequest(name + ": is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw Failure.badRequest(name + ": must be a string");
    }
    return text;
  }

  /** A required or optional string that must not be empty or whitespace only. */
  public String text(String name, boolean required, int maxLength) {
    String value = string(name, required);
    if (value != null && value.isBlank()) {
      throw Failure.badRequest(name + ": must not be empty");
    }
    if (value != null && value.length() > maxLength) {
      throw Failure.badRequest(name + ": must be at most " + maxLength + " characters");
    }
    return value;
  }

  public String uuidField(String name, boolean required) {
    return uuid(name, string(name, required), required);
  }

  public Map<String, Object> object(String name) {
    Object value = body.get(name);
    if (value == null) {
      return new LinkedHashMap<>();
    }
    Map<String, Object> object = map(value);
    if (object == null) {
      throw Failure.badRequest(name + ": must be an object");
    }
    return PlainJson.copy(object);
  }

  public boolean bool(String name, boolean defaultValue) {
    Object value = body.get(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean flag)) {
      throw Failure.badRequest(name + ": must be a boolean");
    }
    return flag;
  }

  public long integer(String name, long defaultValue, long min, long max) {
    Object value = body.get(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw Failure.badRequest(name + ": must be an integer");
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw Failure.badRequest(name + ": must be between " + min + " and " + max);
    }
    return number;
  }

  public String oneOf(String name, List<String> allowed, String defaultValue) {
    String value = string(name, defaultValue == null);
    if (value == null) {
      return defaultValue;
    }
    int at = allowed.indexOf(value);
    if (at < 0) {
      throw Failure.badRequest(name + ": must be one of " + String.join(", ", allowed));
    }
    // the shared constant, not the parsed copy: a million stored requests keep one each
    return allowed.get(at);
  }

  static String uuid(String name, String value, boolean required) {
    if (value == null) {
      if (required) {
        throw Failure.badRequest(name + ": is required");
      }
      return null;
    }
    if (!UUID_FORMAT.matcher(value).matches()) {
      throw Failure.badRequest(name + ": must be a UUID");
    }
    return value.toLowerCase();
  }
}
