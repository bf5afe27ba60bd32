package io.chameleon.store;

/** The lifecycle of an intervention request (SPEC §5). */
public enum RequestStatus {
  PENDING, IN_PROGRESS, APPROVED, REJECTED, EXPIRED, COMPLETED;

  public boolean open() {
    return this == PENDING || this == IN_PROGRESS;
  }
}
