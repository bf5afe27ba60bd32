package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The §5 metrics as counters, updated on every request change (never a scan). Resolution time is
 * creation to decision (APPROVED or REJECTED); top pilots counts decisions per pilot.
 *
 * <p>Every counter follows from the requests' current states alone (a decision is final, and
 * carries its time and pilot), so a state restored from a snapshot rebuilds them by putting each
 * request once; the resolution time is summed in whole milliseconds so that the order of the
 * changes does not matter either.
 */
public final class InterventionMetrics {

  private record PilotCount(String pilotId, long count) {
  }

  private static final Comparator<PilotCount> TOP = Comparator
    .comparingLong(PilotCount::count).reversed().thenComparing(PilotCount::pilotId);

  private long total;
  // plain counters, no boxing: a restore counts a million requests
  private final long[] byStatus = new long[RequestStatus.values().length];
  private final Map<String, long[]> byType = new HashMap<>();
  private final Map<String, long[]> byPriority = new HashMap<>();
  private long resolutionMillis;
  private long resolved;
  private final Map<String, Long> decisionsByPilot = new HashMap<>();
  private final TreeSet<PilotCount> topPilots = new TreeSet<>(TOP);

  /** Accounts one change: {@code before} is null for a new request. */
  void onChange(InterventionRequest before, InterventionRequest after) {
    if (before == null) {
      total++;
      byType.computeIfAbsent(after.interventionType(), k -> new long[1])[0]++;
      byPriority.computeIfAbsent(after.priority(), k -> new long[1])[0]++;
    } else {
      byStatus[before.status().ordinal()]--;
    }
    byStatus[after.status().ordinal()]++;
    boolean decided = after.status() == RequestStatus.APPROVED
      || after.status() == RequestStatus.REJECTED;
    if (decided && (before == null || before.status().open())) {
      Instant created = Timestamps.instant(after.createdAt());
      Instant decidedAt = Timestamps.instant(after.actionTimestamp());
      resolutionMillis += Duration.between(created, decidedAt).toMillis();
      resolved++;
      if (after.actionBy() != null) {
        long old = decisionsByPilot.getOrDefault(after.actionBy(), 0L);
        topPilots.remove(new PilotCount(after.actionBy(), old));
        decisionsByPilot.put(after.actionBy(), old + 1);
        topPilots.add(new PilotCount(after.actionBy(), old + 1));
      }
    }
  }

  public long total() {
    return total;
  }

  public Map<String, Object> toView() {
    List<Object> top = new ArrayList<>();
    for (PilotCount entry : topPilots) {
      if (top.size() == 10) {
        break;
      }
      top.add(obj("pilot_id", entry.pilotId(), "interventions", entry.count()));
    }
    double avg = resolved == 0 ? 0.0 : Math.round((double) resolutionMillis / resolved) / 1000.0;
    return obj("total_interventions", total,
      "pending_interventions", count(RequestStatus.PENDING),
      "in_progress_interventions", count(RequestStatus.IN_PROGRESS),
      "approved_interventions", count(RequestStatus.APPROVED),
      "rejected_interventions", count(RequestStatus.REJECTED),
      "expired_interventions", count(RequestStatus.EXPIRED),
      "completed_interventions", count(RequestStatus.COMPLETED),
      "avg_resolution_time_seconds", avg,
      "by_type", sorted(byType), "by_priority", sorted(byPriority),
      "top_pilots", top);
  }

  private long count(RequestStatus status) {
    return byStatus[status.ordinal()];
  }

  private static Map<String, Object> sorted(Map<String, long[]> counts) {
    Map<String, Object> view = new TreeMap<>();
    counts.forEach((key, count) -> view.put(key, count[0]));
    return view;
  }
}
