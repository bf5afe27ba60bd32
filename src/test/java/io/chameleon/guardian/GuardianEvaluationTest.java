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

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Evaluating a list of guardians given by name or inline, with AND or OR. */
class GuardianEvaluationTest {

  private final GuardianRegistry registry = new GuardianRegistry();

  private Verdict evaluate(List<Object> guardians, Operator operator, Map<String, Object> uow) {
    return GuardianEvaluation.compile(guardians, operator, "guardians", "approval_guardians",
      registry).evaluate(uow, NOW);
  }

  /** Verifies that AND stops at the first denial and rule ids follow name, reference, position. */
  @Test
  void andStopsAtFirstDenial() {
    registry.put("pass", config("PASS_THRU", map()));
    Map<String, Object> named = gate("AND", rule("amount", "lt", 10));
    named.put("name", "small");
    Verdict verdict = evaluate(List.of("pass", gate("AND", rule("amount", "gt", 0)), named,
      config("TTL_CHECK", map())), Operator.AND, map("uow_id", "u", "amount", 50));
    assertFalse(verdict.allowed());
    assertEquals(List.of("pass", "approval_guardians[1]", "small"),
      verdict.decisions().stream().map(Decision::name).toList());
  }

  /** Verifies that OR stops at the first allowance. */
  @Test
  void orStopsAtFirstAllowance() {
    Verdict verdict = evaluate(List.of(config("TTL_CHECK", map()), config("PASS_THRU", map()),
      config("CERBERUS", map())), Operator.OR, map("uow_id", "u"));
    assertTrue(verdict.allowed());
    assertEquals(2, verdict.decisions().size());
  }

  /** Verifies that an empty list allows, and that the wire form holds every decision. */
  @Test
  void emptyAllowsAndWireForm() {
    assertTrue(evaluate(List.of(), Operator.OR, map()).allowed());
    Map<String, Object> wire = evaluate(List.of(config("PASS_THRU", map())), null,
      map("uow_id", "u")).toMap();
    assertEquals(true, wire.get("allowed"));
    assertEquals(1, ((List<?>) wire.get("decisions")).size());
  }

  /** Verifies that unknown names and bad entries are refused with their index in the path. */
  @Test
  void refusesWithPaths() {
    assertEquals("guardians[1]", assertThrows(InvalidGuardianConfig.class,
      () -> evaluate(List.of(config("PASS_THRU", map()), "ghost"), Operator.AND, map())).path());
    assertEquals("guardians[0]", assertThrows(InvalidGuardianConfig.class,
      () -> evaluate(List.of(42), Operator.AND, map())).path());
    assertEquals("guardians[0].attributes.rules[0].field", assertThrows(
      InvalidGuardianConfig.class, () -> evaluate(List.of(gate("AND", map("condition", "exists"))),
        Operator.AND, map())).path());
  }
}
