package io.chameleon.dashboard;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.Addresses;
import io.chameleon.bus.BusClient;
import io.chameleon.bus.Failure;
import io.chameleon.bus.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dashboard socket (SPEC §7): it wires the socket to the parts that each own one concern and
 * writes what they answer. {@link SessionAuth} owns the authentication phase (the first message
 * must authenticate within the configured time, the token's expiry); {@link RequestForwarder} the
 * reads forwarded to the store ({@code {type, id, payload}} answered with
 * {@code {type, id, success, data|error}}); {@link SessionReplay} and {@link ReplayHandover} the
 * subscription's replay and its hand-over to live pushes, so every event is sent exactly once;
 * {@link WriteBudget} the bytes in flight (pushes past it are dropped and {@code resync} is sent);
 * {@link InputGate} the rate cap and the input held back while the client does not keep up.
 *
 * <p>A socket has at most one subscription: a second {@code subscribe} replaces the first (its
 * replay, if any, ends at once and lets its page go; so do {@code unsubscribe} and closing).
 *
 * <p>Input is read only while the client keeps up: once the bytes written to it and not yet flushed
 * pass the write budget, or {@value WriteBudget#MAX_UNANSWERED} of its requests are forwarded and
 * not yet answered, the socket is paused (on the raw WebSocket transport, where that reaches TCP) or
 * what arrives waits in the gate's inbox (SockJS sessions, whose pause would only queue it in
 * memory; an inbox past the budget closes the socket), until the bytes are back to half the budget
 * and fewer requests are unanswered.
 *
 * <p>Everything here runs on the context of the gateway instance that accepted the socket.
 */
final class DashboardSession {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardSession.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("chameleon.access");

  static final long OVERFLOW_CLOSE_MS = 30_000;
  static final int CLOSE_POLICY = 1008;
  static final int CLOSE_TOO_BIG = 1009;
  /** On a polling transport, a close waits for the last frame to be fetched (at most this long). */
  static final long POLLING_FLUSH_MS = 5_000;

  private final Vertx vertx;
  private final SockJSSocket socket;
  private final DashboardConfig config;
  private final PushFanout fanout;
  private final SocketGauge gauge;
  private final SocketCaps caps;
  private final SockJsClose closer;
  private final WriteBudget budget;
  private final InputGate<Buffer> input;
  private final SessionAuth auth;
  private final RequestForwarder requests;
  private final SessionReplay replay;
  private final ReplayHandover handover;
  /** True on the raw WebSocket transport: there pausing the socket stops reading from TCP. */
  private final boolean pausable;
  private final boolean polling;

  private Future<Void> lastWrite = Future.succeededFuture();
  /** The client address this socket is counted against in {@link #caps}; null while not counted. */
  private String countedAddress;
  private long overflowTimer = -1;
  private boolean subscribed;
  private boolean replaying;

  DashboardSession(Vertx vertx, SockJSSocket socket, DashboardConfig config, TokenVerifier tokens,
                   BusClient bus, PushFanout fanout, SocketGauge gauge, SocketCaps caps, ReplayTurns turns,
                   SockJsClose closer) {
    this.vertx = vertx;
    this.socket = socket;
    this.config = config;
    this.fanout = fanout;
    this.gauge = gauge;
    this.caps = caps;
    this.closer = closer;
    this.budget = new WriteBudget(config.maxQueuedBytes());
    this.input = new InputGate<>(config.maxMessagesPerSecond(), budget.limit() + DashboardConfig.MAX_MESSAGE_BYTES);
    this.auth = new SessionAuth(vertx, tokens, caps, config.authTimeoutMs(), new SessionAuth.Host() {
      @Override
      public void send(String frame) {
        DashboardSession.this.send(frame);
      }

      @Override
      public void close(int code, String reason) {
        DashboardSession.this.close(code, reason);
      }

      @Override
      public void opened() {
        updateInput();
      }

      @Override
      public Object remoteAddress() {
        return socket.remoteAddress();
      }
    });
    this.requests = new RequestForwarder(bus, config.maxReplyBytes(), new RequestForwarder.Replies() {
      @Override
      public void send(String frame) {
        DashboardSession.this.send(frame);
      }

      @Override
      public void answered() {
        updateInput();
      }

      @Override
      public boolean closed() {
        return auth.closed();
      }
    });
    this.replay = new SessionReplay(vertx, bus, turns, budget, config.replayPageBytes(), new SessionReplay.Target() {
      @Override
      public void write(String frame, long bytes) {
        DashboardSession.this.write(frame, bytes);
      }

      @Override
      public boolean closed() {
        return auth.closed();
      }
    });
    this.handover = new ReplayHandover(budget.limit());
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
      auth.end();
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
    auth.start();
  }

  // ---- incoming

  private void onMessage(Buffer frame) {
    if (auth.closed()) {
      return;
    }
    if (frame.length() > DashboardConfig.MAX_MESSAGE_BYTES) {
      close(CLOSE_TOO_BIG, "message over " + DashboardConfig.MAX_MESSAGE_BYTES + " bytes");
      return;
    }
    if (!input.withinRate(System.currentTimeMillis())) {
      rateLimited();
      return;
    }
    if (!input.offer(frame, frame.length())) {
      LOG.info("slow socket: input over the budget while held back [remote: {}, inbox_bytes: {}]",
        socket.remoteAddress(), input.inboxBytes());
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
    if (!auth.closed() && !input.withinRate(System.currentTimeMillis())) {
      rateLimited();
    }
  }

  private void rateLimited() {
    send(Frames.error("error", null, Frames.RATE_LIMITED,
      "more than " + config.maxMessagesPerSecond() + " messages per second"));
    close(CLOSE_POLICY, "message rate limit");
  }

  /** Whether the client's input waits: while it authenticates, or while it does not keep up. */
  private boolean inputHeld() {
    return auth.authenticating() || budget.holdInput(requests.unanswered());
  }

  /**
   * Reads what waits in the inbox, in order, while input is not held back, then pauses or resumes
   * the socket to match. Called after anything that may change the bytes in flight or the requests
   * unanswered.
   */
  private void updateInput() {
    if (auth.closed()) {
      return;
    }
    if (input.startReading()) {
      try {
        while (!auth.closed() && !input.isEmpty() && !inputHeld()) {
          read(input.next());
        }
      } finally {
        input.stopReading();
      }
    }
    if (auth.closed()) {
      return;
    }
    switch (input.update(inputHeld(), System.currentTimeMillis(), pausable)) {
      case HOLD -> {
        gauge.heldBack(1);
        if (pausable) {
          socket.pause();
        }
      }
      case RELEASE -> {
        gauge.heldBack(-1);
        if (pausable) {
          socket.resume();
        }
      }
      default -> {
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
    if (!auth.open()) {
      auth.beforeOpen(type, id, payload);
      return;
    }
    handle(type, id, payload);
  }

  private void closeUnlessOpen() {
    if (!auth.open()) {
      close(CLOSE_POLICY, "not authenticated");
    }
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
      case "get_pending" -> requests.pending(auth.actor(), id, payload);
      case "get_metrics" -> requests.metrics(auth.actor(), id);
      case "request_detail" -> requests.detail(auth.actor(), id, payload);
      default -> send(Frames.error(type, id, Frames.UNKNOWN_MESSAGE, "unknown message type"));
    }
  }

  // ---- subscription

  private void subscribe(Object id, JsonObject payload) {
    Object after = payload.getValue("after");
    if (after != null && !EventIds.valid(after)) {
      send(Frames.error("subscribe", id, "BAD_REQUEST", "after must be an event id like 1764072000000-0"));
      return;
    }
    endReplay();
    subscribed = true;
    fanout.subscribe(this);
    if (after == null) {
      send(Frames.reply("subscribe", id, new JsonObject().put("subscribed", true).put("replayed", 0)));
      return;
    }
    int gen = replay.generation();
    replaying = true;
    gauge.replayStarted();
    replay.run((String) after).onComplete(ar -> {
      gauge.replayEnded();
      if (!replay.current(gen)) {
        return;
      }
      replaying = false;
      if (ar.failed()) {
        unsubscribe();
        send(Frames.error("subscribe", id, BusClient.toFailure(Addresses.EVENTS_READ, ar.cause())));
        return;
      }
      SessionReplay.Replayed done = ar.result();
      ReplayHandover.Release held = handover.finish(done.lastId());
      send(Frames.reply("subscribe", id, new JsonObject().put("subscribed", true)
        .put("replayed", done.count()).put("last_event_id", done.lastId())));
      if (held.overflowed()) {
        gauge.resynced();
        send(Frames.resync(held.dropped()));
        return;
      }
      for (Push push : held.pushes()) {
        if (!handover.replayedAlready(push)) {
          deliver(push, push.bytes());
        }
      }
    });
  }

  private void unsubscribe() {
    endReplay();
    subscribed = false;
    fanout.unsubscribe(this);
  }

  /** Ends the replay in progress, if any, and forgets what it held and covered. */
  private void endReplay() {
    replay.end();
    replaying = false;
    handover.reset();
  }

  /** A live push from the node's fan-out. */
  void push(Push push, int bytes) {
    if (!auth.open() || !subscribed) {
      return;
    }
    if (replaying) {
      handover.hold(push, bytes);
      return;
    }
    if (handover.replayedAlready(push)) {
      return;
    }
    deliver(push, bytes);
  }

  private void deliver(Push push, int bytes) {
    if (budget.admitPush(bytes)) {
      writeReserved(push.frame(), bytes);
      return;
    }
    if (overflowTimer < 0) {
      LOG.info("slow socket: dropping pushes [pilot: {}, queued_bytes: {}]", pilotId(), budget.inFlight());
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
    if (auth.open() && budget.resyncDue()) {
      sendResync();
    }
    replay.written();
    if (!auth.closed()) {
      updateInput();
    }
  }

  private void sendResync() {
    long dropped = budget.resynced();
    cancel(overflowTimer);
    overflowTimer = -1;
    gauge.resynced();
    LOG.info("slow socket drained: resync [pilot: {}, dropped: {}]", pilotId(), dropped);
    send(Frames.resync(dropped));
  }

  private String pilotId() {
    JsonObject actor = auth.actor();
    return actor == null ? null : actor.getString("pilot_id");
  }

  // ---- closing

  private void close(int code, String reason) {
    if (auth.closed()) {
      return;
    }
    boolean paused = input.heldBack() && pausable;
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
    if (!auth.closed()) {
      cleanUp();
    }
  }

  private void cleanUp() {
    String pilot = auth.end();
    gauge.closed();
    if (countedAddress != null) {
      caps.closed(countedAddress, pilot);
      countedAddress = null;
    }
    unsubscribe();
    cancel(overflowTimer);
    if (input.clear()) {
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
