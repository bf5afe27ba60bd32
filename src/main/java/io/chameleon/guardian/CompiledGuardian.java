package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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

  /** A qualified Java name such as {@code java.lang.String} or {@code io.chameleon.X$Y}. */
  private static final Pattern JAVA_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.[A-Z][\\w$]*");

  private final GuardianType type;
  private final String name;
  private final Guardian body;
  private final List<Reference> references;
  private final int depth;
  private final int nodes;

  CompiledGuardian(GuardianType type, String name, Guardian body, List<Reference> references,
                   int depth, int nodes) {
    this.type = type;
    this.name = name;
    this.body = body;
    this.references = List.copyOf(references);
    this.depth = depth;
    this.nodes = nodes;
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

  /**
   * How many guardians its own configuration holds (every COMPOSITE and every child, not counting
   * what its references lead to; see {@link Fanout}).
   */
  public int nodes() {
    return nodes;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    try {
      return body.evaluate(uow, now);
    } catch (RuntimeException e) {
      return Decision.deny(type + " guardian failed: " + plainError(e), type.name(), name, Map.of());
    }
  }

  /**
   * The error in words a pilot can read. A reason ends up in response bodies, which never carry
   * exception class names (SPEC §1): the JDK's own messages often name classes (a failed cast, a
   * null dereference), and an exception with no message has nothing else to say, so those get a
   * fixed phrase instead.
   */
  private static String plainError(RuntimeException e) {
    String message = e.getMessage();
    if (e instanceof ClassCastException) {
      return "a value has an unexpected type";
    }
    if (e instanceof NullPointerException) {
      return "a value is missing";
    }
    if (message == null || message.isBlank() || JAVA_NAME.matcher(message).find() || message.contains("Exception")) {
      return "the evaluation could not be completed";
    }
    return message;
  }
}
