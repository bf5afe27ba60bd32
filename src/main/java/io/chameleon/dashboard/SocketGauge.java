package io.chameleon.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures of this node's dashboard sockets (across gateway instances), for readiness and tests: how
 * many are open, the most bytes ever queued (in flight) for one socket, resyncs sent, the replays
 * in progress (one per socket at most: a replay ends when its socket subscribes again, unsubscribes
 * or closes), and the sockets whose input is held back now because they do not keep up.
 */
final class SocketGauge implements Shareable {

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong peakQueuedBytes = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final AtomicInteger replays = new AtomicInteger();
  private final AtomicInteger heldBack = new AtomicInteger();

  static SocketGauge of(Vertx vertx) {
    LocalMap<String, SocketGauge> map = vertx.sharedData().getLocalMap("chameleon.dashboard");
    SocketGauge fresh = new SocketGauge();
    SocketGauge existing = map.putIfAbsent("sockets", fresh);
    return existing != null ? existing : fresh;
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  void queued(long bytes) {
    peakQueuedBytes.accumulateAndGet(bytes, Math::max);
  }

  long peakQueuedBytes() {
    return peakQueuedBytes.get();
  }

  void resynced() {
    resyncs.incrementAndGet();
  }

  long resyncs() {
    return resyncs.get();
  }

  void replayStarted() {
    replays.incrementAndGet();
  }

  void replayEnded() {
    replays.decrementAndGet();
  }

  int replays() {
    return replays.get();
  }

  void heldBack(int delta) {
    heldBack.addAndGet(delta);
  }

  int heldBack() {
    return heldBack.get();
  }
}
