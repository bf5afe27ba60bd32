package io.chameleon.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a clustered node knows of the cluster's writer (the node that serves {@code store.*} and
 * {@code events.append}), so that a request for it does not wait the whole bus timeout when the
 * writer has died. Vert.x 5.0.7 does not fail a request whose message cannot be written to a gone
 * node (only a {@code ReplyException} fails a reply early): without this, every request sent to a
 * killed writer, and every one routed to its registrations until Hazelcast drops them, answers
 * only after {@code bus.timeout_ms}, and a client's retry can meet the same fate.
 *
 * <p>The cluster watch tells it who holds the writer lease and which nodes are members. When the
 * holder is not a member, requests in flight to the writer fail at once with 503 (Retry-After,
 * as every 503), and new ones are refused at once until a new holder is known — the lease is
 * then read every {@link #FAST_POLL_MS} ms, so a take-over is seen within that.
 */
public final class WriterPresence implements Shareable {

  /** How often the lease is read while the writer is missing. */
  public static final long FAST_POLL_MS = 100;

  private static final String MAP = "chameleon.node";
  private static final String KEY = "writer_presence";

  private final Set<Promise<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile String holder;
  private volatile String missing;

  WriterPresence() {
  }

  /** Puts a presence on this node (a clustered node, before its verticles are deployed). */
  public static WriterPresence install(Vertx vertx) {
    WriterPresence presence = new WriterPresence();
    vertx.sharedData().<String, WriterPresence>getLocalMap(MAP).put(KEY, presence);
    return presence;
  }

  /** This node's presence, or null on a node that runs alone. */
  public static WriterPresence of(Vertx vertx) {
    return vertx.isClustered() ? vertx.sharedData().<String, WriterPresence>getLocalMap(MAP).get(KEY) : null;
  }

  /** Sends a request for the writer, failing it with 503 as soon as the writer is known to be gone. */
  public <T> Future<T> guard(Supplier<Future<T>> send) {
    String gone = missing;
    if (gone != null) {
      return Future.failedFuture(unavailable(gone));
    }
    Promise<T> answer = Promise.promise();
    inFlight.add(answer);
    send.get().onComplete(done -> {
      inFlight.remove(answer);
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause());
      }
    });
    // the writer may have gone between the check and the add
    String goneMeanwhile = missing;
    if (goneMeanwhile != null && inFlight.remove(answer)) {
      answer.tryFail(unavailable(goneMeanwhile));
    }
    return answer.future();
  }

  /**
   * The node that holds the lease now, as read from Redis or announced locally. A free lease
   * (null) changes nothing: the last holder stays the writer, gone or not, until another takes it.
   */
  public void holderIs(String node, Collection<String> members) {
    if (node != null) {
      holder = node;
    }
    membersAre(members);
  }

  /** The cluster's members now: a holder that is not among them is gone. */
  public void membersAre(Collection<String> members) {
    String node = holder;
    if (node == null || members.contains(node)) {
      missing = null;
      return;
    }
    String why = "the writer node " + node + " left the cluster; a standby takes over";
    missing = why;
    for (Promise<?> answer : inFlight) {
      if (inFlight.remove(answer)) {
        answer.tryFail(unavailable(why));
      }
    }
  }

  /** True while the holder is known to be gone (the lease is then read more often). */
  public boolean writerMissing() {
    return missing != null;
  }

  /** Requests in flight to the writer now. */
  int inFlight() {
    return inFlight.size();
  }

  private static Failure unavailable(String why) {
    return Failure.unavailable(why);
  }
}
