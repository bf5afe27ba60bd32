package io.chameleon.broadcast.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The writer loop's own connection, leased from the pool and kept: the script calls go out on it
 * in the order they are made and Redis runs them in that order, which is what lets a second batch
 * be sent, chained on the first, before the first is answered (over the pool each call could take
 * another connection and overtake the one before). Opened on first use; dropped when it closes,
 * fails or a call on it gets no answer, and the next call opens a new one. Touched only on the
 * log's context.
 */
final class WriterConnection {

  private final Context context;
  private final Redis redis;
  /** The connection, or its opening; null: none, the next call opens one. */
  private Future<RedisConnection> connection;

  WriterConnection(Context context, Redis redis) {
    this.context = context;
    this.redis = redis;
  }

  /**
   * Sends {@code request} after every request sent before it through this object (the same
   * connection, or after the opening every earlier call waits for too).
   */
  Future<Response> send(Request request) {
    if (connection == null) {
      Future<RedisConnection> opening = redis.connect();
      connection = opening;
      opening.onComplete(opened -> {
        if (opened.failed()) {
          drop(opening);
          return;
        }
        // a cut connection (CLIENT KILL, Redis gone) is not used again
        opened.result().endHandler(v -> context.runOnContext(x -> drop(opening)));
        opened.result().exceptionHandler(err -> context.runOnContext(x -> drop(opening)));
      });
    }
    return connection.compose(conn -> conn.send(request));
  }

  /** Drops the connection (after a call on it got no answer): the next call opens a new one. */
  void drop() {
    if (connection != null) {
      drop(connection);
    }
  }

  private void drop(Future<RedisConnection> which) {
    if (connection != which) {
      return;
    }
    connection = null;
    // back to the pool, which evicts it when it is closed
    which.onSuccess(RedisConnection::close);
  }
}
