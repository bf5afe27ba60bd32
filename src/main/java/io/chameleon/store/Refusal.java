package io.chameleon.store;

import java.util.List;

/**
 * A refusal thrown inside the rules; {@link Decider} turns it into a
 * {@link Decision.Rejected} with its status, message and events (a 403 records who was denied).
 */
final class Refusal extends RuntimeException {
  final int status;
  final List<Draft> events;

  Refusal(int status, String message, List<Draft> events) {
    super(message, null, false, false);
    this.status = status;
    this.events = events;
  }

  static Refusal conflict(String message) {
    return new Refusal(409, message, List.of());
  }

  static Refusal notFound(String message) {
    return new Refusal(404, message, List.of());
  }
}
