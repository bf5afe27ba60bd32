package io.chameleon.store;

import java.util.List;
import java.util.Map;

/** What the core decided for one command. */
public sealed interface Decision {

  /** Append these events (possibly none), then reply {@code status} with {@code data}. */
  record Accepted(List<Draft> events, int status, Map<String, Object> data) implements Decision {
  }

  /**
   * Refuse with an HTTP-like status. {@code events} is empty except for a 403 on an item's role,
   * which is recorded as {@code pilot_auth_denied}.
   */
  record Rejected(int status, String message, List<Draft> events) implements Decision {
  }
}
