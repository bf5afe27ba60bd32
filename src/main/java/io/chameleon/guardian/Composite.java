package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * COMPOSITE: child guardians combined with AND (stops at the first denial) or OR (stops at the
 * first allowance). The explanation lists the children evaluated, the operator and
 * {@code stopped_at}: the index of the child that decided early, or null when every child ran.
 */
final class Composite implements Guardian {

  static final String TYPE = GuardianType.COMPOSITE.name();
  /** "all n guardians allowed" for small n, the usual answer, made once. */
  private static final String[] ALL_ALLOWED = new String[17];

  static {
    for (int n = 1; n < ALL_ALLOWED.length; n++) {
      ALL_ALLOWED[n] = "all " + n + " guardians allowed";
    }
  }

  private final String name;
  private final Guardian[] children;
  private final Operator operator;

  Composite(String name, List<Guardian> children, Operator operator) {
    this.name = name;
    this.children = children.toArray(new Guardian[0]);
    this.operator = operator;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Combination combination = combine(children, operator, uow, now);
    // the children stay Decisions; their maps are made only if the explanation is read
    Explanation explanation = Explanation.of("operator", operator.name(),
      "stopped_at", combination.stoppedAt(), "children", combination.decisions().asMaps());
    return new Decision(combination.allowed(), combination.reason(), TYPE, name, explanation);
  }

  /**
   * The result of combining guardians.
   *
   * @param allowed the combined answer
   * @param decisions the decisions made, in order, up to where evaluation stopped
   * @param stoppedAt the index that decided early, or null when all were evaluated
   * @param reason a sentence saying which one decided
   */
  record Combination(boolean allowed, DecisionList decisions, Integer stoppedAt, String reason) {
  }

  /** Evaluates {@code guardians} in order, stopping as soon as {@code operator} is decided. */
  static Combination combine(Guardian[] guardians, Operator operator, Map<String, Object> uow,
                             Instant now) {
    int n = guardians.length;
    Decision[] decisions = new Decision[n];
    for (int i = 0; i < n; i++) {
      Decision decision = guardians[i].evaluate(uow, now);
      decisions[i] = decision;
      if (operator.decidedBy(decision.allowed())) {
        String who = "guardian " + (i + 1) + " of " + n
          + (decision.name() == null ? "" : " (" + decision.name() + ")");
        String verb = decision.allowed() ? " allowed: " : " denied: ";
        return new Combination(decision.allowed(), new DecisionList(decisions, i + 1), i,
          who + verb + decision.reason());
      }
    }
    boolean allowed = operator == Operator.AND || n == 0;
    String reason = n == 0 ? "no guardians to evaluate"
      : allowed ? n < ALL_ALLOWED.length ? ALL_ALLOWED[n] : "all " + n + " guardians allowed"
      : "none of " + n + " guardians allowed";
    return new Combination(allowed, new DecisionList(decisions, n), null, reason);
  }
}
