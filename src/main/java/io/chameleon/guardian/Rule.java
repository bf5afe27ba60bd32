package io.chameleon.guardian;

import java.util.Map;

/** One compiled CRITERIA_GATE rule: a field, a resolved condition and the expected value. */
final class Rule {

  private final String field;
  private final String[] segments;
  private final Condition condition;
  private final Object expected;
  private final Number expectedNumber;
  private final String text;

  Rule(String field, Condition condition, Object expected) {
    this.field = field;
    this.segments = FlatView.segmentsOf(field);
    this.condition = condition;
    this.expected = expected;
    this.expectedNumber = expected instanceof Number number ? number : null;
    this.text = field + " " + condition.word()
      + (condition.needsValue() ? " " + FlatView.describe(expected) : "");
  }

  String field() {
    return field;
  }

  Condition condition() {
    return condition;
  }

  Object expected() {
    return expected;
  }

  /** How the rule reads in a reason, e.g. {@code amount gte 50000}. */
  String text() {
    return text;
  }

  Object read(Map<String, Object> uow) {
    return FlatView.read(uow, field, segments);
  }

  boolean test(Object actual) {
    switch (condition) {
      case EQUALS:
        return FlatView.same(actual, expected);
      case NOT_EQUALS:
        return !FlatView.same(actual, expected);
      case GT:
        return actual instanceof Number n && FlatView.compare(n, expectedNumber) > 0;
      case GTE:
        return actual instanceof Number n && FlatView.compare(n, expectedNumber) >= 0;
      case LT:
        return actual instanceof Number n && FlatView.compare(n, expectedNumber) < 0;
      case LTE:
        return actual instanceof Number n && FlatView.compare(n, expectedNumber) <= 0;
      case CONTAINS:
        return FlatView.contains(actual, expected);
      case NOT_CONTAINS:
        return !FlatView.contains(actual, expected);
      case EXISTS:
        return actual != null;
      case NOT_EXISTS:
        return actual == null;
      default:
        throw new IllegalStateException("unhandled condition " + condition);
    }
  }
}
