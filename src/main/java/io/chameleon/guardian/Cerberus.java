package io.chameleon.guardian;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CERBERUS: guards the shape of a UOW's family. Allowed when child_count lies in
 * [min_children, max_children], finished_child_count does not exceed child_count, and (when
 * created_at is given) the UOW is no older than timeout_seconds. Absent counts read as 0.
 */
final class Cerberus implements Guardian {

  static final String TYPE = GuardianType.CERBERUS.name();

  private final String name;
  private final long minChildren;
  private final long maxChildren;
  private final Number timeoutSeconds;
  private final double timeout;

  Cerberus(String name, long minChildren, long maxChildren, Number timeoutSeconds) {
    this.name = name;
    this.minChildren = minChildren;
    this.maxChildren = maxChildren;
    this.timeoutSeconds = timeoutSeconds;
    this.timeout = timeoutSeconds.doubleValue();
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Object rawChildren = uow.get(FlatView.CHILD_COUNT);
    Object rawFinished = uow.get(FlatView.FINISHED_CHILD_COUNT);
    Object rawCreated = uow.get(FlatView.CREATED_AT);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("child_count", rawChildren);
    figures.put("finished_child_count", rawFinished);
    figures.put("min_children", minChildren);
    figures.put("max_children", maxChildren);
    figures.put("age_seconds", null);
    figures.put("timeout_seconds", timeoutSeconds);
    if (rawChildren != null && !(rawChildren instanceof Number)) {
      return deny("child_count is not a number (" + FlatView.describe(rawChildren) + ")", figures);
    }
    if (rawFinished != null && !(rawFinished instanceof Number)) {
      return deny("finished_child_count is not a number (" + FlatView.describe(rawFinished) + ")",
        figures);
    }
    // compared by exact value: 100.7 is not 100, and 2^64 + 1 is not 1
    Number children = rawChildren == null ? 0 : (Number) rawChildren;
    Number finished = rawFinished == null ? 0 : (Number) rawFinished;
    String childrenText = FlatView.describe(children);
    String finishedText = FlatView.describe(finished);
    figures.put("child_count", children);
    figures.put("finished_child_count", finished);
    Double age = null;
    if (rawCreated != null) {
      Instant created = FlatView.parseInstant(rawCreated);
      if (created == null) {
        return deny("created_at " + FlatView.describe(rawCreated) + " is not an ISO-8601 timestamp",
          figures);
      }
      age = FlatView.ageSeconds(created, now);
      figures.put("age_seconds", age);
    }
    if (FlatView.compare(children, minChildren) < 0) {
      return deny("child_count " + childrenText + " is below min_children " + minChildren, figures);
    }
    if (FlatView.compare(children, maxChildren) > 0) {
      return deny("child_count " + childrenText + " exceeds max_children " + maxChildren, figures);
    }
    if (FlatView.compare(finished, children) > 0) {
      return deny("finished_child_count " + finishedText + " exceeds child_count " + childrenText, figures);
    }
    if (age != null && age > timeout) {
      return deny("age " + FlatView.describe(age) + "s exceeds timeout_seconds "
        + FlatView.describe(timeoutSeconds), figures);
    }
    return Decision.allow("child_count " + childrenText + " within [" + minChildren + ", " + maxChildren
      + "], " + finishedText + " finished" + (age == null ? "" : ", age " + FlatView.describe(age)
      + "s within " + FlatView.describe(timeoutSeconds) + "s"), TYPE, name, figures);
  }

  private Decision deny(String reason, Map<String, Object> figures) {
    return Decision.deny(reason, TYPE, name, figures);
  }
}
