package io.chameleon.guardian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /** The default of {@code guardian.max_trace_bytes}. */
  public static final int DEFAULT_MAX_TRACE_BYTES = 65_536;
  /** How much of a reason a shortened trace keeps. */
  static final int SHORT_REASON = 300;

  private static final ObjectMapper JSON = new ObjectMapper();

  public Verdict {
    decisions = List.copyOf(decisions);
  }

  /** {@code {allowed, decisions: [decision maps]}}. */
  public Map<String, Object> toMap() {
    List<Object> maps = new ArrayList<>(decisions.size());
    for (Decision decision : decisions) {
      maps.add(decision.toMap());
    }
    return verdict(maps);
  }

  /**
   * {@link #toMap()} when its JSON fits in {@code maxTraceBytes}; else the shortened trace: each
   * decision with its reason cut to {@value #SHORT_REASON} characters and its metadata (the
   * explanation, with every child of a COMPOSITE) replaced by
   * {@code {trace_omitted: true, trace_bytes}}. The answer and the rule ids stay; what made the
   * full trace big is left out of replies and of the audit events that carry decisions.
   */
  public Map<String, Object> toMap(int maxTraceBytes) {
    Map<String, Object> full = toMap();
    int bytes = size(full);
    if (bytes <= maxTraceBytes) {
      return full;
    }
    List<Object> maps = new ArrayList<>(decisions.size());
    for (Decision decision : decisions) {
      Map<String, Object> map = decision.toMap();
      String reason = decision.reason();
      map.put("reason", shorten(reason));
      Map<String, Object> omitted = new LinkedHashMap<>();
      omitted.put("trace_omitted", true);
      omitted.put("trace_bytes", bytes);
      map.put("metadata", omitted);
      maps.add(map);
    }
    return verdict(maps);
  }

  private static String shorten(String reason) {
    if (reason.length() <= SHORT_REASON) {
      return reason;
    }
    int end = Character.isHighSurrogate(reason.charAt(SHORT_REASON - 1)) ? SHORT_REASON - 1 : SHORT_REASON;
    return reason.substring(0, end) + "…";
  }

  private Map<String, Object> verdict(List<Object> maps) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("allowed", allowed);
    map.put("decisions", maps);
    return map;
  }

  private static int size(Map<String, Object> map) {
    try {
      return JSON.writeValueAsBytes(map).length;
    } catch (JsonProcessingException e) {
      return Integer.MAX_VALUE; // cannot happen for plain JSON values; shorten rather than fail
    }
  }
}
