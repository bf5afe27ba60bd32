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
    Guardian[] guardians = new Guardian[specs.size()];
    for (int i = 0; i < guardians.length; i++) {
      String itemPath = path + "[" + i + "]";
      Object spec = specs.get(i);
      if (spec instanceof String name) {
        CompiledGuardian registered = registry.find(name);
        if (registered == null) {
          throw new InvalidGuardianConfig(itemPath, "unknown guardian '" + name + "'");
        }
        guardians[i] = registered;
      } else if (spec instanceof Map) {
        guardians[i] = GuardianCompiler.compile(spec, itemPath, registry,
          rulePrefix + "[" + i + "]");
      } else {
        throw new InvalidGuardianConfig(itemPath,
          "must be a guardian name or a configuration object");
      }
    }
    return new GuardianEvaluation(guardians, operator == null ? Operator.AND : operator);
  }

  public Verdict evaluate(Map<String, Object> uow, Instant now) {
    Composite.Combination combination = Composite.combine(guardians, operator, uow, now);
    return new Verdict(combination.allowed(), combination.decisions());
  }
}
