package io.chameleon.guardian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The combined answer of several guardians and the decisions that led to it, in order, up to
 * where AND or OR stopped.
 *
 * @param allowed the combined answer
 * @param decisions the decisions made
 */
public record Verdict(boolean allowed, List<Decision> decisions) {

  public Verdict {
    decisions = List.copyOf(decisions);
  }

  /** {@code {allowed, decisions: [decision maps]}}. */
  public Map<String, Object> toMap() {
    List<Object> maps = new ArrayList<>(decisions.size());
    for (Decision decision : decisions) {
      maps.add(decision.toMap());
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("allowed", allowed);
    map.put("decisions", maps);
    return map;
  }
}
