package io.chameleon.store;

import java.util.EnumSet;
import java.util.Set;

/** The lifecycle of a unit of work (SPEC §3). */
public enum UowStatus {
  PENDING, ACTIVE, PAUSED, PENDING_PILOT_APPROVAL, ZOMBIED_SOFT, ZOMBIED_DEAD, COMPLETED, FAILED;

  /** Statuses in which a UOW waits for a pilot; leaving one closes its open requests. */
  public static final Set<UowStatus> PARKED =
    EnumSet.of(PAUSED, PENDING_PILOT_APPROVAL, ZOMBIED_SOFT, ZOMBIED_DEAD);

  public boolean parked() {
    return PARKED.contains(this);
  }

  public boolean finished() {
    return this == COMPLETED || this == FAILED;
  }

  public static UowStatus parse(Object value) {
    if (value instanceof String s) {
      for (UowStatus status : values()) {
        if (status.name().equals(s)) {
          return status;
        }
      }
    }
    return null;
  }
}
