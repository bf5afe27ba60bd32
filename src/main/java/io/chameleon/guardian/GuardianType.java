package io.chameleon.guardian;

/** The six kinds of guardian a configuration may name, spelt exactly as in the {@code type} field. */
public enum GuardianType {
  CERBERUS, PASS_THRU, CRITERIA_GATE, DIRECTIONAL_FILTER, TTL_CHECK, COMPOSITE;

  /** The type named exactly {@code text}, or null. */
  static GuardianType named(String text) {
    for (GuardianType type : values()) {
      if (type.name().equals(text)) {
        return type;
      }
    }
    return null;
  }
}
