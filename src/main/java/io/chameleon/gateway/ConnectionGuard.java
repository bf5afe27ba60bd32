package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one HTTP connection may hold, for one gateway instance (one event loop): the node's
 * {@link ConnectionGate} admits it (caps per node and per client address); a new connection must
 * send a complete request head within {@code http.request_timeout_ms}, a kept-alive one its next
 * head within {@code http.idle_timeout_ms}; a request's body must have arrived within
 * {@code http.request_timeout_ms} of its head (else 408 and the connection closes). Silence on a
 * connection is the server's own idle timeout. A WebSocket, once upgraded, is left to the socket:
 * SockJS's heartbeat (every 25 s) keeps it from looking idle.
 */
final class ConnectionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  enum Shed { PER_ADDRESS, NODE, EVICTED, HEAD_TIMEOUT, BODY_TIMEOUT }

  private final Vertx vertx;
  private final ConnectionGate gate;
  private final long requestTimeoutMs;
  private final long idleTimeoutMs;
  /** This instance's connections; touched on its event loop only. */
  private final Map<HttpConnection, State> states = new HashMap<>();
  private final Map<Shed, Counter> shed = new EnumMap<>(Shed.class);

  private static final class State {
    final ConnectionGate.Entry entry;
    long headTimer = -1;

    State(ConnectionGate.Entry entry) {
      this.entry = entry;
    }
  }

  ConnectionGuard(Vertx vertx, JsonObject http) {
    this.vertx = vertx;
    int max = http.getInteger("max_connections");
    int perAddress = http.getInteger("max_connections_per_address");
    // one gate per node, whatever the number of gateway instances
    this.gate = (ConnectionGate) vertx.sharedData().getLocalMap("chameleon.gateway")
      .computeIfAbsent("connections", k -> {
        warnIfAboveTheFileLimit(max);
        return new ConnectionGate(max, perAddress);
      });
    this.requestTimeoutMs = http.getInteger("request_timeout_ms");
    this.idleTimeoutMs = http.getInteger("idle_timeout_ms");
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      for (Shed reason : Shed.values()) {
        shed.put(reason, registry.counter("chameleon_http_connections_shed", "reason", reason.name().toLowerCase()));
      }
    }
  }

  /** The server's connection handler: admit, or close at once. */
  void onConnection(HttpConnection conn) {
    String address = conn.remoteAddress() == null ? "unknown" : conn.remoteAddress().hostAddress();
    ConnectionGate.Admission admission = gate.admit(address, conn::close);
    if (admission.evicted() != null) {
      count(Shed.EVICTED);
      LOG.debug("idle connection closed to make room [remote: {}]", admission.evicted().address);
      admission.evicted().connection.close();
    }
    if (admission.entry() == null) {
      Shed reason = admission.refusal() == ConnectionGate.Refusal.PER_ADDRESS ? Shed.PER_ADDRESS : Shed.NODE;
      count(reason);
      LOG.debug("connection refused [remote: {}, cap: {}]", address, reason);
      conn.close();
      return;
    }
    State state = new State(admission.entry());
    states.put(conn, state);
    state.headTimer = vertx.setTimer(requestTimeoutMs, id -> headTimedOut(conn));
    conn.closeHandler(v -> {
      State closed = states.remove(conn);
      if (closed != null) {
        vertx.cancelTimer(closed.headTimer);
        gate.release(closed.entry);
      }
    });
  }

  /** First routing step of every request: the head has arrived; the body has its deadline. */
  void onRequest(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection conn = request.connection();
    State state = states.get(conn);
    if (state == null) {
      ctx.next();
      return;
    }
    vertx.cancelTimer(state.headTimer);
    state.entry.busy = true;
    long bodyTimer = vertx.setTimer(requestTimeoutMs, id -> bodyTimedOut(request));
    ctx.addEndHandler(ar -> {
      state.entry.busy = false;
      if (request.isEnded()) {
        vertx.cancelTimer(bodyTimer);
      }
      if (states.get(conn) == state) {
        state.headTimer = vertx.setTimer(idleTimeoutMs, id -> headTimedOut(conn));
      }
    });
    ctx.next();
  }

  /** Routing step after authentication: this connection carries a pilot, so it is never evicted. */
  void onAuthenticated(RoutingContext ctx) {
    State state = states.get(ctx.request().connection());
    if (state != null) {
      state.entry.authenticated = true;
    }
    ctx.next();
  }

  private void headTimedOut(HttpConnection conn) {
    if (states.containsKey(conn)) {
      count(Shed.HEAD_TIMEOUT);
      LOG.debug("no complete request head in time [remote: {}]", conn.remoteAddress());
      conn.close();
    }
  }

  private void bodyTimedOut(HttpServerRequest request) {
    // an upgraded WebSocket's request never "ends"; the socket has its own rules
    if (request.isEnded() || "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      return;
    }
    count(Shed.BODY_TIMEOUT);
    LOG.debug("request body not received in time [remote: {}, method: {}, path: {}]",
      request.remoteAddress(), request.method(), request.path());
    HttpConnection conn = request.connection();
    if (request.response().headWritten()) {
      conn.close();
    } else {
      Envelope.error(request.response().putHeader("Connection", "close"),
          new Failure(408, "request body not received within " + requestTimeoutMs + " ms"))
        .onComplete(v -> conn.close());
    }
  }

  /** The cap is there to keep file handles for the log, Redis and /health: it must sit below the process's limit. */
  private static void warnIfAboveTheFileLimit(int max) {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      if (limit > 0 && max > limit - 256) {
        LOG.warn("http.max_connections is not below the open-file limit: connections may use every file handle"
          + " before the cap [max_connections: {}, open_file_limit: {}]", max, limit);
      }
    }
  }

  private void count(Shed reason) {
    Counter counter = shed.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }
}
