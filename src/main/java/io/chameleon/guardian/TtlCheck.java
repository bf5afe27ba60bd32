package io.chameleon.guardian;

import java.time.Instant;
import java.util.Map;

/**
 * TTL_CHECK: allowed when created_at is present, parses as ISO-8601, is not more than
 * {@link #FUTURE_LEEWAY_SECONDS} in the future, and the age is ≤ max.
 */
final class TtlCheck implements Guardian {

  static final String TYPE = GuardianType.TTL_CHECK.name();
  /**
   * How far in the future a created_at may be: clock skew between the engine and us. Beyond it the
   * timestamp is wrong, and a negative age would pass any max_age_seconds.
   */
  static final long FUTURE_LEEWAY_SECONDS = 60;

  private final String name;
  private final Number maxAgeSeconds;
  private final double maxAge;

  TtlCheck(String name, Number maxAgeSeconds) {
    this.name = name;
    this.maxAgeSeconds = maxAgeSeconds;
    this.maxAge = maxAgeSeconds.doubleValue();
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Object raw = uow.get(FlatView.CREATED_AT);
    if (raw == null) {
      return Decision.deny("created_at missing", TYPE, name, figures(raw, null));
    }
    Instant created = FlatView.parseInstant(raw);
    if (created == null) {
      return Decision.deny("created_at " + FlatView.describe(raw) + " is not an ISO-8601 timestamp",
        TYPE, name, figures(raw, null));
    }
    double age = FlatView.ageSeconds(created, now);
    Explanation figures = figures(raw, age);
    if (age < -FUTURE_LEEWAY_SECONDS) {
      return Decision.deny("created_at " + FlatView.describe(raw) + " is " + FlatView.describe(-age)
        + "s in the future, more than the " + FUTURE_LEEWAY_SECONDS + "s allowed for clock skew",
        TYPE, name, figures);
    }
    String max = FlatView.describe(maxAgeSeconds);
    if (age > maxAge) {
      return Decision.deny("age " + FlatView.describe(age) + "s exceeds max_age_seconds " + max,
        TYPE, name, figures);
    }
    return Decision.allow("age " + FlatView.describe(age) + "s within max_age_seconds " + max,
      TYPE, name, figures);
  }

  private Explanation figures(Object createdAt, Double age) {
    return Explanation.of("created_at", createdAt, "age_seconds", age,
      "max_age_seconds", maxAgeSeconds);
  }
}
