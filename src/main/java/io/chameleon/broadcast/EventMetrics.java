package io.chameleon.broadcast;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Mirrors the log's counters into Micrometer ({@code chameleon_events_emitted_total},
 * {@code chameleon_events_bytes_written_total}, {@code chameleon_events_errors_total} once
 * exported to Prometheus). Does nothing when Vert.x runs without metrics.
 */
final class EventMetrics {

  private final Counter emitted;
  private final Counter bytes;
  private final Counter errors;
  private long seenEmitted;
  private long seenBytes;
  private long seenErrors;

  private EventMetrics(MeterRegistry registry) {
    this.emitted = registry == null ? null : Counter.builder("chameleon.events.emitted")
      .description("Audit events durably appended").register(registry);
    this.bytes = registry == null ? null : Counter.builder("chameleon.events.bytes.written")
      .description("Bytes written to the audit log").register(registry);
    this.errors = registry == null ? null : Counter.builder("chameleon.events.errors")
      .description("Failed audit log writes").register(registry);
  }

  /** Counters in the default Vert.x Micrometer registry, or no-ops without one. */
  static EventMetrics fromDefaultRegistry() {
    return new EventMetrics(BackendRegistries.getDefaultNow());
  }

  /** Adds what the log counted since the last call; call on the owning context only. */
  void sync(EventLog log) {
    if (emitted == null) {
      return;
    }
    emitted.increment(log.eventsEmitted() - seenEmitted);
    bytes.increment(log.bytesWritten() - seenBytes);
    errors.increment(log.errors() - seenErrors);
    seenEmitted = log.eventsEmitted();
    seenBytes = log.bytesWritten();
    seenErrors = log.errors();
  }
}
