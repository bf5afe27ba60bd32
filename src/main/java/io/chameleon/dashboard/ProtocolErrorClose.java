package io.chameleon.dashboard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a client's WebSocket protocol error with the close code RFC 6455 gives it — 1009 for a
 * frame over the transport's size limit, 1002 for reserved bits set, 1007 for a text frame that is
 * not UTF-8 — and then closes the connection in order.
 *
 * <p>Left to Vert.x, such an error closes the TCP connection at once, with the rest of the bad
 * frame still unread: the kernel then answers with a reset, and the client may lose the close
 * frame sent just before it (it sees 1006, no reason). Here the close frame goes out, every byte
 * that follows is discarded, and the connection closes once the input has been quiet for
 * {@value #QUIET_MS} ms (or the client's own close frame arrives), at most {@value #MAX_LINGER_MS}
 * ms later. Vert.x hands text frames on without checking their UTF-8, so Netty's validator is put
 * in front of this handler.
 *
 * <p>Installed on a connection when it asks for the WebSocket upgrade, between the frame decoder
 * and Vert.x's own handler ({@code "handler"}); Vert.x gives no public way to the pipeline, hence
 * the cast to its connection class, checked by the dashboard's socket tests.
 */
final class ProtocolErrorClose extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrorClose.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  static final String NAME = "chameleon-protocol-error-close";
  static final String UTF8_VALIDATOR = "chameleon-utf8-validator";
  /** Vert.x's name for its own handler, the last one of an HTTP or WebSocket connection. */
  private static final String VERTX_HANDLER = "handler";
  static final long QUIET_MS = 200;
  static final long MAX_LINGER_MS = 5_000;
  /** A close frame's reason may be at most 123 bytes. */
  private static final int MAX_REASON_CHARS = 100;

  private boolean closing;
  private long lingerUntilNanos;
  private ScheduledFuture<?> closeTimer;

  /** Puts the validator and this handler on the request's connection, once; false when it cannot. */
  static boolean install(HttpServerRequest request) {
    if (!(request.connection() instanceof ConnectionBase connection)) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("cannot reach the connection's pipeline [class: {}]: socket protocol errors close without their code",
          request.connection() == null ? null : request.connection().getClass().getName());
      }
      return false;
    }
    ChannelPipeline pipeline = connection.channel().pipeline();
    if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
      pipeline.addBefore(VERTX_HANDLER, UTF8_VALIDATOR, new Utf8FrameValidator(false));
      pipeline.addBefore(VERTX_HANDLER, NAME, new ProtocolErrorClose());
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closing) {
      return;
    }
    if (!(cause instanceof CorruptedWebSocketFrameException corrupted)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    closing = true;
    WebSocketCloseStatus status = corrupted.closeStatus();
    LOG.debug("socket protocol error, closing [remote: {}, code: {}, cause: {}]",
      ctx.channel().remoteAddress(), status.code(), corrupted.getMessage());
    ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason(status, corrupted)));
    lingerUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_LINGER_MS);
    closeWhenQuiet(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!closing) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    if (msg instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (closing) {
      closeWhenQuiet(ctx);
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  /** (Re)arms the close: {@value #QUIET_MS} ms after the last input, never past the linger deadline. */
  private void closeWhenQuiet(ChannelHandlerContext ctx) {
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    long leftMs = TimeUnit.NANOSECONDS.toMillis(lingerUntilNanos - System.nanoTime());
    if (leftMs <= 0) {
      ctx.close();
      return;
    }
    closeTimer = ctx.executor().schedule(() -> {
      ctx.close();
    }, Math.min(QUIET_MS, leftMs), TimeUnit.MILLISECONDS);
  }

  private static String reason(WebSocketCloseStatus status, CorruptedWebSocketFrameException cause) {
    if (status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
      return "message over " + DashboardConfig.MAX_MESSAGE_BYTES + " bytes";
    }
    if (status.code() == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code()) {
      return "text frame is not valid UTF-8";
    }
    String text = cause.getMessage() == null ? status.reasonText() : cause.getMessage();
    return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) : text;
  }
}
