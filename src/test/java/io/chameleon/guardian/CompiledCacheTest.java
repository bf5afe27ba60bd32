package io.chameleon.guardian;

import static io.chameleon.guardian.Configs.NOW;
import static io.chameleon.guardian.Configs.config;
import static io.chameleon.guardian.Configs.gate;
import static io.chameleon.guardian.Configs.map;
import static io.chameleon.guardian.Configs.rule;
import static io.chameleon.guardian.Configs.uowAged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inline configurations compiled once, by their hash, in a bounded cache. */
class CompiledCacheTest {

  private static List<Object> policy(Object threshold) {
    return new ArrayList<>(List.of(
      config("COMPOSITE", map("guardians", List.of(config("TTL_CHECK", map()),
        gate("AND", rule("amount", "gte", threshold))))),
      gate("OR", rule("status", "equals", "ACTIVE"))));
  }

  private static Map<String, Object> verdict(List<Object> specs, CompiledCache cache) {
    Map<String, Object> uow = uowAged(90);
    uow.put("amount", 12);
    return GuardianEvaluation.compile(specs, Operator.AND, "guardians", "guardians",
      GuardianResolver.NONE, false, Fanout.DEFAULT_MAX_VISITS, cache).evaluate(uow, NOW).toMap();
  }

  /**
   * Verifies that an equal configuration sent again (a fresh copy, as every bus message is) is not
   * compiled again, a different one is, and the answers are those of compiling each time.
   */
  @Test
  void sameConfigCompilesOnce() {
    CompiledCache cache = new CompiledCache(16);
    Map<String, Object> first = verdict(policy(10), cache);
    assertEquals(2, cache.compilations());
    Map<String, Object> again = verdict(policy(10), cache);
    assertEquals(2, cache.compilations(), "the same two configurations were compiled again");
    assertEquals(verdict(policy(10), null), again);
    assertEquals(first, again);

    Map<String, Object> other = verdict(policy(100), cache);
    assertEquals(3, cache.compilations(), "only the changed configuration compiles");
    assertEquals(verdict(policy(100), null), other);
    assertNotEquals(first, other);
  }

  /**
   * Verifies that 10 and 10.0 are different entries: the compiled rule echoes the value as given,
   * so sharing one would answer the other's metadata.
   */
  @Test
  void numberTypesAreKeptApart() {
    CompiledCache cache = new CompiledCache(16);
    Map<String, Object> whole = verdict(policy(10), cache);
    Map<String, Object> decimal = verdict(policy(10.0), cache);
    assertEquals(3, cache.compilations());
    assertEquals(verdict(policy(10.0), null), decimal);
    assertEquals(verdict(policy(10), null), whole);
  }

  /** Verifies that the cache never holds more than its size, dropping the least recently used. */
  @Test
  void bounded() {
    CompiledCache cache = new CompiledCache(3);
    for (int i = 0; i < 20; i++) {
      cache.compile(gate("AND", rule("amount", "gte", i)), "g", GuardianResolver.NONE, "r");
      assertTrue(cache.size() <= 3, "size " + cache.size());
    }
    assertEquals(20, cache.compilations());
    cache.compile(gate("AND", rule("amount", "gte", 19)), "g", GuardianResolver.NONE, "r");
    assertEquals(20, cache.compilations(), "the most recent entry is still there");
    cache.compile(gate("AND", rule("amount", "gte", 0)), "g", GuardianResolver.NONE, "r");
    assertEquals(21, cache.compilations(), "the oldest entry was dropped");

    CompiledCache none = new CompiledCache(0);
    none.compile(gate("AND"), "g", GuardianResolver.NONE, "r");
    none.compile(gate("AND"), "g", GuardianResolver.NONE, "r");
    assertEquals(2, none.compilations());
    assertEquals(0, none.size());
  }

  /**
   * Verifies that a cached configuration naming a guardian that has since been removed fails as
   * compiling it would, and that another registry (a restored one) never gets a guardian bound
   * to the old one.
   */
  @Test
  void referencesAreCheckedAgain() {
    GuardianRegistry registry = new GuardianRegistry();
    registry.put("base", config("PASS_THRU", map()));
    Map<String, Object> composite = config("COMPOSITE", map("guardians", List.of("base")));
    CompiledCache cache = new CompiledCache(4);
    cache.compile(composite, "g", registry, "r");
    cache.compile(composite, "g", registry, "r");
    assertEquals(1, cache.compilations());
    registry.remove("base");
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> cache.compile(composite, "g", registry, "r"));
    assertTrue(error.getMessage().contains("unknown guardian 'base'"), error.getMessage());

    GuardianRegistry restored = new GuardianRegistry();
    restored.put("base", config("PASS_THRU", map()));
    cache.compile(composite, "g", restored, "r");
    CompiledGuardian again = cache.compile(composite, "g", restored, "r");
    assertEquals(3, cache.compilations());
    assertTrue(again.evaluate(uowAged(1), NOW).allowed());
  }

  /** Verifies that where a configuration sits and the rule id it answers under are part of the key. */
  @Test
  void pathAndRuleIdAreKeyed() {
    CompiledCache cache = new CompiledCache(4);
    Map<String, Object> passThru = config("PASS_THRU", map());
    assertEquals("a", cache.compile(passThru, "g[0]", GuardianResolver.NONE, "a").name());
    assertEquals("b", cache.compile(passThru, "g[0]", GuardianResolver.NONE, "b").name());
    assertEquals(2, cache.compilations());
  }
}
