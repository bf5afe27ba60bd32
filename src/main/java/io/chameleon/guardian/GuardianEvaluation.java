package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Several guardians, given as registered names or inline configurations, combined with AND
 * (stops at the first denial) or OR (stops at the first allowance); no guardians at all means
 * allowed. Each decision's rule id is the guardian's own name, else the name it was referenced by,
 * else {@code <rulePrefix>[i]}.
 */
public final class GuardianEvaluation {

  private final Guardian[] guardians;
  private final Operator operator;

  private GuardianEvaluation(Guardian[] guardians, Operator operator) {
    this.guardians = guardians;
    this.operator = operator;
  }

  /**
   * Compiles the list found at {@code path} (e.g. {@code guardians}); errors name paths below it,
   * such as {@code guardians[1].attributes.rules[0].field}.
   */
  public static GuardianEvaluation compile(List<Object> specs, Operator operator, String path,
                                           String rulePrefix, GuardianResolver registry) {
    return compile(specs, operator, path, rulePrefix, registry, false);
  }

  /**
   * As {@link #compile(List, Operator, String, String, GuardianResolver)}; when {@code lenient},
   * a guardian that cannot be resolved or compiled (say, a name removed since a UOW's policy was
   * frozen) does not fail the whole evaluation but denies, with the error as its reason — so a
   * UOW gate parks the UOW for a pilot instead of refusing every advance.
   */
  public static GuardianEvaluation compile(List<Object> specs, Operator operator, String path,
                                           String rulePrefix, GuardianResolver registry,
                                           boolean lenient) {
    return compile(specs, operator, path, rulePrefix, registry, lenient, Fanout.DEFAULT_MAX_VISITS);
  }

  /**
   * As {@link #compile(List, Operator, String, String, GuardianResolver, boolean)}, refusing a list
   * whose evaluation could visit more than {@code maxVisits} guardians, counting those reached
   * through references ({@link Fanout}), naming the item where the count goes over; when
   * {@code lenient}, that item and the ones after it deny instead.
   */
  public static GuardianEvaluation compile(List<Object> specs, Operator operator, String path,
                                           String rulePrefix, GuardianResolver registry,
                                           boolean lenient, int maxVisits) {
    return compile(specs, operator, path, rulePrefix, registry, lenient, maxVisits, null);
  }

  /**
   * As {@link #compile(List, Operator, String, String, GuardianResolver, boolean, int)}, taking
   * inline configurations compiled before from {@code cache} (null: compile each one).
   */
  static GuardianEvaluation compile(List<Object> specs, Operator operator, String path,
                                    String rulePrefix, GuardianResolver registry,
                                    boolean lenient, int maxVisits, CompiledCache cache) {
    Guardian[] guardians = new Guardian[specs.size()];
    Fanout fanout = new Fanout(registry::find);
    long visits = 0;
    for (int i = 0; i < guardians.length; i++) {
      String itemPath = path + "[" + i + "]";
      try {
        Guardian item = item(specs.get(i), itemPath, rulePrefix + "[" + i + "]", registry, cache);
        visits = Fanout.add(visits, item instanceof CompiledGuardian compiled ? fanout.visits(compiled) : 1);
        if (visits > maxVisits) {
          throw new InvalidGuardianConfig(itemPath, "the guardians up to here fan out to " + visits
            + " in one evaluation, more than " + maxVisits + " (guardian.max_visits)");
        }
        guardians[i] = item;
      } catch (InvalidGuardianConfig invalid) {
        if (!lenient) {
          throw invalid;
        }
        String ruleId = specs.get(i) instanceof String name ? name : rulePrefix + "[" + i + "]";
        Decision denial = Decision.deny("guardian cannot be evaluated: " + invalid.getMessage(),
          "INVALID", ruleId, Map.of("error", invalid.getMessage()));
        guardians[i] = (uow, now) -> denial;
      }
    }
    return new GuardianEvaluation(guardians, operator == null ? Operator.AND : operator);
  }

  private static Guardian item(Object spec, String itemPath, String ruleId, GuardianResolver registry,
                               CompiledCache cache) {
    if (spec instanceof String name) {
      CompiledGuardian registered = registry.find(name);
      if (registered == null) {
        throw new InvalidGuardianConfig(itemPath, "unknown guardian '" + name + "'");
      }
      return registered;
    }
    if (spec instanceof Map) {
      return cache == null ? GuardianCompiler.compile(spec, itemPath, registry, ruleId)
        : cache.compile(spec, itemPath, registry, ruleId);
    }
    throw new InvalidGuardianConfig(itemPath, "must be a guardian name or a configuration object");
  }

  public Verdict evaluate(Map<String, Object> uow, Instant now) {
    Composite.Combination combination = Composite.combine(guardians, operator, uow, now);
    return new Verdict(combination.allowed(), combination.decisions());
  }
}
