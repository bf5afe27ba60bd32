package io.chameleon.guardian;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep, immutable copies of plain JSON values (maps, lists, strings, numbers, booleans, null). */
public final class PlainJson {

  private PlainJson() {
  }

  /** A deep copy that nobody can change, keeping key order; scalars are returned as they are. */
  public static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), frozen(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(frozen(element));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> frozenObject(Map<String, Object> map) {
    return (Map<String, Object>) frozen(map);
  }
}
