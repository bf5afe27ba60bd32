package io.chameleon.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge between Vert.x JSON ({@link JsonObject}, {@link JsonArray}, possibly nested inside
 * each other's maps) and the plain maps and lists of the Vert.x-free cores ({@link PlainJson});
 * and the canonical form of values that hold Vert.x JSON, written by the same code as
 * {@link PlainJson#canonical}.
 */
public final class BusJson {

  private BusJson() {
  }

  /** A plain deep copy: every JsonObject/Map becomes a map, every JsonArray/List a list. */
  public static Object toPlain(Object value) {
    if (value instanceof JsonObject json) {
      return toPlain(json.getMap());
    }
    if (value instanceof JsonArray json) {
      return toPlain(json.getList());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>((int) (map.size() / 0.75f) + 1);
      map.forEach((k, v) -> copy.put(String.valueOf(k), toPlain(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(element -> copy.add(toPlain(element)));
      return copy;
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    return value;
  }

  /** {@link #toPlain} of an object; null stays null. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toPlainObject(JsonObject json) {
    return (Map<String, Object>) toPlain(json);
  }

  /** {@link #toPlain} of an object; null reads as an empty (mutable) map. */
  public static Map<String, Object> toPlainObjectOrEmpty(JsonObject json) {
    return json == null ? new LinkedHashMap<>() : toPlainObject(json);
  }

  @SuppressWarnings("unchecked")
  public static List<Object> toPlainList(JsonArray json) {
    return (List<Object>) toPlain(json);
  }

  /** Vert.x JSON from plain values: maps become JsonObjects, lists JsonArrays, all the way down. */
  public static Object toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject json = new JsonObject(new LinkedHashMap<>((int) (map.size() / 0.75f) + 1));
      map.forEach((k, v) -> json.put(String.valueOf(k), toJson(v)));
      return json;
    }
    if (value instanceof List<?> list) {
      JsonArray json = new JsonArray(new ArrayList<>(list.size()));
      list.forEach(element -> json.add(toJson(element)));
      return json;
    }
    return value;
  }

  public static JsonObject toJsonObject(Map<String, Object> map) {
    return (JsonObject) toJson(map);
  }

  /** {@link PlainJson#canonical} of a value that may hold JsonObjects and JsonArrays. */
  public static String canonical(Object value) {
    return PlainJson.canonical(value, BusJson::unwrap);
  }

  /** {@link PlainJson#canonicalHash} of a value that may hold JsonObjects and JsonArrays. */
  public static String canonicalHash(String prefix, Object value) {
    return PlainJson.canonicalHash(prefix, value, BusJson::unwrap);
  }

  /** What Vert.x's own encoder writes for the types it knows beyond plain JSON. */
  private static Object unwrap(Object value) {
    if (value instanceof JsonObject json) {
      return json.getMap();
    }
    if (value instanceof JsonArray json) {
      return json.getList();
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }
}
