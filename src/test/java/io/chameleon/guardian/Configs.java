package io.chameleon.guardian;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short ways to write guardian configurations and flat UOW views in tests. */
final class Configs {

  static final java.time.Instant NOW = java.time.Instant.parse("2026-11-25T12:00:00.000Z");

  private Configs() {
  }

  /** A map from alternating keys and values (values may be null). */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static Map<String, Object> config(String type, Map<String, Object> attributes) {
    return map("type", type, "attributes", attributes);
  }

  static Map<String, Object> rule(String field, String condition, Object value) {
    return map("field", field, "condition", condition, "value", value);
  }

  static Map<String, Object> gate(String operator, Object... rules) {
    return config("CRITERIA_GATE", map("operator", operator, "rules", List.of(rules)));
  }

  static CompiledGuardian compile(Map<String, Object> config) {
    return GuardianCompiler.compile(config, "", GuardianResolver.NONE);
  }

  static Decision evaluate(Map<String, Object> config, Map<String, Object> uow) {
    return compile(config).evaluate(uow, NOW);
  }

  /** A UOW created {@code ageSeconds} before {@link #NOW}. */
  static Map<String, Object> uowAged(long ageSeconds) {
    return map("uow_id", "u-1", "status", "ACTIVE", "child_count", 2, "finished_child_count", 1,
      "created_at", NOW.minusSeconds(ageSeconds).toString());
  }
}
