package io.chameleon.guardian;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Vert.x JSON ({@link JsonObject}, {@link JsonArray}, possibly nested inside
 * each other's maps) and the plain maps and lists the guardian core works on.
 */
final class BusJson {

  private BusJson() {
  }

  /** A plain deep copy: every JsonObject/Map becomes a map, every JsonArray/List a list. */
  static Object toPlain(Object value) {
    if (value instanceof JsonObject json) {
      return toPlain(json.getMap());
    }
    if (value instanceof JsonArray json) {
      return toPlain(json.getList());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
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

  @SuppressWarnings("unchecked")
  static Map<String, Object> toPlainObject(JsonObject json) {
    return (Map<String, Object>) toPlain(json);
  }

  @SuppressWarnings("unchecked")
  static List<Object> toPlainList(JsonArray json) {
    return (List<Object>) toPlain(json);
  }

  /** Vert.x JSON from plain values: maps become JsonObjects, lists JsonArrays, all the way down. */
  static Object toJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject json = new JsonObject();
      map.forEach((k, v) -> json.put(String.valueOf(k), toJson(v)));
      return json;
    }
    if (value instanceof List<?> list) {
      JsonArray json = new JsonArray();
      list.forEach(element -> json.add(toJson(element)));
      return json;
    }
    return value;
  }

  static JsonObject toJsonObject(Map<String, Object> map) {
    return (JsonObject) toJson(map);
  }
}
