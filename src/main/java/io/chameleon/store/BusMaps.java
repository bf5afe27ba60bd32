package io.chameleon.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Between Vert.x JSON on the bus and the plain maps and lists of the store core. */
final class BusMaps {

  private BusMaps() {
  }

  static Object plain(Object value) {
    if (value instanceof JsonObject json) {
      return plain(json.getMap());
    }
    if (value instanceof JsonArray json) {
      return plain(json.getList());
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(element -> copy.add(plain(element)));
      return copy;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> plainObject(JsonObject json) {
    return json == null ? new LinkedHashMap<>() : (Map<String, Object>) plain(json);
  }

  static Object json(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject json = new JsonObject();
      map.forEach((k, v) -> json.put(String.valueOf(k), json(v)));
      return json;
    }
    if (value instanceof List<?> list) {
      JsonArray json = new JsonArray();
      list.forEach(element -> json.add(json(element)));
      return json;
    }
    return value;
  }

  static JsonObject jsonObject(Map<String, Object> map) {
    return (JsonObject) json(map);
  }
}
