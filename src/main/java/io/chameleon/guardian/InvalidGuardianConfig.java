package io.chameleon.guardian;

/**
 * A guardian configuration that cannot be compiled. {@link #path()} names the bad field, e.g.
 * {@code attributes.rules[1].condition}; the message starts with it.
 */
public final class InvalidGuardianConfig extends RuntimeException {

  private final String path;

  public InvalidGuardianConfig(String path, String problem) {
    super((path == null || path.isEmpty() ? "config" : path) + ": " + problem, null, false, false);
    this.path = path == null ? "" : path;
  }

  public String path() {
    return path;
  }
}
