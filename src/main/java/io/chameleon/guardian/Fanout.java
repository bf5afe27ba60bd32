package io.chameleon.guardian;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * How many guardians one evaluation of a guardian may visit at most, counting each guardian
 * reached through a by-name reference as often as it is referred to: 10 references per level, 6
 * levels deep, is a million visits from a small configuration. Counted once, when a guardian is
 * registered or an evaluation compiled, so the limit ({@code guardian.max_visits}) is refused up
 * front instead of discovered by a blocked event loop.
 */
final class Fanout {

  /** The default of {@code guardian.max_visits}. */
  static final int DEFAULT_MAX_VISITS = 1000;

  private final Function<String, CompiledGuardian> lookup;
  private final Map<String, Long> memo = new HashMap<>();

  /** {@code lookup} finds a registered guardian by name; the graph it spans must be acyclic. */
  Fanout(Function<String, CompiledGuardian> lookup) {
    this.lookup = lookup;
  }

  /** The most guardians one evaluation of {@code guardian} visits (saturating, never negative). */
  long visits(CompiledGuardian guardian) {
    long total = guardian.nodes();
    for (CompiledGuardian.Reference reference : guardian.references()) {
      total = add(total, visits(reference.name()));
    }
    return total;
  }

  /** The same for the guardian registered as {@code name}; an unknown name is one visit (a denial). */
  long visits(String name) {
    Long known = memo.get(name);
    if (known != null) {
      return known;
    }
    CompiledGuardian target = lookup.apply(name);
    long visits = target == null ? 1 : visits(target);
    memo.put(name, visits);
    return visits;
  }

  static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
