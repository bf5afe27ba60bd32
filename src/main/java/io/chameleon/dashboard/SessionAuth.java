package io.chameleon.dashboard;

import io.chameleon.auth.TokenVerifier;
import io.chameleon.bus.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket's authentication phase (SPEC §7): the first message must be {@code auth} within
 * {@code dashboard.auth_timeout_ms}; its token is checked by the same {@link TokenVerifier} as the
 * HTTP door's, the pilot is counted against its cap, and the socket is then open until it closes or
 * its token expires (a timer in steps of at most {@value #EXPIRY_STEP_MS} ms, each looking at the
 * wall clock, so however far the expiry it is armed, and a clock that moves is caught up with).
 * The session asks it the {@link Phase} and tells it when the socket closes.
 */
final class SessionAuth {

  private static final Logger ACCESS = LoggerFactory.getLogger("chameleon.access");

  /** The longest the token-expiry timer waits before it looks at the clock again. */
  static final long EXPIRY_STEP_MS = 3_600_000;

  enum Phase { AWAITING_AUTH, AUTHENTICATING, OPEN, CLOSED }

  /** What the phase needs of its session. */
  interface Host {
    void send(String frame);

    void close(int code, String reason);

    /** The socket is open: read what waited while the token was checked. */
    void opened();

    Object remoteAddress();
  }

  private final Vertx vertx;
  private final TokenVerifier tokens;
  private final SocketCaps caps;
  private final long timeoutMs;
  private final Host host;
  private Phase phase = Phase.AWAITING_AUTH;
  private JsonObject actor;
  /** The pilot this socket is counted against in {@link #caps}; null while not counted. */
  private String countedPilot;
  private long authTimer = -1;
  private long expiryTimer = -1;

  SessionAuth(Vertx vertx, TokenVerifier tokens, SocketCaps caps, long timeoutMs, Host host) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.caps = caps;
    this.timeoutMs = timeoutMs;
    this.host = host;
  }

  Phase phase() {
    return phase;
  }

  boolean open() {
    return phase == Phase.OPEN;
  }

  boolean closed() {
    return phase == Phase.CLOSED;
  }

  /** The socket's input waits while its token is checked. */
  boolean authenticating() {
    return phase == Phase.AUTHENTICATING;
  }

  /** {@code {pilot_id, role}} once open, else null. */
  JsonObject actor() {
    return actor;
  }

  /** Arms the timer within which {@code auth} must come. */
  void start() {
    authTimer = vertx.setTimer(timeoutMs, id -> {
      authTimer = -1;
      if (phase == Phase.AWAITING_AUTH || phase == Phase.AUTHENTICATING) {
        ACCESS.info("socket deny [remote: {}, why: no auth message in {} ms]", host.remoteAddress(), timeoutMs);
        host.close(DashboardSession.CLOSE_POLICY, "authentication timeout");
      }
    });
  }

  /** A message before the socket is open: only {@code auth} is taken, anything else closes it. */
  void beforeOpen(String type, Object id, JsonObject payload) {
    if (!"auth".equals(type)) {
      host.send(Frames.error(type, id, "UNAUTHENTICATED", "the first message must be auth"));
      ACCESS.info("socket deny [remote: {}, why: {} before auth]", host.remoteAddress(), "a message");
      host.close(DashboardSession.CLOSE_POLICY, "not authenticated");
      return;
    }
    authenticate(id, payload);
  }

  private void authenticate(Object id, JsonObject payload) {
    if (!(payload.getValue("token") instanceof String token) || token.isBlank()) {
      refuse(id, "missing token");
      return;
    }
    phase = Phase.AUTHENTICATING;
    tokens.verify(token).onComplete(ar -> {
      if (phase == Phase.CLOSED) {
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
        ACCESS.info("socket deny [pilot: {}, remote: {}, why: {}]", pilotId, host.remoteAddress(), over.reason);
        host.send(Frames.error("auth", id, Frames.TOO_MANY_SOCKETS, over.reason));
        host.close(SocketCaps.CLOSE_CAP, over.reason);
        return;
      }
      countedPilot = pilotId;
      actor = new JsonObject().put("pilot_id", pilotId).put("role", pilot.getString("role"));
      phase = Phase.OPEN;
      cancel(authTimer);
      authTimer = -1;
      armExpiry(pilot.getLong("valid_until_ms", Long.MAX_VALUE));
      ACCESS.info("socket allow [pilot: {}, role: {}, remote: {}]", actor.getString("pilot_id"),
        actor.getString("role"), host.remoteAddress());
      host.send(Frames.reply("auth", id, actor.copy()));
      host.opened();
    });
  }

  private void refuse(Object id, String why) {
    ACCESS.info("socket deny 401 [remote: {}, why: {}]", host.remoteAddress(), why);
    host.send(Frames.error("auth", id, "UNAUTHENTICATED", why));
    host.close(DashboardSession.CLOSE_POLICY, "unauthenticated");
  }

  private void armExpiry(long validUntilMs) {
    expiryTimer = vertx.setTimer(nextExpiryCheck(validUntilMs, System.currentTimeMillis()), t -> {
      expiryTimer = -1;
      if (phase != Phase.OPEN) {
        return;
      }
      if (nextExpiryCheck(validUntilMs, System.currentTimeMillis()) == 0) {
        host.close(DashboardSession.CLOSE_POLICY, "token expired");
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

  /** The socket is closed: timers off. Returns the pilot it was counted against, or null. */
  String end() {
    phase = Phase.CLOSED;
    cancel(authTimer);
    cancel(expiryTimer);
    authTimer = -1;
    expiryTimer = -1;
    String pilot = countedPilot;
    countedPilot = null;
    return pilot;
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
