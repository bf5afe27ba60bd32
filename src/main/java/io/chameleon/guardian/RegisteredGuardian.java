package io.chameleon.guardian;

import java.util.Map;

/**
 * A named guardian in the registry: its original configuration (immutable, for reading back) and
 * the guardian compiled from it.
 *
 * @param name the registered name
 * @param config the configuration as registered
 * @param guardian the compiled form
 */
public record RegisteredGuardian(String name, Map<String, Object> config,
                                 CompiledGuardian guardian) {

  public GuardianType type() {
    return guardian.type();
  }

  /** {@code {name, type, config}}. */
  public Map<String, Object> toMap() {
    return Map.of("name", name, "type", type().name(), "config", config);
  }
}
