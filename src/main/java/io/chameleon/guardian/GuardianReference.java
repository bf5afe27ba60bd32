package io.chameleon.guardian;

import java.time.Instant;
import java.util.Map;

/**
 * A COMPOSITE child given by name: looked up in the registry at each evaluation, so replacing the
 * named guardian takes effect at once, and a name that has vanished denies.
 */
final class GuardianReference implements Guardian {

  private final String name;
  private final GuardianResolver resolver;

  GuardianReference(String name, GuardianResolver resolver) {
    this.name = name;
    this.resolver = resolver;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    CompiledGuardian target = resolver.find(name);
    if (target == null) {
      return Decision.deny("unknown guardian '" + name + "'", "UNKNOWN", name, Map.of());
    }
    return target.evaluate(uow, now);
  }
}
