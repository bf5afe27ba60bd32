package io.chameleon.guardian;

/**
 * The comparisons a CRITERIA_GATE rule may make. Order comparisons need numbers on both sides (a
 * non-numeric actual makes the rule false); {@code not_*} are the negations of their pair, so an
 * absent field is "not equal" to anything and "does not contain" anything.
 */
enum Condition {
  EQUALS("equals"), NOT_EQUALS("not_equals"),
  GT("gt"), GTE("gte"), LT("lt"), LTE("lte"),
  CONTAINS("contains"), NOT_CONTAINS("not_contains"),
  EXISTS("exists"), NOT_EXISTS("not_exists");

  private final String word;

  Condition(String word) {
    this.word = word;
  }

  /** The spelling used in configurations. */
  String word() {
    return word;
  }

  boolean needsValue() {
    return this != EXISTS && this != NOT_EXISTS;
  }

  boolean needsNumber() {
    return this == GT || this == GTE || this == LT || this == LTE;
  }

  static Condition named(String word) {
    for (Condition condition : values()) {
      if (condition.word.equals(word)) {
        return condition;
      }
    }
    return null;
  }
}
