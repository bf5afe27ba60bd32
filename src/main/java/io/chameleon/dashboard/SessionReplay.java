package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A socket's replay of the log for {@code subscribe {after}}: pages of {@code events.read} after
 * {@code after} ({@value #PAGE} events, at most {@code dashboard.replay_page_bytes}), each written
 * as {@code event} pushes, until the log has no more. Reading a page and writing it out is done in
 * turns of the node's {@link ReplayTurns} line, and events are written while at most half the
 * write budget is in flight: past that the replay gives its turn up, waits for the socket to drain
 * and asks for a turn again, so a client that does not read holds no turn and makes the server hold
 * at most half the budget plus one event.
 *
 * <p>A socket has one replay at most: {@link #end} (a new subscription, none, or the socket closing)
 * makes the running one stop at its next step, leaves the line if it waits there (it never reads),
 * and wakes it if it waits for the socket to drain, so its page is let go now.
 */
final class SessionReplay {

  static final int PAGE = 1000;

  /** Where replayed events go. */
  interface Target {
    /** Writes a frame, charged to the write budget. */
    void write(String frame, long bytes);

    boolean closed();
  }

  /** The last event id the replay covered (or the id it started after) and the events it wrote. */
  record Replayed(String lastId, long count) {
  }

  private final Vertx vertx;
  private final BusClient bus;
  private final ReplayTurns turns;
  private final WriteBudget budget;
  private final int pageBytes;
  private final Target target;
  private int generation;
  /** The replay's latest place in the node's line (left at once if it still waits when the replay ends). */
  private ReplayTurns.Ticket lineTicket;
  private Promise<Void> drained;

  SessionReplay(Vertx vertx, BusClient bus, ReplayTurns turns, WriteBudget budget, int pageBytes, Target target) {
    this.vertx = vertx;
    this.bus = bus;
    this.turns = turns;
    this.budget = budget;
    this.pageBytes = pageBytes;
    this.target = target;
  }

  /** Starts a replay after {@code after}; {@link #current} tells whether its result still matters. */
  Future<Replayed> run(String after) {
    return replay(generation, after, 0);
  }

  /** The generation {@link #run} uses now: compare it with {@link #current} when the replay ends. */
  int generation() {
    return generation;
  }

  boolean current(int gen) {
    return gen == generation && !target.closed();
  }

  /**
   * Ends the replay in progress, if any: a new generation makes it stop at its next step, and a
   * replay waiting for the socket to drain is woken now (with a failure), so neither it nor the
   * page of events it holds outlives this call.
   */
  void end() {
    generation++;
    if (lineTicket != null) {
      ReplayTurns.Ticket waiting = lineTicket;
      lineTicket = null;
      waiting.cancel();
    }
    if (drained != null) {
      Promise<Void> waiting = drained;
      drained = null;
      waiting.tryFail("replay ended");
    }
  }

  /** The socket flushed some bytes: a replay waiting for it to drain to half the budget may go on. */
  void written() {
    if (drained != null && budget.belowHalf()) {
      Promise<Void> waiting = drained;
      drained = null;
      waiting.complete();
    }
  }

  private Future<Replayed> replay(int gen, String after, long count) {
    return takeTurn(gen)
      .compose(turn -> bus.request(Addresses.EVENTS_READ, new JsonObject().put("after", after).put("count", PAGE)
          .put("max_bytes", pageBytes))
        .onFailure(err -> turn.done())
        .compose(page -> {
          JsonArray events = page.getJsonArray("events", new JsonArray());
          return writeReplayed(gen, events, 0, turn).map(v -> page);
        }))
      .compose(page -> {
        if (!current(gen)) {
          return Future.succeededFuture(new Replayed(after, count));
        }
        JsonArray events = page.getJsonArray("events", new JsonArray());
        String last = events.isEmpty() ? after : events.getJsonObject(events.size() - 1).getString("id");
        String next = page.getString("scanned_to") != null && EventIds.valid(page.getString("scanned_to"))
          && EventIds.compare(page.getString("scanned_to"), last) > 0 ? page.getString("scanned_to") : last;
        long total = count + events.size();
        if (!page.getBoolean("more", false)) {
          return Future.succeededFuture(new Replayed(next, total));
        }
        return replay(gen, next, total);
      });
  }

  /** A turn in the node's replay line; fails if the replay ended while it waited. */
  private Future<ReplayTurns.Ticket> takeTurn(int gen) {
    ReplayTurns.Ticket ticket = turns.ask(vertx.getOrCreateContext());
    lineTicket = ticket;
    return ticket.turn().compose(v -> {
      if (!current(gen)) {
        ticket.done();
        return Future.failedFuture("replay ended");
      }
      return Future.succeededFuture(ticket);
    });
  }

  /**
   * Writes {@code events} from {@code from} on, one at a time while at most half the write budget is
   * in flight; past that it gives up its turn, waits for the socket to drain and takes a new turn.
   * Ends its turn when it ends.
   */
  private Future<Void> writeReplayed(int gen, JsonArray events, int from, ReplayTurns.Ticket turn) {
    try {
      return writeReplayedInTurn(gen, events, from, turn);
    } catch (RuntimeException e) {
      turn.done(); // a turn is never kept by a replay that failed
      return Future.failedFuture(e);
    }
  }

  private Future<Void> writeReplayedInTurn(int gen, JsonArray events, int from, ReplayTurns.Ticket turn) {
    for (int i = from; i < events.size(); i++) {
      if (!current(gen)) {
        turn.done();
        return Future.succeededFuture();
      }
      if (!budget.belowHalf()) {
        turn.done();
        int resume = i;
        return drained().compose(v -> takeTurn(gen)).compose(next -> writeReplayed(gen, events, resume, next));
      }
      JsonObject event = events.getJsonObject(i);
      Push push = Push.of(Push.EVENT, event.getString("id"), event);
      target.write(push.frame(), push.bytes());
    }
    turn.done();
    return Future.succeededFuture();
  }

  /** Completes once the bytes in flight are at most half the budget. */
  private Future<Void> drained() {
    if (budget.belowHalf()) {
      return Future.succeededFuture();
    }
    if (drained == null) {
      drained = Promise.promise();
    }
    return drained.future();
  }
}
