package io.chameleon.guardian;

/** Refusal to remove a named guardian that another registered guardian refers to. */
public final class GuardianInUse extends RuntimeException {

  public GuardianInUse(String message) {
    super(message, null, false, false);
  }
}
