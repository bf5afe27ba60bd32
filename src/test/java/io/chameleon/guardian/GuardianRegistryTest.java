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

/** The registry of named guardians: round trip, references, cycles, removal. */
class GuardianRegistryTest {

  private final GuardianRegistry registry = new GuardianRegistry();

  private static Map<String, Object> compositeOf(Object... children) {
    return config("COMPOSITE", map("guardians", List.of(children)));
  }

  /** Verifies that a registered guardian reads back with its config, sorted, and can be replaced. */
  @Test
  void roundTrip() {
    Map<String, Object> ttl = config("TTL_CHECK", map("max_age_seconds", 5));
    assertTrue(registry.put("b.fresh", ttl));
    assertTrue(registry.put("a:pass", config("PASS_THRU", map())));
    RegisteredGuardian entry = registry.get("b.fresh").orElseThrow();
    assertEquals(ttl, entry.config());
    assertEquals(GuardianType.TTL_CHECK, entry.type());
    assertEquals("b.fresh", entry.guardian().evaluate(map(), NOW).name());
    assertEquals(List.of("a:pass", "b.fresh"),
      registry.list().stream().map(RegisteredGuardian::name).toList());
    assertFalse(registry.put("b.fresh", config("PASS_THRU", map())));
    assertEquals(GuardianType.PASS_THRU, registry.get("b.fresh").orElseThrow().type());
    assertTrue(registry.remove("a:pass"));
    assertFalse(registry.remove("a:pass"));
    assertEquals(1, registry.size());
  }

  /** Verifies that the stored config is a copy the caller can no longer change. */
  @Test
  void storesACopy() {
    Map<String, Object> config = config("TTL_CHECK", map("max_age_seconds", 5));
    registry.put("fresh", config);
    config.put("name", "changed");
    assertFalse(registry.get("fresh").orElseThrow().config().containsKey("name"));
  }

  /** Verifies that invalid names and configs are refused and leave the registry unchanged. */
  @Test
  void refusesBadRegistrations() {
    assertEquals("name", assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("has space", config("PASS_THRU", map()))).path());
    assertEquals("name", assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("x".repeat(201), config("PASS_THRU", map()))).path());
    assertEquals("attributes.rules[0].condition", assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("gate", gate("AND", rule("a", "bigger", 1)))).path());
    assertEquals(0, registry.size());
  }

  /** Verifies that a COMPOSITE referring to its own name is refused. */
  @Test
  void refusesSelfReference() {
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("loop", compositeOf("loop")));
    assertEquals("attributes.guardians[0]", error.path());
    assertTrue(error.getMessage().contains("refers to itself"), error.getMessage());
  }

  /** Verifies that replacing a guardian so that references form a cycle is refused. */
  @Test
  void refusesCycle() {
    registry.put("c", config("PASS_THRU", map()));
    registry.put("b", compositeOf("c"));
    registry.put("a", compositeOf(config("TTL_CHECK", map()), "b"));
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("c", compositeOf("a")));
    assertEquals("attributes.guardians[0]", error.path());
    assertTrue(error.getMessage().contains("c -> a -> b -> c"), error.getMessage());
    assertEquals(GuardianType.PASS_THRU, registry.get("c").orElseThrow().type());
  }

  /** Verifies that removing a guardian another one refers to is refused, and allowed after. */
  @Test
  void refusesRemovingReferenced() {
    registry.put("leaf", config("PASS_THRU", map()));
    registry.put("outer", compositeOf(compositeOf("leaf")));
    GuardianInUse error = assertThrows(GuardianInUse.class, () -> registry.remove("leaf"));
    assertTrue(error.getMessage().contains("'outer'"), error.getMessage());
    assertTrue(registry.remove("outer"));
    assertTrue(registry.remove("leaf"));
  }

  /** Verifies that a reference follows a replacement of the guardian it names. */
  @Test
  void referencesResolveAtEvaluation() {
    registry.put("rule", gate("AND", rule("amount", "lt", 10)));
    registry.put("outer", compositeOf("rule"));
    Guardian outer = registry.find("outer");
    assertTrue(outer.evaluate(map("amount", 5), NOW).allowed());
    registry.put("rule", gate("AND", rule("amount", "lt", 1)));
    assertFalse(outer.evaluate(map("amount", 5), NOW).allowed());
  }

  /** Verifies that a reference to a name that has vanished denies with "unknown guardian". */
  @Test
  void vanishedReferenceDenies() {
    GuardianResolver empty = GuardianResolver.NONE;
    registry.put("leaf", config("PASS_THRU", map()));
    CompiledGuardian outer = GuardianCompiler.compile(compositeOf("leaf"), "",
      name -> "leaf".equals(name) ? registry.find(name) : empty.find(name));
    registry.remove("leaf");
    Decision decision = outer.evaluate(map("uow_id", "u"), NOW);
    assertFalse(decision.allowed());
    assertTrue(decision.reason().contains("unknown guardian 'leaf'"), decision.reason());
  }

  /** Verifies that nesting is counted through references, not only inside one config. */
  @Test
  void limitsNestingThroughReferences() {
    registry.put("deep", GuardianCompilerTest.nested(30));
    registry.put("deeper", compositeOf("deep"));
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> registry.put("deepest", compositeOf(compositeOf("deeper"))));
    assertTrue(error.getMessage().contains("deeper than 32"), error.getMessage());
  }
}
