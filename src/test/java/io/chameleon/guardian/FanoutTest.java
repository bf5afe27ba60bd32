package io.chameleon.guardian;

import static io.chameleon.guardian.Configs.NOW;
import static io.chameleon.guardian.Configs.config;
import static io.chameleon.guardian.Configs.gate;
import static io.chameleon.guardian.Configs.map;
import static io.chameleon.guardian.Configs.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fan-out through named references (issue 8, item 6): one evaluation's visits and trace are bounded. */
class FanoutTest {

  private final GuardianRegistry registry = new GuardianRegistry();

  /** A COMPOSITE OR of {@code n} references to {@code name}. */
  private static Map<String, Object> orOf(String name, int n) {
    return config("COMPOSITE", map("operator", "OR", "guardians", Collections.nCopies(n, name)));
  }

  private static final Map<String, Object> DENY = gate("AND", rule("x", "exists", null));

  /**
   * Verifies that COMPOSITE OR chains of 10 references per level are accepted while one evaluation
   * visits at most 1000 guardians (1, 11, 111), and the level that would visit 1111 is refused
   * naming the reference where the count goes over; a denying evaluation of the widest one visits
   * exactly what was counted.
   */
  @Test
  void referencesThatFanOutPastTheLimitAreRefused() {
    registry.commit(registry.prepare("level0", DENY));
    for (int level = 1; level <= 2; level++) {
      registry.commit(registry.prepare("level" + level, orOf("level" + (level - 1), 10)));
    }
    InvalidGuardianConfig refused = assertThrows(InvalidGuardianConfig.class,
      () -> registry.prepare("level3", orOf("level2", 10)));
    assertEquals("attributes.guardians[9]", refused.path());
    assertTrue(refused.getMessage().contains("1111") && refused.getMessage().contains("1000"), refused.getMessage());
    assertTrue(registry.get("level3").isEmpty());
    assertEquals(111, new Fanout(registry::find).visits("level2"));
    Decision decision = registry.find("level2").evaluate(map(), NOW);
    assertFalse(decision.allowed());
    assertEquals(111, countDecisions(decision.toMap()));
  }

  /** Verifies that inline children count too: a COMPOSITE holding 1001 inline guardians is refused. */
  @Test
  void aConfigHoldingMoreThanTheLimitIsRefused() {
    List<Object> children = new ArrayList<>(Collections.nCopies(1000, config("PASS_THRU", map())));
    Map<String, Object> wide = config("COMPOSITE", map("guardians", children));
    InvalidGuardianConfig refused = assertThrows(InvalidGuardianConfig.class, () -> registry.prepare("wide", wide));
    assertTrue(refused.getMessage().contains("1001 guardians"), refused.getMessage());
    children.remove(0);
    registry.commit(registry.prepare("wide", config("COMPOSITE", map("guardians", children))));
  }

  /**
   * Verifies that replacing a referenced guardian with a wider one is refused when a guardian that
   * refers to it would go past the limit, naming that guardian.
   */
  @Test
  void replacingAReferencedGuardianCannotPushAnotherPastTheLimit() {
    registry.commit(registry.prepare("leaf", DENY));
    registry.commit(registry.prepare("mid", orOf("leaf", 10)));
    registry.commit(registry.prepare("top", orOf("mid", 10)));
    registry.commit(registry.prepare("other", DENY));
    // leaf as 10 references to other: mid = 1 + 10 × 11 = 111, top = 1 + 10 × 111 = 1111
    InvalidGuardianConfig refused = assertThrows(InvalidGuardianConfig.class,
      () -> registry.prepare("leaf", orOf("other", 10)));
    assertTrue(refused.getMessage().contains("[top]"), refused.getMessage());
    assertEquals(GuardianType.CRITERIA_GATE, registry.get("leaf").orElseThrow().type());
  }

  /** Verifies that a registry limit can be set, and that rebuilding from the log (put) does not apply it. */
  @Test
  void theLimitIsConfigurableAndNotAppliedOnReplay() {
    registry.limitVisits(10);
    registry.commit(registry.prepare("leaf", DENY));
    assertThrows(InvalidGuardianConfig.class, () -> registry.prepare("wide", orOf("leaf", 10)));
    assertTrue(registry.put("wide", orOf("leaf", 10)));
  }

  /**
   * Verifies that an evaluation list is counted as a whole: ten references to a guardian that
   * visits 111 are refused at the item that goes over, or, lenient, that item denies.
   */
  @Test
  void anEvaluationListIsCountedAsAWhole() {
    registry.commit(registry.prepare("level0", DENY));
    registry.commit(registry.prepare("level1", orOf("level0", 10)));
    registry.commit(registry.prepare("level2", orOf("level1", 10)));
    List<Object> names = new ArrayList<>(Collections.nCopies(10, "level2"));
    InvalidGuardianConfig refused = assertThrows(InvalidGuardianConfig.class,
      () -> GuardianEvaluation.compile(names, Operator.OR, "guardians", "guardians", registry, false, 1000));
    assertEquals("guardians[9]", refused.path());
    Verdict lenient = GuardianEvaluation.compile(names, Operator.OR, "guardians", "guardians", registry, true, 1000)
      .evaluate(map(), NOW);
    assertFalse(lenient.allowed());
    Decision last = lenient.decisions().get(9);
    assertEquals("INVALID", last.guardianType());
    assertTrue(last.reason().contains("guardian.max_visits"), last.reason());
    names.remove(9);
    GuardianEvaluation.compile(names, Operator.OR, "guardians", "guardians", registry, false, 1000);
  }

  /**
   * Verifies that a trace over the byte limit is shortened: each decision keeps its answer, rule id
   * and a short reason, and its explanation is omitted; a small trace is answered whole.
   */
  @Test
  void aTraceOverTheByteLimitIsShortened() {
    registry.commit(registry.prepare("level0", DENY));
    registry.commit(registry.prepare("level1", orOf("level0", 10)));
    registry.commit(registry.prepare("level2", orOf("level1", 10)));
    Verdict verdict = GuardianEvaluation.compile(List.of("level2"), Operator.AND, "guardians", "guardians",
      registry, false, 1000).evaluate(map(), NOW);
    Map<String, Object> whole = verdict.toMap(Verdict.DEFAULT_MAX_TRACE_BYTES);
    assertEquals(verdict.toMap(), whole);
    Map<String, Object> shortened = verdict.toMap(4096);
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) ((List<Object>) shortened.get("decisions")).get(0);
    assertEquals(false, first.get("allowed"));
    assertEquals("level2", first.get("name"));
    assertTrue(((String) first.get("reason")).length() <= Verdict.SHORT_REASON + 1);
    assertEquals(true, ((Map<?, ?>) first.get("metadata")).get("trace_omitted"));
    assertTrue(io.vertx.core.json.JsonObject.mapFrom(shortened).encode().length() < 4096);
  }

  /** Decisions in a trace: this one and every child's, recursively. */
  private static int countDecisions(Map<String, Object> decision) {
    int count = 1;
    Object metadata = decision.get("metadata");
    if (metadata instanceof Map<?, ?> m && m.get("children") instanceof List<?> children) {
      for (Object child : children) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) child;
        count += countDecisions(map);
      }
    }
    return count;
  }
}
