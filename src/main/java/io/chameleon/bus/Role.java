package io.chameleon.bus;

import java.util.Optional;

/** A pilot's role. The order is the hierarchy: ADMIN > OPERATOR > VIEWER. */
public enum Role {
  VIEWER, OPERATOR, ADMIN;

  public boolean atLeast(Role required) {
    return compareTo(required) >= 0;
  }

  /** The role named exactly (case-sensitive), or empty: "admin" is not a role. */
  public static Optional<Role> parse(Object value) {
    if (value instanceof String s) {
      for (Role role : values()) {
        if (role.name().equals(s)) {
          return Optional.of(role);
        }
      }
    }
    return Optional.empty();
  }
}
