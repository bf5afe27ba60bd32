package io.chameleon.guardian;

import static io.chameleon.guardian.Configs.config;
import static io.chameleon.guardian.Configs.evaluate;
import static io.chameleon.guardian.Configs.gate;
import static io.chameleon.guardian.Configs.map;
import static io.chameleon.guardian.Configs.rule;
import static io.chameleon.guardian.Configs.uowAged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each guardian type's allowed and denied cases and its explanation. */
class GuardianTypesTest {

  private static final Map<String, Object> CERBERUS = config("CERBERUS", map());
  private static final Map<String, Object> TTL = config("TTL_CHECK", map("max_age_seconds", 60));

  /** Verifies that CERBERUS allows a UOW within its defaults and reports the figures compared. */
  @Test
  void cerberusAllowsWithinBounds() {
    Decision decision = evaluate(CERBERUS, uowAged(120));
    assertTrue(decision.allowed(), decision.reason());
    assertEquals("CERBERUS", decision.guardianType());
    assertEquals(2, decision.metadata().get("child_count"));
    assertEquals(1, decision.metadata().get("finished_child_count"));
    assertEquals(1L, decision.metadata().get("min_children"));
    assertEquals(100L, decision.metadata().get("max_children"));
    assertEquals(120.0, decision.metadata().get("age_seconds"));
    assertEquals(3600L, decision.metadata().get("timeout_seconds"));
  }

  /** Verifies that CERBERUS denies too few children, too many, more finished than children, and age. */
  @Test
  void cerberusDeniesEachViolation() {
    Map<String, Object> uow = uowAged(10);
    uow.put("child_count", 0);
    uow.put("finished_child_count", 0);
    Decision few = evaluate(CERBERUS, uow);
    assertFalse(few.allowed());
    assertEquals("child_count 0 is below min_children 1", few.reason());

    uow.put("child_count", 5);
    Decision many = evaluate(config("CERBERUS", map("max_children", 4)), uow);
    assertEquals("child_count 5 exceeds max_children 4", many.reason());

    uow.put("finished_child_count", 6);
    assertEquals("finished_child_count 6 exceeds child_count 5", evaluate(CERBERUS, uow).reason());

    Decision old = evaluate(CERBERUS, uowAged(3601));
    assertFalse(old.allowed());
    assertEquals("age 3601s exceeds timeout_seconds 3600", old.reason());
  }

  /** Verifies that CERBERUS without created_at skips the age check and denies a non-numeric count. */
  @Test
  void cerberusWithoutCreatedAtAndWithBadCount() {
    Decision noAge = evaluate(CERBERUS, map("child_count", 3, "finished_child_count", 3));
    assertTrue(noAge.allowed(), noAge.reason());
    assertNull(noAge.metadata().get("age_seconds"));
    assertFalse(evaluate(CERBERUS, map("child_count", "three")).allowed());
  }

  /** Verifies that PASS_THRU allows a UOW with a uow_id and denies one without or with an empty one. */
  @Test
  void passThru() {
    Map<String, Object> pass = config("PASS_THRU", map());
    assertTrue(evaluate(pass, map("uow_id", "u-1")).allowed());
    assertFalse(evaluate(pass, map()).allowed());
    assertFalse(evaluate(pass, map("uow_id", "")).allowed());
  }

  /** Verifies that an AND gate explains every rule and names the first failing one in its reason. */
  @Test
  void criteriaGateAndExplainsEveryRule() {
    Map<String, Object> config = gate("AND", rule("status", "equals", "ACTIVE"),
      rule("amount", "gte", 50000), rule("tags", "contains", "urgent"));
    Decision decision = evaluate(config, map("status", "ACTIVE", "amount", 100, "tags",
      List.of("urgent")));
    assertFalse(decision.allowed());
    assertEquals("rule 2 of 3 failed: amount gte 50000 (actual 100)", decision.reason());
    assertEquals("AND", decision.metadata().get("operator"));
    List<?> rules = (List<?>) decision.metadata().get("rules");
    assertEquals(3, rules.size());
    assertEquals(map("field", "amount", "condition", "gte", "expected", 50000, "actual", 100,
      "result", false), rules.get(1));
    assertEquals(true, ((Map<?, ?>) rules.get(2)).get("result"));
  }

  /** Verifies that an OR gate allows when one rule passes and denies when none does. */
  @Test
  void criteriaGateOr() {
    Map<String, Object> config = gate("OR", rule("amount", "lt", 10), rule("vip", "exists", null));
    assertTrue(evaluate(config, map("amount", 5)).allowed());
    assertTrue(evaluate(config, map("amount", 50, "vip", true)).allowed());
    Decision none = evaluate(config, map("amount", 50));
    assertFalse(none.allowed());
    assertEquals("none of 2 rules passed", none.reason());
  }

  /** Verifies that each condition compares as documented, numbers by value. */
  @Test
  void criteriaConditions() {
    Map<String, Object> uow = map("n", 1, "d", 2.5, "s", "hello world", "list", List.of(1, "a"),
      "nested", map("tier", "gold"));
    assertTrue(passes(rule("n", "equals", 1.0), uow));
    assertTrue(passes(rule("n", "not_equals", "1"), uow));
    assertTrue(passes(rule("d", "gt", 2), uow));
    assertFalse(passes(rule("d", "gt", 2.5), uow));
    assertTrue(passes(rule("d", "gte", 2.5), uow));
    assertTrue(passes(rule("n", "lt", 2), uow));
    assertTrue(passes(rule("n", "lte", 1), uow));
    assertFalse(passes(rule("s", "lt", 5), uow));
    assertTrue(passes(rule("s", "contains", "world"), uow));
    assertTrue(passes(rule("list", "contains", 1.0), uow));
    assertTrue(passes(rule("list", "not_contains", "b"), uow));
    assertTrue(passes(rule("missing", "not_contains", "b"), uow));
    assertTrue(passes(map("field", "s", "condition", "exists"), uow));
    assertTrue(passes(map("field", "missing", "condition", "not_exists"), uow));
    assertTrue(passes(rule("nested.tier", "equals", "gold"), uow));
  }

  /** Verifies that numbers compare by exact value, whatever their Java type (huge, -0.0, beyond 2^53). */
  @Test
  void numbersCompareExactly() {
    java.math.BigInteger twoTo64 = java.math.BigInteger.ONE.shiftLeft(64);
    Map<String, Object> uow = map("huge", twoTo64.add(java.math.BigInteger.ONE), "zero", -0.0,
      "big", 9_007_199_254_740_993L, "max", Long.MAX_VALUE);
    assertFalse(passes(rule("huge", "equals", twoTo64), uow));
    assertTrue(passes(rule("huge", "gt", twoTo64), uow));
    assertTrue(passes(rule("zero", "equals", 0), uow));
    assertTrue(passes(rule("zero", "gte", 0), uow));
    assertFalse(passes(rule("big", "equals", 9_007_199_254_740_992.0), uow));
    assertTrue(passes(rule("big", "gt", 9_007_199_254_740_992.0), uow));
    assertTrue(passes(rule("huge", "gt", Long.MAX_VALUE), uow));
    assertFalse(passes(rule("max", "gt", twoTo64), uow));
  }

  /** Verifies that CERBERUS compares counts exactly: a fraction or a huge count is not truncated. */
  @Test
  void cerberusCountsAreNotTruncated() {
    Map<String, Object> bounded = config("CERBERUS", map("max_children", 100));
    Decision fraction = evaluate(bounded, map("child_count", 100.7));
    assertFalse(fraction.allowed());
    assertEquals("child_count 100.7 exceeds max_children 100", fraction.reason());
    java.math.BigInteger huge = java.math.BigInteger.ONE.shiftLeft(64).add(java.math.BigInteger.ONE);
    assertFalse(evaluate(bounded, map("child_count", huge)).allowed());
    assertFalse(evaluate(CERBERUS, map("child_count", 0.5)).allowed(), "0.5 is below min_children 1");
  }

  /** Verifies that a gate without rules allows. */
  @Test
  void criteriaGateWithoutRulesAllows() {
    assertTrue(evaluate(config("CRITERIA_GATE", map()), map()).allowed());
  }

  /** Verifies that DIRECTIONAL_FILTER follows a route, falls back to the default, or denies. */
  @Test
  void directionalFilter() {
    Map<String, Object> withDefault = config("DIRECTIONAL_FILTER", map("attribute", "kind",
      "routes", map("invoice", List.of("billing", "audit"), "7", List.of("seven")),
      "default_route", List.of("triage")));
    Decision routed = evaluate(withDefault, map("kind", "invoice"));
    assertTrue(routed.allowed());
    assertEquals(List.of("billing", "audit"), routed.metadata().get("allowed_directions"));
    assertEquals("kind", routed.metadata().get("attribute"));
    assertEquals("invoice", routed.metadata().get("value"));
    assertEquals(List.of("seven"), evaluate(withDefault, map("kind", 7.0)).metadata()
      .get("allowed_directions"));
    Decision fallback = evaluate(withDefault, map("kind", "other"));
    assertTrue(fallback.allowed());
    assertEquals(List.of("triage"), fallback.metadata().get("allowed_directions"));

    Map<String, Object> strict = config("DIRECTIONAL_FILTER", map("attribute", "kind",
      "routes", map("invoice", List.of("billing"))));
    Decision denied = evaluate(strict, map("kind", "other"));
    assertFalse(denied.allowed());
    assertEquals(List.of(), denied.metadata().get("allowed_directions"));
  }

  /** Verifies that TTL_CHECK allows a young UOW and denies an old, undated or badly dated one. */
  @Test
  void ttlCheck() {
    Decision young = evaluate(TTL, uowAged(60));
    assertTrue(young.allowed(), young.reason());
    assertEquals(60.0, young.metadata().get("age_seconds"));
    assertEquals(60, young.metadata().get("max_age_seconds"));
    Decision old = evaluate(TTL, uowAged(61));
    assertFalse(old.allowed());
    assertEquals("age 61s exceeds max_age_seconds 60", old.reason());
    assertFalse(evaluate(TTL, map()).allowed());
    assertFalse(evaluate(TTL, map("created_at", "yesterday")).allowed());
    assertTrue(evaluate(TTL, map("created_at", "2026-11-25T13:59:30+02:00")).allowed());
  }

  /**
   * Verifies that TTL_CHECK denies a created_at more than 60 s in the future with a reason saying
   * so (a negative age used to pass), allows one within the clock-skew leeway, and that a far-future
   * year is a clear denial, not "long overflow".
   */
  @Test
  void ttlCheckRefusesAFutureCreatedAt() {
    assertTrue(evaluate(TTL, uowAged(-60)).allowed());
    Decision future = evaluate(TTL, uowAged(-3600));
    assertFalse(future.allowed());
    assertEquals("created_at '2026-11-25T13:00:00Z' is 3600s in the future, more than the 60s allowed for clock skew",
      future.reason());
    Decision farFuture = evaluate(TTL, map("created_at", "+999999999-12-31T23:59:59Z"));
    assertFalse(farFuture.allowed());
    assertTrue(farFuture.reason().contains("in the future"), farFuture.reason());
    Decision farPast = evaluate(TTL, map("created_at", "-999999999-01-01T00:00:00Z"));
    assertFalse(farPast.allowed());
    assertTrue(farPast.reason().startsWith("age ") && farPast.reason().contains("exceeds"), farPast.reason());
  }

  /** Verifies that equals compares nested objects and arrays by JSON value: {"a":1} equals {"a":1.0}. */
  @Test
  void equalsComparesNestedValuesByValue() {
    Map<String, Object> uow = map("o", map("a", 1, "b", List.of(1, map("c", 2L))), "l", List.of(1, 2));
    assertTrue(passes(rule("o", "equals", map("b", List.of(1.0, map("c", 2.0)), "a", 1.0)), uow));
    assertFalse(passes(rule("o", "equals", map("a", 1.0)), uow));
    assertFalse(passes(rule("o", "equals", map("a", 1, "b", List.of(1, map("c", 3)))), uow));
    assertTrue(passes(rule("l", "equals", List.of(1.0, 2.0)), uow));
    assertFalse(passes(rule("l", "equals", List.of(2, 1)), uow));
    assertTrue(passes(rule("o", "not_equals", map("a", 1, "b", List.of(1), "x", null)), uow));
    assertTrue(passes(rule("list", "contains", map("a", 1.0)), map("list", List.of(map("a", 1)))));
  }

  /** Verifies that an AND composite stops at the first denial and explains where. */
  @Test
  void compositeAndStopsAtFirstDenial() {
    Map<String, Object> config = config("COMPOSITE", map("guardians", List.of(
      config("PASS_THRU", map()), TTL, CERBERUS)));
    Decision decision = evaluate(config, uowAged(600));
    assertFalse(decision.allowed());
    assertEquals(1, decision.metadata().get("stopped_at"));
    assertEquals("AND", decision.metadata().get("operator"));
    List<?> children = (List<?>) decision.metadata().get("children");
    assertEquals(2, children.size());
    assertEquals("TTL_CHECK", ((Map<?, ?>) children.get(1)).get("guardian_type"));
    assertTrue(decision.reason().startsWith("guardian 2 of 3 denied: age 600s"), decision.reason());
  }

  /** Verifies that an OR composite stops at the first allowance, and runs all when none allows. */
  @Test
  void compositeOr() {
    Map<String, Object> config = config("COMPOSITE", map("operator", "OR", "guardians", List.of(
      TTL, config("PASS_THRU", map()), CERBERUS)));
    Decision allowed = evaluate(config, uowAged(600));
    assertTrue(allowed.allowed());
    assertEquals(1, allowed.metadata().get("stopped_at"));
    Decision denied = evaluate(config, map("created_at", "bad"));
    assertFalse(denied.allowed());
    assertNull(denied.metadata().get("stopped_at"));
    assertEquals(3, ((List<?>) denied.metadata().get("children")).size());
  }

  private static boolean passes(Map<String, Object> rule, Map<String, Object> uow) {
    return evaluate(gate("AND", rule), uow).allowed();
  }
}
