package io.chameleon.dashboard;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.Operation;
import io.chameleon.bus.StoreMessage;
import io.chameleon.bus.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dashboard socket (SPEC §7). Its first message must authenticate within the configured time;
 * then it answers requests {@code {type, id, payload}} with {@code {type, id, success, data|error}}
 * and, once subscribed, forwards pushes {@code {type, data}}.
 *
 * <p>A socket has at most one subscription: a second {@code subscribe} replaces the first (its
 * replay, if any, ends at once and lets its page go; so do {@code unsubscribe} and closing). {@code subscribe {after}} replays every event after {@code after}
 * from the log as {@code event} pushes (read in pages of 1000, written while at most half the write
 * budget is in flight, so a client that does not read holds the replay back instead of the server's
 * memory), then answers, then forwards live pushes; live pushes that arrive during the replay are
 * held and the {@code event}s among them already replayed are dropped, so every event is sent
 * exactly once. If more than the write budget's worth of pushes arrive during a replay, they are
 * dropped and {@code resync} is sent.
 *
 * <p>Input is read only while the client keeps up: once the bytes written to it and not yet flushed
 * pass the write budget, or {@value WriteBudget#MAX_UNANSWERED} of its requests are forwarded and
 * not yet answered, the socket is paused (on the raw WebSocket transport, where that reaches TCP) or
 * what arrives waits in a small inbox (SockJS sessions, whose pause would only queue it in memory;
 * an inbox past the budget closes the socket), until the bytes are back to half the budget and
 * fewer requests are unanswered. A client that does not read can so make the server hold about the
 * budget plus that many replies (and, on a SockJS session, an inbox of about the budget), however
 * much it asks for. Messages held back in the network are charged to the rate cap when they are
 * read, but the time the socket was paused earns them credit: up to the cap's rate for that time.
 *
 * <p>Everything here runs on the context of the gateway instance that accepted the socket.
 */
final class DashboardSession {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardSession.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("chameleon.access");

  static final int REPLAY_PAGE = 1000;
  static final long OVERFLOW_CLOSE_MS = 30_000;
  static final int CLOSE_POLICY = 1008;
  static final int CLOSE_TOO_BIG = 1009;
  /** The longest the token-expiry timer waits before it looks at the clock again. */
  static final long EXPIRY_STEP_MS = 3_600_000;

  private enum State { AWAITING_AUTH, AUTHENTICATING, OPEN, CLOSED }

  private final Vertx vertx;
  private final SockJSSocket socket;
  private final DashboardConfig config;
  private final TokenVerifier tokens;
  private final BusClient bus;
  private final PushFanout fanout;
  private final SocketGauge gauge;
  private final SocketCaps caps;
  private final ReplayTurns turns;
  private final SockJsClose closer;
  private final WriteBudget budget;
  private final RateWindow rate;
  /** True on the raw WebSocket transport: there pausing the socket stops reading from TCP. */
  private final boolean pausable;
  /** On a polling transport, a close waits for the last frame to be fetched (at most this long). */
  static final long POLLING_FLUSH_MS = 5_000;
  private final boolean polling;
  private Future<Void> lastWrite = Future.succeededFuture();

  private State state = State.AWAITING_AUTH;
  private JsonObject actor;
  /** The client address this socket is counted against in {@link #caps}; null while not counted. */
  private String countedAddress;
  /** The pilot this socket is counted against in {@link #caps}; null while not counted. */
  private String countedPilot;
  /** The replay's latest place in the node's line (left at once if it still waits when the replay ends). */
  private ReplayTurns.Ticket lineTicket;
  private long authTimer = -1;
  private long expiryTimer = -1;
  private long overflowTimer = -1;
  private Promise<Void> drained;

  private int generation;
  private boolean subscribed;
  private boolean replaying;
  private boolean heldOverflowed;
  /** Pushes lost to an overflow of {@link #held}: what the {@code resync} after the replay reports. */
  private long heldDropped;
  private final List<Push> held = new ArrayList<>();
  /**
   * The last event the finished replay covered: a live {@code event} push at or before it was
   * replayed already (its push can reach the socket after the page that read it), so it is dropped.
   */
  private String replayedUpTo;
  private long heldBytes;

  /** Requests forwarded to the store and not yet answered. */
  private int unanswered;
  /** Messages that arrived while input was held back, to read once it is not. */
  private final Deque<Buffer> inbox = new ArrayDeque<>();
  private long inboxBytes;
  private boolean readingInbox;
  /** Input held back: the socket is paused (raw WebSocket) or its messages wait in the inbox. */
  private boolean heldBack;
  private long heldSince;
  /** Thousandths of a message the client may send past the rate window, earned while it was paused. */
  private long rateCredit;

  DashboardSession(Vertx vertx, SockJSSocket socket, DashboardConfig config, TokenVerifier tokens,
                   BusClient bus, PushFanout fanout, SocketGauge gauge, SocketCaps caps, ReplayTurns turns,
                   SockJsClose closer) {
    this.vertx = vertx;
    this.socket = socket;
    this.config = config;
    this.tokens = tokens;
    this.bus = bus;
    this.fanout = fanout;
    this.gauge = gauge;
    this.caps = caps;
    this.turns = turns;
    this.closer = closer;
    this.budget = new WriteBudget(config.maxQueuedBytes());
    this.rate = new RateWindow(config.maxMessagesPerSecond());
    this.pausable = isRawWebSocket(socket.uri());
    this.polling = isPolling(socket.uri());
  }

  /** A SockJS polling transport (xhr, eventsource, ...), as opposed to either WebSocket one. */
  static boolean isPolling(String uri) {
    if (uri == null) {
      return false;
    }
    int query = uri.indexOf('?');
    return !(query < 0 ? uri : uri.substring(0, query)).endsWith("/websocket");
  }

  /** The raw transport's path, as opposed to a SockJS session's {@code /<server>/<session>/<transport>}. */
  static boolean isRawWebSocket(String uri) {
    if (uri == null) {
      return false;
    }
    int query = uri.indexOf('?');
    return (query < 0 ? uri : uri.substring(0, query)).equals(DashboardRoutes.SOCKET_PATH + "/websocket");
  }

  void start() {
    String address = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
    SocketCaps.Cap over = caps.open(address);
    if (over != null) {
      state = State.CLOSED;
      ACCESS.info("socket deny [remote: {}, why: {}]", socket.remoteAddress(), over.reason);
      // the error first, then the close with its code
      socket.write(Frames.error("error", null, Frames.TOO_MANY_SOCKETS, over.reason))
        .onComplete(ar -> closer.close(socket, SocketCaps.CLOSE_CAP, over.reason));
      return;
    }
    countedAddress = address;
    gauge.opened();
    socket.handler(this::onMessage);
    PingGuard.watch(socket, this::onPing);
    socket.exceptionHandler(err -> LOG.debug("socket error [remote: {}, cause: {}]", socket.remoteAddress(), err.toString()));
    socket.closeHandler(v -> closed());
    authTimer = vertx.setTimer(config.authTimeoutMs(), id -> {
      authTimer = -1;
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        ACCESS.info("socket deny [remote: {}, why: no auth message in {} ms]", socket.remoteAddress(), config.authTimeoutMs());
        close(CLOSE_POLICY, "authentication timeout");
      }
    });
  }

  // ---- incoming

  private void onMessage(Buffer frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (frame.length() > DashboardConfig.MAX_MESSAGE_BYTES) {
      close(CLOSE_TOO_BIG, "message over " + DashboardConfig.MAX_MESSAGE_BYTES + " bytes");
      return;
    }
    if (!withinRate()) {
      rateLimited();
      return;
    }
    inbox.add(frame);
    inboxBytes += frame.length();
    if (inboxBytes > budget.limit() + DashboardConfig.MAX_MESSAGE_BYTES) {
      LOG.info("slow socket: input over the budget while held back [remote: {}, inbox_bytes: {}]",
        socket.remoteAddress(), inboxBytes);
      close(CLOSE_POLICY, "socket too slow");
      return;
    }
    updateInput();
  }

  /**
   * A WebSocket ping (Vert.x has answered it already): it counts as a message against the rate cap,
   * so pings cannot make the server write pongs faster than the cap allows. Pings wait with the
   * rest of the input while the socket is paused.
   */
  private void onPing() {
    if (state != State.CLOSED && !withinRate()) {
      rateLimited();
    }
  }

  private void rateLimited() {
    send(Frames.error("error", null, Frames.RATE_LIMITED,
      "more than " + config.maxMessagesPerSecond() + " messages per second"));
    close(CLOSE_POLICY, "message rate limit");
  }

  /** One message against the rate cap: the window's allowance first, then any credit. */
  private boolean withinRate() {
    if (rate.allow(System.currentTimeMillis())) {
      return true;
    }
    if (rateCredit >= 1000) {
      rateCredit -= 1000;
      return true;
    }
    return false;
  }

  /** Whether the client's input waits: while it authenticates, or while it does not keep up. */
  private boolean inputHeld() {
    return state == State.AUTHENTICATING || budget.holdInput(unanswered);
  }

  /**
   * Reads what waits in the inbox, in order, while input is not held back, then pauses or resumes
   * the socket to match. Called after anything that may change the bytes in flight or the requests
   * unanswered. Every message goes through the inbox, and only the outermost call reads it, so a
   * write that completes at once (and calls this again) never reads a message inside another.
   */
  private void updateInput() {
    if (state == State.CLOSED) {
      return;
    }
    if (!readingInbox) {
      readingInbox = true;
      try {
        while (state != State.CLOSED && !inbox.isEmpty() && !inputHeld()) {
          Buffer next = inbox.poll();
          inboxBytes -= next.length();
          read(next);
        }
      } finally {
        readingInbox = false;
      }
    }
    if (state == State.CLOSED) {
      return;
    }
    boolean hold = inputHeld() || !inbox.isEmpty();
    long now = System.currentTimeMillis();
    if (hold && !heldBack) {
      heldBack = true;
      heldSince = now;
      gauge.heldBack(1);
      if (pausable) {
        socket.pause();
      }
    } else if (!hold && heldBack) {
      heldBack = false;
      gauge.heldBack(-1);
      if (pausable) {
        // what the client sent meanwhile is read in a burst: it may use what the time paused allows
        long max = config.maxMessagesPerSecond();
        rateCredit = Math.min(rateCredit + (now - heldSince) * max, OVERFLOW_CLOSE_MS * max);
        socket.resume();
      }
    }
  }

  /** One message from the client, checked and answered (or forwarded). */
  private void read(Buffer frame) {
    JsonObject message;
    try {
      message = new JsonObject(StrictJson.parseObject(frame.getBytes()));
    } catch (Failure e) {
      send(Frames.malformed(e.getMessage()));
      closeUnlessOpen();
      return;
    }
    Object id = message.getValue("id");
    if (id != null && !(id instanceof String || id instanceof Number)) {
      send(Frames.malformed("id must be a string or a number"));
      closeUnlessOpen();
      return;
    }
    if (!(message.getValue("type") instanceof String type) || type.isEmpty()) {
      send(Frames.error("error", id, "BAD_REQUEST", "type must be a non-empty string"));
      closeUnlessOpen();
      return;
    }
    Object payloadValue = message.getValue("payload");
    if (payloadValue != null && !(payloadValue instanceof JsonObject)) {
      send(Frames.error(type, id, "BAD_REQUEST", "payload must be an object"));
      closeUnlessOpen();
      return;
    }
    JsonObject payload = payloadValue == null ? new JsonObject() : (JsonObject) payloadValue;
    if (state != State.OPEN) {
      if (!"auth".equals(type)) {
        send(Frames.error(type, id, "UNAUTHENTICATED", "the first message must be auth"));
        ACCESS.info("socket deny [remote: {}, why: {} before auth]", socket.remoteAddress(), "a message");
        close(CLOSE_POLICY, "not authenticated");
        return;
      }
      authenticate(id, payload);
      return;
    }
    handle(type, id, payload);
  }

  private void closeUnlessOpen() {
    if (state != State.OPEN) {
      close(CLOSE_POLICY, "not authenticated");
    }
  }

  private void authenticate(Object id, JsonObject payload) {
    if (!(payload.getValue("token") instanceof String token) || token.isBlank()) {
      refuse(id, "missing token");
      return;
    }
    state = State.AUTHENTICATING;
    tokens.verify(token).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        refuse(id, ar.cause() instanceof Failure f ? f.getMessage() : "invalid token");
        return;
      }
      JsonObject pilot = ar.result();
      String pilotId = pilot.getString("pilot_id");
      SocketCaps.Cap over = caps.authenticated(pilotId);
      if (over != null) {
        ACCESS.info("socket deny [pilot: {}, remote: {}, why: {}]", pilotId, socket.remoteAddress(), over.reason);
        send(Frames.error("auth", id, Frames.TOO_MANY_SOCKETS, over.reason));
        close(SocketCaps.CLOSE_CAP, over.reason);
        return;
      }
      countedPilot = pilotId;
      actor = new JsonObject().put("pilot_id", pilotId).put("role", pilot.getString("role"));
      state = State.OPEN;
      cancel(authTimer);
      authTimer = -1;
      armExpiry(pilot.getLong("valid_until_ms", Long.MAX_VALUE));
      ACCESS.info("socket allow [pilot: {}, role: {}, remote: {}]", actor.getString("pilot_id"),
        actor.getString("role"), socket.remoteAddress());
      send(Frames.reply("auth", id, actor.copy()));
      updateInput();
    });
  }

  /**
   * Closes the socket when its token expires. The timer runs in steps of at most
   * {@value #EXPIRY_STEP_MS} ms, each checking the wall clock: however far the expiry, it is armed,
   * and a clock that moves is caught up with at the next step.
   */
  private void armExpiry(long validUntilMs) {
    expiryTimer = vertx.setTimer(nextExpiryCheck(validUntilMs, System.currentTimeMillis()), t -> {
      expiryTimer = -1;
      if (state != State.OPEN) {
        return;
      }
      if (nextExpiryCheck(validUntilMs, System.currentTimeMillis()) == 0) {
        close(CLOSE_POLICY, "token expired");
      } else {
        armExpiry(validUntilMs);
      }
    });
  }

  /** 0 = the token has expired at {@code nowMs}; otherwise the delay to the next check (1 ms .. one step). */
  static long nextExpiryCheck(long validUntilMs, long nowMs) {
    if (nowMs >= validUntilMs) {
      return 0;
    }
    return Math.min(EXPIRY_STEP_MS, validUntilMs - nowMs);
  }

  private void refuse(Object id, String why) {
    ACCESS.info("socket deny 401 [remote: {}, why: {}]", socket.remoteAddress(), why);
    send(Frames.error("auth", id, "UNAUTHENTICATED", why));
    close(CLOSE_POLICY, "unauthenticated");
  }

  /** Every request type here is a read, open to any role (VIEWER and up). */
  private void handle(String type, Object id, JsonObject payload) {
    switch (type) {
      case "auth" -> send(Frames.error(type, id, "BAD_REQUEST", "already authenticated"));
      case "subscribe" -> subscribe(id, payload);
      case "unsubscribe" -> {
        unsubscribe();
        send(Frames.reply(type, id, new JsonObject().put("subscribed", false)));
      }
      case "get_pending" -> pending(id, payload);
      case "get_metrics" -> forward(type, id, Addresses.STORE_INTERVENTION_METRICS, new JsonObject());
      case "request_detail" -> {
        if (!(payload.getValue("request_id") instanceof String requestId) || requestId.isEmpty()) {
          send(Frames.error(type, id, "BAD_REQUEST", "request_id must be a non-empty string"));
        } else {
          forward(type, id, Addresses.STORE_INTERVENTION_GET, new JsonObject().put("request_id", requestId));
        }
      }
      default -> send(Frames.error(type, id, Frames.UNKNOWN_MESSAGE, "unknown message type"));
    }
  }

  /** As the HTTP pending list's query: {@code pilot_id} what it can act on, {@code assignee} what it claimed. */
  private static final Set<String> PENDING_FIELDS = Set.of("pilot_id", "assignee", "limit", "offset");

  private void pending(Object id, JsonObject payload) {
    JsonObject params = new JsonObject();
    for (Map.Entry<String, Object> field : payload) {
      String name = field.getKey();
      Object value = field.getValue();
      if (!PENDING_FIELDS.contains(name)) {
        send(Frames.error("get_pending", id, "BAD_REQUEST", "unknown field '" + name + "'"));
        return;
      }
      if (value instanceof String || value instanceof Integer || value instanceof Long) {
        params.put(name, value.toString());
      } else if (value != null) {
        send(Frames.error("get_pending", id, "BAD_REQUEST", name + " must be a string or an integer"));
        return;
      }
    }
    forward("get_pending", id, Addresses.STORE_INTERVENTION_PENDING, params);
  }

  /** A read through the store, as the HTTP gateway makes it: the reply's {@code data} is the answer. */
  private void forward(String type, Object id, String address, JsonObject params) {
    JsonObject request = StoreMessage.query(Operation.Actor.read(actor.getMap()), params.getMap()).toJson();
    unanswered++;
    bus.request(address, request).onComplete(ar -> {
      unanswered--;
      if (state == State.CLOSED) {
        return;
      }
      if (ar.succeeded()) {
        Object data = ar.result().getValue("data");
        send(Frames.reply(type, id, "get_pending".equals(type) ? PendingPage.fit(data, config.maxReplyBytes()) : data));
      } else {
        send(Frames.error(type, id, BusClient.toFailure(address, ar.cause())));
      }
      updateInput();
    });
  }

  // ---- subscription

  private void subscribe(Object id, JsonObject payload) {
    Object after = payload.getValue("after");
    if (after != null && !EventIds.valid(after)) {
      send(Frames.error("subscribe", id, "BAD_REQUEST", "after must be an event id like 1764072000000-0"));
      return;
    }
    endReplay();
    int gen = generation;
    subscribed = true;
    clearHeld();
    fanout.subscribe(this);
    if (after == null) {
      send(Frames.reply("subscribe", id, new JsonObject().put("subscribed", true).put("replayed", 0)));
      return;
    }
    replaying = true;
    gauge.replayStarted();
    replay(gen, (String) after, 0).onComplete(ar -> {
      gauge.replayEnded();
      if (gen != generation || state == State.CLOSED) {
        return;
      }
      replaying = false;
      if (ar.failed()) {
        unsubscribe();
        send(Frames.error("subscribe", id, BusClient.toFailure(Addresses.EVENTS_READ, ar.cause())));
        return;
      }
      Replayed done = ar.result();
      replayedUpTo = done.lastId();
      send(Frames.reply("subscribe", id, new JsonObject().put("subscribed", true)
        .put("replayed", done.count()).put("last_event_id", done.lastId())));
      List<Push> live = new ArrayList<>(held);
      long dropped = heldDropped;
      boolean overflowed = heldOverflowed;
      clearHeld();
      if (overflowed) {
        gauge.resynced();
        send(Frames.resync(dropped));
        return;
      }
      for (Push push : live) {
        if (!replayedAlready(push)) {
          deliver(push, push.bytes());
        }
      }
    });
  }

  private record Replayed(String lastId, long count) {
  }

  /**
   * Pages {@code events.read} after {@code after}, writing each event, until the log has no more.
   * Reading a page and writing it out is done in turns of the node's {@link ReplayTurns} line: a
   * replay that must wait for its client to drain gives its turn up and asks again once it may go
   * on, so a client that does not read holds no turn. A replay ended while it waits in line leaves
   * it and never reads.
   */
  private Future<Replayed> replay(int gen, String after, long count) {
    return takeTurn(gen)
      .compose(turn -> bus.request(Addresses.EVENTS_READ, new JsonObject().put("after", after).put("count", REPLAY_PAGE)
          .put("max_bytes", config.replayPageBytes()))
        .onFailure(err -> turn.done())
        .compose(page -> {
          JsonArray events = page.getJsonArray("events", new JsonArray());
          return writeReplayed(gen, events, 0, turn).map(v -> page);
        }))
      .compose(page -> {
        if (gen != generation || state == State.CLOSED) {
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
      if (gen != generation || state == State.CLOSED) {
        ticket.done();
        return Future.failedFuture("replay ended");
      }
      return Future.succeededFuture(ticket);
    });
  }

  /**
   * Writes {@code events} from {@code from} on, one at a time while at most half the write budget is
   * in flight; past that it gives up its turn, waits for the socket to drain and takes a new turn.
   * In flight: at most half the budget plus one event. Ends its turn when it ends.
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
      if (gen != generation || state == State.CLOSED) {
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
      write(push.frame(), push.bytes());
    }
    turn.done();
    return Future.succeededFuture();
  }

  private void unsubscribe() {
    endReplay();
    subscribed = false;
    clearHeld();
    fanout.unsubscribe(this);
  }

  /**
   * Ends the replay in progress, if any: a new generation makes it stop at its next step, and a
   * replay waiting for the socket to drain is woken now (with a failure), so neither it nor the
   * page of events it holds outlives this call.
   */
  private void endReplay() {
    generation++;
    replaying = false;
    replayedUpTo = null;
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

  /** A live push from the node's fan-out. */
  void push(Push push, int bytes) {
    if (state != State.OPEN || !subscribed) {
      return;
    }
    if (replaying) {
      hold(push, bytes);
      return;
    }
    if (replayedAlready(push)) {
      return;
    }
    deliver(push, bytes);
  }

  private boolean replayedAlready(Push push) {
    return replayedUpTo != null && Push.EVENT.equals(push.type()) && push.eventId() != null
      && EventIds.compare(push.eventId(), replayedUpTo) <= 0;
  }

  /** During a replay: kept for after it, up to the write budget's worth; past that all are dropped. */
  private void hold(Push push, int bytes) {
    if (!heldOverflowed && heldBytes + bytes > budget.limit()) {
      heldDropped += held.size();
      held.clear();
      heldBytes = 0;
      heldOverflowed = true;
    }
    if (heldOverflowed) {
      heldDropped++;
    } else {
      held.add(push);
      heldBytes += bytes;
    }
  }

  private void clearHeld() {
    held.clear();
    heldBytes = 0;
    heldOverflowed = false;
    heldDropped = 0;
  }

  private void deliver(Push push, int bytes) {
    if (budget.admitPush(bytes)) {
      writeReserved(push.frame(), bytes);
      return;
    }
    if (overflowTimer < 0) {
      LOG.info("slow socket: dropping pushes [pilot: {}, queued_bytes: {}]", actor.getString("pilot_id"), budget.inFlight());
      overflowTimer = vertx.setTimer(OVERFLOW_CLOSE_MS, t -> {
        overflowTimer = -1;
        if (budget.overflowed()) {
          close(CLOSE_POLICY, "socket too slow");
        }
      });
    }
    if (budget.resyncDue()) {
      sendResync();
    }
  }

  // ---- outgoing

  private void send(String frame) {
    write(frame, WriteBudget.utf8Length(frame));
  }

  private void write(String frame, long bytes) {
    budget.reserve(bytes);
    writeReserved(frame, bytes);
  }

  private void writeReserved(String frame, long bytes) {
    gauge.queued(budget.inFlight());
    Future<Void> writing = socket.write(frame);
    lastWrite = writing;
    writing.onComplete(ar -> written(bytes));
  }

  private void written(long bytes) {
    budget.release(bytes);
    if (state == State.OPEN && budget.resyncDue()) {
      sendResync();
    }
    if (drained != null && budget.belowHalf()) {
      Promise<Void> waiting = drained;
      drained = null;
      waiting.complete();
    }
    if (state != State.CLOSED) {
      updateInput();
    }
  }

  private void sendResync() {
    long dropped = budget.resynced();
    cancel(overflowTimer);
    overflowTimer = -1;
    gauge.resynced();
    LOG.info("slow socket drained: resync [pilot: {}, dropped: {}]", actor.getString("pilot_id"), dropped);
    send(Frames.resync(dropped));
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

  // ---- closing

  private void close(int code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    boolean paused = heldBack && pausable;
    cleanUp();
    if (paused) {
      // read again, so the client's answer to the close frame is seen (what else it sent is ignored)
      socket.resume();
    }
    if (polling) {
      // SockJS drops what a polling client has not fetched yet when the session closes: close once
      // the last frame (the error that says why) has been handed to a poll, or after a while anyway
      Future<Void> flushed = lastWrite;
      long timer = vertx.setTimer(POLLING_FLUSH_MS, t -> closer.close(socket, code, reason));
      flushed.onComplete(ar -> {
        if (vertx.cancelTimer(timer)) {
          closer.close(socket, code, reason);
        }
      });
      return;
    }
    closer.close(socket, code, reason);
  }

  private void closed() {
    if (state != State.CLOSED) {
      cleanUp();
    }
  }

  private void cleanUp() {
    state = State.CLOSED;
    gauge.closed();
    if (countedAddress != null) {
      caps.closed(countedAddress, countedPilot);
      countedAddress = null;
      countedPilot = null;
    }
    unsubscribe();
    cancel(authTimer);
    cancel(expiryTimer);
    cancel(overflowTimer);
    inbox.clear();
    inboxBytes = 0;
    if (heldBack) {
      heldBack = false;
      gauge.heldBack(-1);
    }
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  long peakQueuedBytes() {
    return budget.peak();
  }
}
