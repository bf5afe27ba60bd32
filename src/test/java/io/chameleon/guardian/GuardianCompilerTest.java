package io.chameleon.guardian;

import static io.chameleon.guardian.Configs.config;
import static io.chameleon.guardian.Configs.gate;
import static io.chameleon.guardian.Configs.map;
import static io.chameleon.guardian.Configs.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every kind of bad configuration is refused with the path of the bad field. */
class GuardianCompilerTest {

  static Stream<Arguments> badConfigs() {
    return Stream.of(
      Arguments.of("unknown type", map("type", "BOUNCER"), "type", "unknown type 'BOUNCER'"),
      Arguments.of("lower-case type", map("type", "pass_thru"), "type", "unknown type"),
      Arguments.of("missing type", map(), "type", "is required"),
      Arguments.of("unknown top-level key", map("type", "PASS_THRU", "colour", "red"), "colour",
        "unknown field"),
      Arguments.of("bad name", map("type", "PASS_THRU", "name", "a b"), "name", "must match"),
      Arguments.of("attributes not an object", map("type", "PASS_THRU", "attributes", List.of()),
        "attributes", "must be an object"),
      Arguments.of("attribute for PASS_THRU", config("PASS_THRU", map("x", 1)), "attributes.x",
        "unknown field"),
      Arguments.of("min_children not an integer", config("CERBERUS", map("min_children", "one")),
        "attributes.min_children", "must be an integer"),
      Arguments.of("fractional max_children", config("CERBERUS", map("max_children", 1.5)),
        "attributes.max_children", "must be an integer"),
      Arguments.of("negative min_children", config("CERBERUS", map("min_children", -1)),
        "attributes.min_children", "must not be negative"),
      Arguments.of("min above max", config("CERBERUS", map("min_children", 5, "max_children", 4)),
        "attributes.min_children", "must not exceed max_children"),
      Arguments.of("negative timeout", config("CERBERUS", map("timeout_seconds", -3)),
        "attributes.timeout_seconds", "must not be negative"),
      Arguments.of("unknown CERBERUS key", config("CERBERUS", map("max_kids", 3)),
        "attributes.max_kids", "unknown field"),
      Arguments.of("rules not a list", config("CRITERIA_GATE", map("rules", "all")),
        "attributes.rules", "must be a list"),
      Arguments.of("rule not an object", config("CRITERIA_GATE", map("rules", List.of("x"))),
        "attributes.rules[0]", "must be an object"),
      Arguments.of("unknown condition", gate("AND", rule("a", "equals", 1), rule("b", "bigger", 2)),
        "attributes.rules[1].condition", "unknown condition 'bigger'"),
      Arguments.of("missing field", gate("AND", map("condition", "exists")),
        "attributes.rules[0].field", "is required"),
      Arguments.of("missing condition", gate("AND", map("field", "a", "value", 1)),
        "attributes.rules[0].condition", "is required"),
      Arguments.of("missing value", gate("AND", map("field", "a", "condition", "equals")),
        "attributes.rules[0].value", "is required"),
      Arguments.of("non-numeric gt", gate("AND", rule("a", "gt", "10")),
        "attributes.rules[0].value", "must be a number"),
      Arguments.of("unknown rule key", gate("AND", map("field", "a", "condition", "exists",
        "why", "x")), "attributes.rules[0].why", "unknown field"),
      Arguments.of("bad operator", gate("XOR"), "attributes.operator", "must be AND or OR"),
      Arguments.of("missing attribute", config("DIRECTIONAL_FILTER", map("routes", map())),
        "attributes.attribute", "is required"),
      Arguments.of("missing routes", config("DIRECTIONAL_FILTER", map("attribute", "a")),
        "attributes.routes", "is required"),
      Arguments.of("route not a list", config("DIRECTIONAL_FILTER", map("attribute", "a",
        "routes", map("x", "y"))), "attributes.routes.x", "must be a list"),
      Arguments.of("route target not a string", config("DIRECTIONAL_FILTER", map("attribute", "a",
        "routes", map("x", List.of("ok", 3)))), "attributes.routes.x[1]", "must be a non-empty"),
      Arguments.of("bad default route", config("DIRECTIONAL_FILTER", map("attribute", "a",
        "routes", map(), "default_route", "x")), "attributes.default_route", "must be a list"),
      Arguments.of("bad max_age_seconds", config("TTL_CHECK", map("max_age_seconds", "1d")),
        "attributes.max_age_seconds", "must be a number"),
      Arguments.of("missing guardians", config("COMPOSITE", map()), "attributes.guardians",
        "is required"),
      Arguments.of("empty guardians", config("COMPOSITE", map("guardians", List.of())),
        "attributes.guardians", "at least one"),
      Arguments.of("bad child", config("COMPOSITE", map("guardians", List.of(
        config("PASS_THRU", map()), 7))), "attributes.guardians[1]", "must be a guardian name"),
      Arguments.of("bad nested child", config("COMPOSITE", map("guardians", List.of(
        gate("AND", rule("a", "bigger", 1))))),
        "attributes.guardians[0].attributes.rules[0].condition", "unknown condition"),
      Arguments.of("unregistered reference", config("COMPOSITE", map("guardians", List.of("nope"))),
        "attributes.guardians[0]", "unknown guardian 'nope'"));
  }

  /** Verifies that a bad configuration is refused with its path at the head of the message. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void refusesWithPath(String why, Map<String, Object> config, String path, String problem) {
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> GuardianCompiler.compile(config, "", GuardianResolver.NONE));
    assertEquals(path, error.path());
    assertTrue(error.getMessage().startsWith(path + ": "), error.getMessage());
    assertTrue(error.getMessage().contains(problem), error.getMessage());
  }

  /** Verifies that the path given to the compiler prefixes the path of the bad field. */
  @Test
  void prefixesPaths() {
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> GuardianCompiler.compile(gate("AND", rule("a", "bigger", 1)), "guardians[1]",
        GuardianResolver.NONE));
    assertEquals("guardians[1].attributes.rules[0].condition: unknown condition 'bigger'",
      error.getMessage());
  }

  /** Verifies that 32 nested COMPOSITEs compile and 33 are refused at the innermost one. */
  @Test
  void limitsNesting() {
    assertEquals(32, GuardianCompiler.compile(nested(32), "", GuardianResolver.NONE).depth());
    InvalidGuardianConfig error = assertThrows(InvalidGuardianConfig.class,
      () -> GuardianCompiler.compile(nested(33), "", GuardianResolver.NONE));
    assertTrue(error.getMessage().contains("deeper than 32"), error.getMessage());
    assertEquals("attributes" + ".guardians[0].attributes".repeat(32), error.path());
  }

  /** Verifies that a configuration compiles with its defaults and the rule id it was given. */
  @Test
  void compilesWithNames() {
    CompiledGuardian unnamed = GuardianCompiler.compile(config("PASS_THRU", map()), "",
      GuardianResolver.NONE, "guardians[0]");
    assertEquals("guardians[0]", unnamed.name());
    assertEquals(GuardianType.PASS_THRU, unnamed.type());
    Map<String, Object> named = map("type", "TTL_CHECK", "name", "fresh");
    assertEquals("fresh", GuardianCompiler.compile(named, "", null, "guardians[0]").name());
  }

  static Map<String, Object> nested(int levels) {
    Map<String, Object> config = config("PASS_THRU", map());
    for (int i = 0; i < levels; i++) {
      config = config("COMPOSITE", map("guardians", List.of(config)));
    }
    return config;
  }
}
