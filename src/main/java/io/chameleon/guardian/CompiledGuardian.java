package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A guardian compiled once from its configuration, ready to evaluate. It knows its type, its
 * name, which registered guardians it refers to by name, and how deeply its COMPOSITEs nest. Its
 * {@link #evaluate} never throws: a failure inside becomes {@code allowed: false} with the error
 * in the reason.
 */
public final class CompiledGuardian implements Guardian {

  /**
   * A by-name reference inside a COMPOSITE.
   *
   * @param name the registered name referred to
   * @param path where in the configuration the reference sits
   * @param depth nesting depth of the COMPOSITE holding the reference (1 = the top level)
   */
  public record Reference(String name, String path, int depth) {
  }

  private final GuardianType type;
  private final String name;
  private final Guardian body;
  private final List<Reference> references;
  private final int depth;

  CompiledGuardian(GuardianType type, String name, Guardian body, List<Reference> references,
                   int depth) {
    this.type = type;
    this.name = name;
    this.body = body;
    this.references = List.copyOf(references);
    this.depth = depth;
  }

  public GuardianType type() {
    return type;
  }

  /** The rule id its decisions carry, may be null. */
  public String name() {
    return name;
  }

  /** Every registered name referred to, at any nesting level. */
  public List<Reference> references() {
    return references;
  }

  /** How deeply COMPOSITEs nest inside this configuration itself (1 = not a nested one). */
  public int depth() {
    return depth;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    try {
      return body.evaluate(uow, now);
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Decision.deny(type + " guardian failed: " + why, type.name(), name, Map.of());
    }
  }
}
