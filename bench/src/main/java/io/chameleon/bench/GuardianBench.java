package io.chameleon.bench;

import io.chameleon.guardian.CompiledGuardian;
import io.chameleon.guardian.Decision;
import io.chameleon.guardian.GuardianCompiler;
import io.chameleon.guardian.GuardianResolver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Guardian evaluation on one thread, from configurations compiled once in {@link #setup}.
 *
 * <ul>
 *   <li>{@code baselineHardCoded}: the same three rules written by hand, returning a boolean — the
 *       floor any interpreter is measured against;</li>
 *   <li>{@code baselineHardCodedDecision}: the same, plus one {@link Decision} with a constant
 *       reason and no explanation (what a minimal API-compatible answer costs);</li>
 *   <li>{@code gate3Allow} / {@code gate3Deny}: the compiled 3-rule CRITERIA_GATE, all rules passing
 *       / the first rule failing (the deny reason is built per evaluation);</li>
 *   <li>{@code composite4}: AND of CRITERIA_GATE(3 rules), TTL_CHECK, DIRECTIONAL_FILTER, PASS_THRU
 *       — all allow, so all four run;</li>
 *   <li>{@code gate3CompileEachTime}: compile the configuration, then evaluate — what not caching
 *       compiled guardians would cost.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GuardianBench {

  static Map<String, Object> gateConfig() {
    return Map.of(
      "type", "CRITERIA_GATE",
      "name", "big-payments",
      "attributes", Map.of(
        "operator", "AND",
        "rules", List.of(
          Map.of("field", "amount", "condition", "gte", "value", 1000),
          Map.of("field", "status", "condition", "equals", "value", "PENDING"),
          Map.of("field", "risk_score", "condition", "lt", "value", 0.7))));
  }

  static Map<String, Object> compositeConfig() {
    return Map.of(
      "type", "COMPOSITE",
      "name", "release-gate",
      "attributes", Map.of(
        "operator", "AND",
        "guardians", List.of(
          gateConfig(),
          Map.of("type", "TTL_CHECK", "attributes", Map.of("max_age_seconds", 86400)),
          Map.of("type", "DIRECTIONAL_FILTER", "attributes", Map.of(
            "attribute", "region",
            "routes", Map.of("eu", List.of("queue-eu"), "us", List.of("queue-us")))),
          Map.of("type", "PASS_THRU"))));
  }

  Instant now;
  Map<String, Object> allowUow;
  Map<String, Object> denyUow;
  Map<String, Object> gateConfig;
  CompiledGuardian gate;
  CompiledGuardian composite;

  @Setup
  public void setup() {
    now = Instant.parse("2025-11-25T12:00:00Z");
    allowUow = new LinkedHashMap<>();
    allowUow.put("uow_id", "uow-0001");
    allowUow.put("status", "PENDING");
    allowUow.put("child_count", 0);
    allowUow.put("finished_child_count", 0);
    allowUow.put("created_at", "2025-11-25T11:00:00Z");
    allowUow.put("amount", 25000);
    allowUow.put("risk_score", 0.25);
    allowUow.put("region", "eu");
    denyUow = new LinkedHashMap<>(allowUow);
    denyUow.put("amount", 10);
    gateConfig = gateConfig();
    gate = GuardianCompiler.compile(gateConfig, "bench", GuardianResolver.NONE);
    composite = GuardianCompiler.compile(compositeConfig(), "bench", GuardianResolver.NONE);
    check(gate.evaluate(allowUow, now).allowed(), "gate should allow");
    check(!gate.evaluate(denyUow, now).allowed(), "gate should deny");
    Decision c = composite.evaluate(allowUow, now);
    check(c.allowed(), "composite should allow: " + c.reason());
    check(hardCoded(allowUow) && !hardCoded(denyUow), "hard-coded rules disagree");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  /** amount gte 1000 AND status equals "PENDING" AND risk_score lt 0.7, by hand. */
  static boolean hardCoded(Map<String, Object> uow) {
    boolean r1 = uow.get("amount") instanceof Number a && a.doubleValue() >= 1000;
    boolean r2 = "PENDING".equals(uow.get("status"));
    boolean r3 = uow.get("risk_score") instanceof Number r && r.doubleValue() < 0.7;
    return r1 & r2 & r3;
  }

  @Benchmark
  public boolean baselineHardCoded() {
    return hardCoded(allowUow);
  }

  @Benchmark
  public Decision baselineHardCodedDecision() {
    return hardCoded(allowUow)
      ? Decision.allow("all 3 rules passed", "CRITERIA_GATE", "big-payments", Map.of())
      : Decision.deny("a rule failed", "CRITERIA_GATE", "big-payments", Map.of());
  }

  @Benchmark
  public Decision gate3Allow() {
    return gate.evaluate(allowUow, now);
  }

  @Benchmark
  public Decision gate3Deny() {
    return gate.evaluate(denyUow, now);
  }

  @Benchmark
  public Decision composite4() {
    return composite.evaluate(allowUow, now);
  }

  @Benchmark
  public Decision gate3CompileEachTime() {
    return GuardianCompiler.compile(gateConfig, "bench", GuardianResolver.NONE).evaluate(allowUow, now);
  }
}
