package io.chameleon.dashboard;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a session see the WebSocket pings its client sends. Vert.x answers every ping with a pong
 * by itself, outside the session's write budget, and SockJS does not pass pings on; so a client
 * could have the server write pongs as fast as it sends pings. The session counts each ping as a
 * message against its rate cap instead, and a flood closes the socket like any other.
 *
 * <p>SockJS keeps the {@link ServerWebSocket} to itself: it is read from the transport's field
 * ({@code ws} of the raw WebSocket socket, or of a SockJS session's WebSocket listener). Polling
 * transports have no pings, and find none. {@code PingFloodTest} fails if a vertx-web upgrade moves
 * the field.
 */
final class PingGuard {

  private static final Logger LOG = LoggerFactory.getLogger(PingGuard.class);

  private PingGuard() {
  }

  /** Calls {@code onPing} for each ping frame the socket's client sends; false when the socket has no WebSocket. */
  static boolean watch(SockJSSocket socket, Runnable onPing) {
    ServerWebSocket ws = webSocketOf(socket);
    if (ws == null) {
      return false;
    }
    ws.frameHandler(frame -> {
      if (frame.type() == WebSocketFrameType.PING) {
        onPing.run();
      }
    });
    return true;
  }

  static ServerWebSocket webSocketOf(SockJSSocket socket) {
    Object holder = socket;
    if (!(field(holder, "ws") instanceof ServerWebSocket)) {
      // a SockJS session: its WebSocket, if any, is its current transport listener's
      holder = field(socket, "listener");
    }
    return holder != null && field(holder, "ws") instanceof ServerWebSocket ws ? ws : null;
  }

  private static Object field(Object target, String name) {
    for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("cannot read {} of {}: {}", name, type.getName(), e.toString());
        return null;
      }
    }
    return null;
  }
}
