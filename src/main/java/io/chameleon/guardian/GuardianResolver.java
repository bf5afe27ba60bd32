package io.chameleon.guardian;

/** Finds a registered guardian by name; the registry is the one implementation outside tests. */
@FunctionalInterface
public interface GuardianResolver {

  /** No names are registered. */
  GuardianResolver NONE = name -> null;

  /** The guardian registered as {@code name}, or null. */
  CompiledGuardian find(String name);
}
