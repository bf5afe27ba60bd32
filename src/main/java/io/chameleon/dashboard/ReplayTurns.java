package io.chameleon.dashboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The node-wide budget of replay work: every socket's replay takes a turn here to read an
 * {@code events.read} page and write it out, and at most {@code max} turns run at once on this node
 * (across gateway instances); the others wait in line, first come first served. A replay that must
 * wait for its client to drain gives its turn up and asks again later, so a client that does not
 * read holds no turn. A replay that is replaced, ended or closed while it waits
 * {@linkplain Ticket#cancel() leaves the line} and never reads; one whose turn has started ends it
 * itself ({@link Ticket#done()}) at its next step. So a storm of subscribes costs at most
 * {@code max} concurrent page reads (each bounded by bytes) and as many replays writing, however
 * many sockets take part, and the store's and the API's requests are not starved.
 */
final class ReplayTurns implements Shareable {

  private final int max;
  private final Deque<Ticket> waiting = new ArrayDeque<>();
  private int inFlight;
  private int peak;
  private long granted;
  private long cancelled;

  ReplayTurns(int max) {
    this.max = max;
  }

  /** The node's one instance (the first caller's {@code max}: every gateway instance reads the same config). */
  static ReplayTurns of(Vertx vertx, int max) {
    LocalMap<String, ReplayTurns> map = vertx.sharedData().getLocalMap("chameleon.dashboard");
    ReplayTurns fresh = new ReplayTurns(max);
    ReplayTurns existing = map.putIfAbsent("replay_turns", fresh);
    if (existing != null) {
      return existing;
    }
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      Gauge.builder("chameleon.dashboard.replays.active", fresh, ReplayTurns::inFlight)
        .description("Event-log page reads of socket replays in flight on this node").register(registry);
      Gauge.builder("chameleon.dashboard.replays.waiting", fresh, ReplayTurns::waiting)
        .description("Socket replays waiting for their turn to read a page").register(registry);
    }
    return fresh;
  }

  /** A place in line; its {@link Ticket#turn()} completes on {@code context} when the read may start. */
  Ticket ask(Context context) {
    Ticket ticket = new Ticket(context);
    List<Ticket> go;
    synchronized (this) {
      waiting.add(ticket);
      go = admit();
    }
    go.forEach(Ticket::start);
    return ticket;
  }

  /** Under the lock: the tickets that may start now, counted as in flight. */
  private List<Ticket> admit() {
    List<Ticket> go = new ArrayList<>();
    while (inFlight < max && !waiting.isEmpty()) {
      Ticket next = waiting.poll();
      next.state = State.READING;
      inFlight++;
      granted++;
      peak = Math.max(peak, inFlight);
      go.add(next);
    }
    return go;
  }

  private void finish(Ticket ticket) {
    List<Ticket> go;
    boolean wasWaiting;
    synchronized (this) {
      wasWaiting = ticket.state == State.WAITING;
      if (ticket.state == State.DONE || ticket.state == State.READING && !ticket.released) {
        return;
      }
      if (wasWaiting) {
        waiting.remove(ticket);
        cancelled++;
      } else {
        inFlight--;
      }
      ticket.state = State.DONE;
      go = admit();
    }
    if (wasWaiting) {
      ticket.promise.tryFail("replay ended");
    }
    go.forEach(Ticket::start);
  }

  synchronized int inFlight() {
    return inFlight;
  }

  /** The most reads ever in flight at once. */
  synchronized int peak() {
    return peak;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized long granted() {
    return granted;
  }

  /** Replays that left the line before their read started. */
  synchronized long cancelled() {
    return cancelled;
  }

  int max() {
    return max;
  }

  private enum State { WAITING, READING, DONE }

  /** One replay's request to read one page. */
  final class Ticket {
    private final Context context;
    private final Promise<Void> promise = Promise.promise();
    private State state = State.WAITING;
    private boolean released;

    private Ticket(Context context) {
      this.context = context;
    }

    /** Completes when the read may start; fails when the ticket was cancelled first. */
    Future<Void> turn() {
      return promise.future();
    }

    private void start() {
      context.runOnContext(v -> promise.tryComplete());
    }

    /** Leaves the line if the read has not started; a read in flight keeps its place until {@link #done()}. */
    void cancel() {
      finish(this);
    }

    /** The read is over (its page arrived, or it failed): the next in line may read. */
    void done() {
      synchronized (ReplayTurns.this) {
        released = true;
      }
      finish(this);
    }
  }
}
