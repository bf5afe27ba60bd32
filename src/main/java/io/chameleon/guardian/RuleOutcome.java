package io.chameleon.guardian;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The explanation of one rule in one evaluation, as an immutable JSON object
 * {@code {field, condition, expected, actual, result}}. Built as a small object and only turned
 * into entries when read, because a gate evaluates millions of times and is read rarely.
 */
final class RuleOutcome extends AbstractMap<String, Object> {

  private final Rule rule;
  private final Object actual;
  private final boolean result;
  private Map<String, Object> entries;

  RuleOutcome(Rule rule, Object actual, boolean result) {
    this.rule = rule;
    this.actual = actual;
    this.result = result;
  }

  Object actual() {
    return actual;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    Map<String, Object> built = entries;
    if (built == null) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("field", rule.field());
      map.put("condition", rule.condition().word());
      map.put("expected", rule.expected());
      map.put("actual", actual);
      map.put("result", result);
      built = Collections.unmodifiableMap(map);
      entries = built;
    }
    return built.entrySet();
  }
}
