package io.chameleon.broadcast.redis;

import io.vertx.core.Vertx;
import java.util.List;

/**
 * Probes Redis while the log cannot use it: a PING after 100 ms, then after a delay doubling up to
 * 2 s. Each PING's answer is awaited without a bound — a stalled Redis answers the moment it
 * resumes — and at most {@link #OUTSTANDING} wait at a time, since each holds a pooled connection.
 * The first answer calls {@code onAnswer}; {@link #stop()} when the log is back.
 */
final class Reconnect {

  static final long FIRST_MS = 100;
  static final long MAX_MS = 2000;
  private static final int OUTSTANDING = 2;

  private final Vertx vertx;
  private final RedisCalls calls;
  private final Runnable onAnswer;
  private long timer = -1;
  private long delay = FIRST_MS;
  private int outstanding;

  Reconnect(Vertx vertx, RedisCalls calls, Runnable onAnswer) {
    this.vertx = vertx;
    this.calls = calls;
    this.onAnswer = onAnswer;
  }

  /** Starts probing, unless it is already. */
  void start() {
    if (timer < 0) {
      timer = vertx.setTimer(delay, t -> probe());
    }
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    delay = FIRST_MS;
  }

  private void probe() {
    if (outstanding < OUTSTANDING) {
      outstanding++;
      calls.counted(calls.api.ping(List.of())).onComplete(pong -> {
        outstanding--;
        if (pong.succeeded() && timer >= 0) {
          onAnswer.run();
        }
      });
    }
    delay = Math.min(delay * 2, MAX_MS);
    timer = vertx.setTimer(delay, t -> probe());
  }
}
