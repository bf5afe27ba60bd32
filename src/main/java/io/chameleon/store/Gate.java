package io.chameleon.store;

import java.util.List;
import java.util.Map;

/** The guardian gate of an advance: what to evaluate, and what the evaluator answered. */
public final class Gate {

  private Gate() {
  }

  /**
   * One list of guardians to evaluate: the policy entries still in force (a waived rule is left
   * out), each with its rule id, and the operator combining them. An empty list is allowed.
   */
  public record Stage(String rulePrefix, List<Object> guardians, List<String> ruleIds,
                      String operator) {
    public boolean empty() {
      return guardians.isEmpty();
    }
  }

  /** {@code blocking} and {@code approval} are null when the gate does not run (to FAILED). */
  public record Plan(Stage blocking, Stage approval, Map<String, Object> flatView) {
    public boolean runs() {
      return blocking != null;
    }
  }

  /** What the evaluator answered for one stage; decision names are rewritten to rule ids. */
  public record Verdict(boolean allowed, List<Map<String, Object>> decisions) {
    public static Verdict pass() {
      return new Verdict(true, List.of());
    }
  }

  /** The verdicts of the stages that ran: approval is null when the blocking stage failed. */
  public record Result(Verdict blocking, Verdict approval) {
    public static final Result NONE = new Result(null, null);
  }
}
