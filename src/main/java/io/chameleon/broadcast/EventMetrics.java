package io.chameleon.broadcast;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Mirrors the log's counters into Micrometer ({@code chameleon_events_emitted_total},
 * {@code chameleon_events_bytes_written_total}, {@code chameleon_events_errors_total} once
 * exported to Prometheus), and takes what an adapter reports as it works: the events of each batch
 * ({@code chameleon_events_batch_size}) and its round trips to a remote backend
 * ({@code chameleon_events_round_trips_total}). Does nothing when Vert.x runs without metrics.
 */
public final class EventMetrics {

  /** Metrics that go nowhere, for logs built outside a verticle (tests, tools). */
  public static final EventMetrics NONE = new EventMetrics(null);

  private final Counter emitted;
  private final Counter bytes;
  private final Counter errors;
  private final DistributionSummary batchSize;
  private final Counter roundTrips;
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
    this.batchSize = registry == null ? null : DistributionSummary.builder("chameleon.events.batch.size")
      .description("Events per group-committed write").register(registry);
    this.roundTrips = registry == null ? null : Counter.builder("chameleon.events.round.trips")
      .description("Commands the audit log sent to its backend (Redis)").register(registry);
  }

  /** Counters in the default Vert.x Micrometer registry, or no-ops without one. */
  public static EventMetrics fromDefaultRegistry() {
    return new EventMetrics(BackendRegistries.getDefaultNow());
  }

  /** One group-committed write of {@code events} events went out. */
  public void batch(int events) {
    if (batchSize != null) {
      batchSize.record(events);
    }
  }

  /** One command went to the backend. */
  public void roundTrip() {
    if (roundTrips != null) {
      roundTrips.increment();
    }
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
