package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;

import io.chameleon.bus.PlainJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A stored successful reply for an idempotency scope; kept {@link #TTL}. */
public record IdempotencyRecord(String scope, String fingerprint, int status,
                                Map<String, Object> data, Instant storedAt) {

  public static final Duration TTL = Duration.ofHours(24);

  public boolean liveAt(Instant now) {
    return storedAt.plus(TTL).isAfter(now);
  }

  public Map<String, Object> toState() {
    return obj("scope", scope, "fingerprint", fingerprint, "status", status, "data", data,
      "stored_at", Canonical.timestamp(storedAt));
  }

  public static IdempotencyRecord fromState(Map<String, Object> s) {
    return new IdempotencyRecord((String) s.get("scope"), (String) s.get("fingerprint"),
      ((Number) s.get("status")).intValue(), PlainJson.copy(Canonical.map(s.get("data"))),
      Instant.parse((String) s.get("stored_at")));
  }
}
