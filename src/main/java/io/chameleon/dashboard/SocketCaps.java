package io.chameleon.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * How many dashboard sockets this node holds — in all, per client address and per pilot — against
 * the configured caps, shared by every gateway instance of the node. A socket is counted against
 * the node and its address when it opens, against its pilot once it has authenticated; one over a
 * cap is not counted and is closed by its session with {@value #CLOSE_CAP} (try again later).
 * Refusals are counted here (for {@code /health}) and in {@code chameleon_dashboard_sockets_refused_total{cap}}.
 */
final class SocketCaps implements Shareable {

  /** WebSocket close code 1013, "try again later": the socket was over a cap. */
  static final int CLOSE_CAP = 1013;

  /** The caps, from {@code dashboard.max_sockets*}. */
  record Limits(int node, int perPilot, int perAddress) {
  }

  /** Which cap refused a socket, and the close reason that names it. */
  enum Cap {
    NODE("too many sockets on this node"),
    ADDRESS("too many sockets from this address"),
    PILOT("too many sockets for this pilot");

    final String reason;

    Cap(String reason) {
      this.reason = reason;
    }
  }

  private final Limits limits;
  private int open;
  private final Map<String, Integer> byAddress = new HashMap<>();
  private final Map<String, Integer> byPilot = new HashMap<>();
  private final Map<Cap, Long> refused = new EnumMap<>(Cap.class);
  private final Map<Cap, Counter> counters = new EnumMap<>(Cap.class);

  SocketCaps(Limits limits, MeterRegistry registry) {
    this.limits = limits;
    for (Cap cap : Cap.values()) {
      refused.put(cap, 0L);
      if (registry != null) {
        counters.put(cap, Counter.builder("chameleon.dashboard.sockets.refused").tag("cap", cap.name().toLowerCase())
          .description("Dashboard sockets closed because they were over a cap").register(registry));
      }
    }
  }

  /** The node's one instance (the first caller's limits: every gateway instance reads the same config). */
  static SocketCaps of(Vertx vertx, Limits limits) {
    LocalMap<String, SocketCaps> map = vertx.sharedData().getLocalMap("chameleon.dashboard");
    SocketCaps fresh = new SocketCaps(limits, BackendRegistries.getDefaultNow());
    SocketCaps existing = map.putIfAbsent("caps", fresh);
    return existing != null ? existing : fresh;
  }

  /** A socket opened from {@code address}: null = counted; otherwise the cap it is over (not counted). */
  synchronized Cap open(String address) {
    if (open >= limits.node()) {
      return refuse(Cap.NODE);
    }
    if (byAddress.getOrDefault(address, 0) >= limits.perAddress()) {
      return refuse(Cap.ADDRESS);
    }
    open++;
    byAddress.merge(address, 1, Integer::sum);
    return null;
  }

  /** A counted socket authenticated as {@code pilot}: null = counted; otherwise {@link Cap#PILOT}. */
  synchronized Cap authenticated(String pilot) {
    if (byPilot.getOrDefault(pilot, 0) >= limits.perPilot()) {
      return refuse(Cap.PILOT);
    }
    byPilot.merge(pilot, 1, Integer::sum);
    return null;
  }

  /** A counted socket closed; {@code pilot} null when it was not counted against one. */
  synchronized void closed(String address, String pilot) {
    open--;
    decrement(byAddress, address);
    if (pilot != null) {
      decrement(byPilot, pilot);
    }
  }

  synchronized int open() {
    return open;
  }

  synchronized long refused(Cap cap) {
    return refused.get(cap);
  }

  private Cap refuse(Cap cap) {
    refused.merge(cap, 1L, Long::sum);
    Counter counter = counters.get(cap);
    if (counter != null) {
      counter.increment();
    }
    return cap;
  }

  private static void decrement(Map<String, Integer> counts, String key) {
    // drops the entry at zero, so the maps hold only addresses and pilots with open sockets
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
