package io.chameleon.guardian;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads from a configuration map, each naming the path of the field it reads so a bad value
 * becomes an {@link InvalidGuardianConfig} that says where it is.
 */
final class ConfigFields {

  private final Map<String, Object> map;
  private final String path;

  private ConfigFields(Map<String, Object> map, String path) {
    this.map = map;
    this.path = path;
  }

  /** Reads {@code value} (found at {@code path}) as an object. */
  static ConfigFields of(Object value, String path) {
    return new ConfigFields(asObject(value, path), path);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asObject(Object value, String path) {
    if (!(value instanceof Map)) {
      throw new InvalidGuardianConfig(path, "must be an object");
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object value, String path) {
    if (!(value instanceof List)) {
      throw new InvalidGuardianConfig(path, "must be a list");
    }
    return (List<Object>) value;
  }

  static String join(String parent, String child) {
    return parent == null || parent.isEmpty() ? child : parent + "." + child;
  }

  String path() {
    return path;
  }

  String pathOf(String key) {
    return join(path, key);
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  Object raw(String key) {
    return map.get(key);
  }

  /** Rejects keys other than {@code allowed}, naming the first unknown one. */
  void onlyKeys(Set<String> allowed) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        throw new InvalidGuardianConfig(pathOf(key), "unknown field");
      }
    }
  }

  Object required(String key) {
    Object value = map.get(key);
    if (value == null) {
      throw new InvalidGuardianConfig(pathOf(key), "is required");
    }
    return value;
  }

  String requiredString(String key) {
    return string(required(key), pathOf(key));
  }

  String optionalString(String key) {
    Object value = map.get(key);
    return value == null ? null : string(value, pathOf(key));
  }

  private static String string(Object value, String path) {
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new InvalidGuardianConfig(path, "must be a non-empty string");
    }
    return text;
  }

  /** A non-negative whole number, or {@code fallback} when absent. */
  long count(String key, long fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || !isWhole(number)) {
      throw new InvalidGuardianConfig(pathOf(key), "must be an integer");
    }
    if (number.longValue() < 0) {
      throw new InvalidGuardianConfig(pathOf(key), "must not be negative");
    }
    return number.longValue();
  }

  /** A non-negative number of seconds, as given, or {@code fallback} when absent. */
  Number seconds(String key, Number fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
      throw new InvalidGuardianConfig(pathOf(key), "must be a number");
    }
    if (number.doubleValue() < 0) {
      throw new InvalidGuardianConfig(pathOf(key), "must not be negative");
    }
    return number;
  }

  Operator operator(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Operator.AND;
    }
    Operator operator = value instanceof String text ? Operator.named(text) : null;
    if (operator == null) {
      throw new InvalidGuardianConfig(pathOf(key), "must be AND or OR");
    }
    return operator;
  }

  List<Object> list(String key) {
    return asList(required(key), pathOf(key));
  }

  ConfigFields object(String key) {
    return of(required(key), pathOf(key));
  }

  /** The nested object at {@code key}, or an empty one when absent. */
  ConfigFields optionalObject(String key) {
    Object value = map.get(key);
    return value == null ? new ConfigFields(Map.of(), pathOf(key)) : of(value, pathOf(key));
  }

  Set<String> keys() {
    return map.keySet();
  }

  private static boolean isWhole(Number number) {
    if (number instanceof Integer || number instanceof Long || number instanceof Short
      || number instanceof Byte) {
      return true;
    }
    double d = number.doubleValue();
    return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15;
  }
}
