package io.chameleon.dashboard;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a SockJS session with a close code and reason of our own, as the raw WebSocket transport
 * does. Vert.x's SockJS session ignores {@link SockJSSocket#close(int, String)} and always sends
 * {@code c[3000,"Go away!"]}; its private {@code writeClosed(listener, code, reason)} writes the
 * close frame in the framing of whichever transport is receiving (xhr, xhr_streaming, eventsource,
 * htmlfile, jsonp, SockJS's WebSocket), so it is called here, on the transport's context, before
 * the session is closed. A client takes the first close frame it sees; SockJS's own, if it follows
 * on a stream, is ignored.
 *
 * <p>A polling session often has no request waiting at that moment (its last poll carried the
 * frames before the close). Then the close waits for the next receive request: the route calls
 * {@link #polled} right after SockJS registered it, and the frame goes out on it. If none comes
 * within {@value #WAIT_FOR_POLL_MS} ms the session is closed anyway.
 *
 * <p>Vert.x gives no public way to this (hence reflection, on vertx-web 5.0's SockJS internals, found
 * once); when the internals are not found, sessions close with SockJS's own frame and a warning
 * is logged once. {@code SockJsCloseTest} checks each transport. Shared by every gateway instance
 * of the node, as SockJS's session table is.
 */
final class SockJsClose implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(SockJsClose.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  static final long WAIT_FOR_POLL_MS = 5_000;
  private static final Internals INTERNALS = Internals.find();

  /** SockJSSession's listener and transport context fields and its writeClosed(listener, code, reason). */
  private record Internals(Class<?> session, Field listener, Field context, Method writeClosed) {
    static Internals find() {
      try {
        String impl = "io.vertx.ext.web.handler.sockjs.impl.";
        Class<?> session = Class.forName(impl + "SockJSSession");
        Class<?> listenerType = Class.forName(impl + "TransportListener");
        Field listener = session.getDeclaredField("listener");
        Field context = session.getDeclaredField("transportCtx");
        Method writeClosed = session.getDeclaredMethod("writeClosed", listenerType, int.class, String.class);
        listener.setAccessible(true);
        context.setAccessible(true);
        writeClosed.setAccessible(true);
        return new Internals(session, listener, context, writeClosed);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("SockJS internals not found [cause: {}]", e.toString());
        return null;
      }
    }
  }

  private record Closing(SockJSSocket socket, String sessionId, int code, String reason) {
  }

  private final Vertx vertx;
  /** Sessions to close once their next receive request is registered, by session id. */
  private final ConcurrentHashMap<String, Closing> waiting = new ConcurrentHashMap<>();

  private SockJsClose(Vertx vertx) {
    this.vertx = vertx;
  }

  static SockJsClose of(Vertx vertx) {
    LocalMap<String, SockJsClose> map = vertx.sharedData().getLocalMap("chameleon.dashboard");
    SockJsClose fresh = new SockJsClose(vertx);
    SockJsClose existing = map.putIfAbsent("sockjs-close", fresh);
    return existing != null ? existing : fresh;
  }

  /** Whether a SockJS session's close can carry its own code and reason here. */
  static boolean supported() {
    return INTERNALS != null;
  }

  /** Closes {@code socket} with {@code code} and {@code reason}, whatever its transport. */
  void close(SockJSSocket socket, int code, String reason) {
    if (INTERNALS == null || !INTERNALS.session().isInstance(socket)) {
      if (INTERNALS == null && !DashboardSession.isRawWebSocket(socket.uri()) && WARNED.compareAndSet(false, true)) {
        LOG.warn("cannot reach Vert.x's SockJS session: SockJS sessions close with c[3000,\"Go away!\"]");
      }
      socket.close(code, reason); // the raw WebSocket says them itself
      return;
    }
    Closing closing = new Closing(socket, sessionIdOf(socket.uri()), code, reason);
    onTransportContext(socket, () -> attempt(closing));
  }

  /** A receive request of {@code sessionId} has just been registered with SockJS, on this context. */
  void polled(String sessionId) {
    Closing closing = waiting.remove(sessionId);
    if (closing != null) {
      attempt(closing);
    }
  }

  /** On the transport's context: the frame on the receiving request if there is one, else wait for one. */
  private void attempt(Closing closing) {
    if (listenerOf(closing.socket()) != null) {
      writeClosed(closing);
      return;
    }
    if (closing.sessionId() == null) {
      closing.socket().close();
      return;
    }
    waiting.put(closing.sessionId(), closing);
    vertx.setTimer(WAIT_FOR_POLL_MS, t -> {
      if (waiting.remove(closing.sessionId(), closing)) {
        closing.socket().close();
      }
    });
    // a request registered on another context meanwhile may have missed the entry: look again
    if (listenerOf(closing.socket()) != null && waiting.remove(closing.sessionId(), closing)) {
      onTransportContext(closing.socket(), () -> attempt(closing));
    }
  }

  private void writeClosed(Closing closing) {
    Object listener = listenerOf(closing.socket());
    try {
      if (listener != null) {
        INTERNALS.writeClosed().invoke(closing.socket(), listener, closing.code(), closing.reason());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("SockJS close frame not written [cause: {}]", e.toString());
    }
    closing.socket().close();
  }

  private static Object listenerOf(SockJSSocket socket) {
    try {
      return INTERNALS.listener().get(socket);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void onTransportContext(SockJSSocket socket, Runnable action) {
    Context context;
    try {
      context = (Context) INTERNALS.context().get(socket);
    } catch (ReflectiveOperationException | RuntimeException e) {
      context = null;
    }
    if (context == null || context == Vertx.currentContext()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** The session id in a polling transport's URI ({@code /ws/interventions/<server>/<session>/<transport>}), or null. */
  static String sessionIdOf(String uri) {
    if (uri == null || !uri.startsWith(DashboardRoutes.SOCKET_PATH)) {
      return null;
    }
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    return SessionBinding.sessionOf(path.substring(DashboardRoutes.SOCKET_PATH.length()));
  }
}
