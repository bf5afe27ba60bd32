package io.chameleon.guardian;

import static io.chameleon.guardian.Configs.NOW;
import static io.chameleon.guardian.Configs.compile;
import static io.chameleon.guardian.Configs.config;
import static io.chameleon.guardian.Configs.gate;
import static io.chameleon.guardian.Configs.map;
import static io.chameleon.guardian.Configs.rule;
import static io.chameleon.guardian.Configs.uowAged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.bus.PlainJson;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Properties every guardian keeps: determinism, untouched inputs, failures as denials. */
class GuardianPropertiesTest {

  private static final List<Map<String, Object>> ALL_TYPES = List.of(
    config("CERBERUS", map()),
    config("PASS_THRU", map()),
    gate("OR", rule("amount", "gte", 10), rule("tags", "contains", "x")),
    config("DIRECTIONAL_FILTER", map("attribute", "status", "routes",
      map("ACTIVE", List.of("next")))),
    config("TTL_CHECK", map()),
    config("COMPOSITE", map("guardians", List.of(config("TTL_CHECK", map()),
      gate("AND", rule("status", "equals", "ACTIVE"))))));

  /** Verifies that the same configuration, UOW and instant always give equal decisions. */
  @Test
  void deterministic() {
    for (Map<String, Object> config : ALL_TYPES) {
      Map<String, Object> uow = uowAged(90);
      uow.put("amount", 12);
      uow.put("tags", List.of("x"));
      Decision first = compile(config).evaluate(uow, NOW);
      Decision again = compile(config).evaluate(uow, NOW);
      assertEquals(first, again, String.valueOf(config.get("type")));
      assertEquals(first.toMap(), again.toMap());
    }
  }

  /** Verifies that neither the configuration nor the UOW is changed by compiling or evaluating. */
  @Test
  void inputsUntouched() {
    for (Map<String, Object> config : ALL_TYPES) {
      Map<String, Object> configBefore = PlainJson.frozenObject(config);
      Map<String, Object> uow = uowAged(90);
      uow.put("tags", new ArrayList<>(List.of("x")));
      Map<String, Object> uowBefore = PlainJson.frozenObject(uow);
      compile(config).evaluate(uow, NOW);
      assertEquals(configBefore, config);
      assertEquals(uowBefore, uow);
    }
  }

  /**
   * Verifies that evaluating a read-only UOW works: nothing tries to write into it. A write would
   * throw inside the guardian and come out as a denial (evaluate never throws), so the decision on
   * the frozen UOW must be the one on a writable copy, which must itself come out unchanged.
   */
  @Test
  void readOnlyUow() {
    Map<String, Object> frozen = PlainJson.frozenObject(uowAged(90));
    for (Map<String, Object> config : ALL_TYPES) {
      Map<String, Object> writable = uowAged(90);
      Decision onWritable = compile(config).evaluate(writable, NOW);
      Decision onFrozen = compile(config).evaluate(frozen, NOW);
      String type = String.valueOf(config.get("type"));
      assertEquals(onWritable.toMap(), onFrozen.toMap(), type + " answers differently on a read-only UOW");
      assertEquals(frozen, writable, type + " wrote into the UOW");
      assertFalse(onFrozen.reason().contains("guardian failed"), type + ": " + onFrozen.reason());
    }
  }

  /** Verifies that a guardian that throws answers allowed false with the error in the reason. */
  @Test
  void throwingGuardianDenies() {
    Map<String, Object> exploding = new AbstractMap<>() {
      @Override
      public Object get(Object key) {
        throw new IllegalStateException("storage unreachable");
      }

      @Override
      public Set<Entry<String, Object>> entrySet() {
        throw new IllegalStateException("storage unreachable");
      }
    };
    for (Map<String, Object> config : ALL_TYPES) {
      Decision decision = compile(config).evaluate(exploding, NOW);
      assertFalse(decision.allowed());
      assertTrue(decision.reason().contains("storage unreachable"), decision.reason());
    }
  }

  /**
   * Verifies that a guardian that throws without a message, or with a JDK message naming classes,
   * still denies with a plain reason that names no exception class (SPEC §1).
   */
  @Test
  void throwingGuardianReasonNamesNoClass() {
    List<RuntimeException> errors = List.of(new IllegalStateException(), new UnsupportedOperationException(),
      new NullPointerException(), new ArithmeticException(),
      new ClassCastException("class java.lang.String cannot be cast to class java.lang.Number"),
      new IllegalArgumentException("bad value in io.chameleon.guardian.Rule$Thing"),
      new RuntimeException("wrapped: java.util.ConcurrentModificationException"));
    for (RuntimeException error : errors) {
      Map<String, Object> exploding = new AbstractMap<>() {
        @Override
        public Object get(Object key) {
          throw error;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
          throw error;
        }
      };
      for (Map<String, Object> config : ALL_TYPES) {
        Decision decision = compile(config).evaluate(exploding, NOW);
        assertFalse(decision.allowed());
        String reason = decision.reason();
        assertTrue(reason.contains("guardian failed: "), reason);
        assertFalse(reason.endsWith("guardian failed: "), reason);
        for (String leak : List.of("Exception", "java.", "io.chameleon", error.getClass().getSimpleName(), "null")) {
          assertFalse(reason.contains(leak), error + " → " + reason);
        }
      }
    }
  }

  /** Verifies that a decision's metadata cannot be changed by whoever receives it. */
  @Test
  void decisionsAreImmutable() {
    Decision decision = compile(gate("AND", rule("a", "equals", 1))).evaluate(map("a", 1), NOW);
    assertThrows(UnsupportedOperationException.class, () -> decision.metadata().put("x", 1));
    List<?> rules = (List<?>) decision.metadata().get("rules");
    assertThrows(UnsupportedOperationException.class, () -> rules.remove(0));
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) rules.get(0);
    assertThrows(UnsupportedOperationException.class, () -> first.put("result", false));
  }

  /** Verifies that a decision survives its wire form. */
  @Test
  void decisionRoundTrip() {
    Decision decision = compile(config("TTL_CHECK", map())).evaluate(uowAged(5), NOW);
    assertEquals(decision, Decision.fromMap(decision.toMap()));
    assertEquals(Set.of("allowed", "reason", "guardian_type", "name", "metadata"),
      decision.toMap().keySet());
  }
}
