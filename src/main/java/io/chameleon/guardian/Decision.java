package io.chameleon.guardian;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one guardian answered about one unit of work: allowed or not, a human sentence saying why,
 * the guardian's type and name (the rule id, may be null) and the figures it compared.
 *
 * @param allowed whether the guardian lets the unit of work through
 * @param reason a human sentence
 * @param guardianType e.g. {@code CRITERIA_GATE}
 * @param name the rule id or guardian name, may be null
 * @param metadata the explanation, immutable (plain JSON values: maps, lists, strings, numbers)
 */
public record Decision(boolean allowed, String reason, String guardianType, String name,
                       Map<String, Object> metadata) {

  public Decision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(guardianType, "guardianType");
    // an Explanation is already immutable and ours: kept, not copied (a COMPOSITE makes one per child)
    metadata = metadata == null || metadata.isEmpty() ? Map.of()
      : metadata instanceof Explanation ? metadata
      : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public static Decision allow(String reason, String guardianType, String name,
                               Map<String, Object> metadata) {
    return new Decision(true, reason, guardianType, name, metadata);
  }

  public static Decision deny(String reason, String guardianType, String name,
                              Map<String, Object> metadata) {
    return new Decision(false, reason, guardianType, name, metadata);
  }

  /** The same decision under another rule id. */
  public Decision withName(String newName) {
    return Objects.equals(newName, name) ? this
      : new Decision(allowed, reason, guardianType, newName, metadata);
  }

  /** The wire form, with snake_case keys: {@code allowed, reason, guardian_type, name, metadata}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("allowed", allowed);
    map.put("reason", reason);
    map.put("guardian_type", guardianType);
    map.put("name", name);
    map.put("metadata", metadata);
    return map;
  }

  /** Reads the wire form written by {@link #toMap()}. */
  @SuppressWarnings("unchecked")
  public static Decision fromMap(Map<String, Object> map) {
    Object metadata = map.get("metadata");
    return new Decision(Boolean.TRUE.equals(map.get("allowed")), String.valueOf(map.get("reason")),
      String.valueOf(map.get("guardian_type")), (String) map.get("name"),
      metadata instanceof Map ? (Map<String, Object>) metadata : Map.of());
  }
}
