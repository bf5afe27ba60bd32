package io.chameleon.guardian;

/**
 * How several results combine: AND is true when all are (and stops at the first false), OR when
 * one is (and stops at the first true).
 */
public enum Operator {
  AND, OR;

  /** The operator spelt exactly {@code text} ("AND" or "OR"), or null. */
  public static Operator named(String text) {
    if ("AND".equals(text)) {
      return AND;
    }
    if ("OR".equals(text)) {
      return OR;
    }
    return null;
  }

  /** Whether evaluation can stop after a result of {@code outcome}. */
  boolean decidedBy(boolean outcome) {
    return this == AND ? !outcome : outcome;
  }
}
