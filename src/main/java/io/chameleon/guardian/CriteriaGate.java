package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * CRITERIA_GATE: a list of rules combined with AND or OR. Every rule is evaluated, for the
 * explanation; the decision follows the operator. No rules means allowed.
 */
final class CriteriaGate implements Guardian {

  static final String TYPE = GuardianType.CRITERIA_GATE.name();

  private final String name;
  private final Rule[] rules;
  private final Operator operator;
  private final String allPassed;
  private final String nonePassed;
  private final String[] failedPrefix;
  private final String[] passedPrefix;

  CriteriaGate(String name, Rule[] rules, Operator operator) {
    this.name = name;
    this.rules = rules.clone();
    this.operator = operator;
    int n = rules.length;
    this.allPassed = n == 0 ? "no rules to check" : "all " + n + " rules passed";
    this.nonePassed = "none of " + n + " rules passed";
    this.failedPrefix = new String[n];
    this.passedPrefix = new String[n];
    for (int i = 0; i < n; i++) {
      String head = "rule " + (i + 1) + " of " + n;
      failedPrefix[i] = head + " failed: " + rules[i].text() + " (actual ";
      passedPrefix[i] = head + " passed: " + rules[i].text() + " (actual ";
    }
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    int n = rules.length;
    RuleOutcome[] outcomes = new RuleOutcome[n];
    int firstFailed = -1;
    int firstPassed = -1;
    for (int i = 0; i < n; i++) {
      Rule rule = rules[i];
      Object actual = rule.read(uow);
      boolean result = rule.test(actual);
      outcomes[i] = new RuleOutcome(rule, actual, result);
      if (result) {
        firstPassed = firstPassed < 0 ? i : firstPassed;
      } else {
        firstFailed = firstFailed < 0 ? i : firstFailed;
      }
    }
    Explanation explanation = Explanation.of("operator", operator.name(), "rules", List.of(outcomes));
    if (operator == Operator.AND || n == 0) {
      return firstFailed < 0
        ? Decision.allow(allPassed, TYPE, name, explanation)
        : Decision.deny(because(failedPrefix, firstFailed, outcomes), TYPE, name, explanation);
    }
    return firstPassed >= 0
      ? Decision.allow(because(passedPrefix, firstPassed, outcomes), TYPE, name, explanation)
      : Decision.deny(nonePassed, TYPE, name, explanation);
  }

  private String because(String[] prefixes, int index, RuleOutcome[] outcomes) {
    return prefixes[index] + FlatView.describe(outcomes[index].actual()) + ")";
  }
}
