package io.chameleon.bus;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Tip;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the audit events published on {@code events.appended} in chain order, for a verticle
 * that keeps state from them on a node that did not write them (a standby store, a guardian
 * registry, a dashboard). Each event names as its {@code prev_hash} the hash of the one before: an
 * event that does not follow the last one applied shows that something was missed (a bus hiccup,
 * a node that joined or restarted), and the gap is read from the log ({@code events.read}) before
 * going on, instead of going on with a hole. Events at or before the last one applied are dropped
 * (seen twice). A follower that only needs to know of a gap ({@link #noticing}: the dashboard,
 * whose sockets then replay for themselves) does not read it. Touched only on its owner's context.
 */
public final class ChainFollower {

  /** Events that arrive while a gap is read are kept, up to this many; past it the read goes on to the end. */
  static final int MAX_ARRIVED = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(ChainFollower.class);

  private final BusClient bus;
  private final Consumer<JsonObject> apply;
  private final Consumer<Tip> onGap;
  private final List<JsonObject> arrived = new ArrayList<>();
  private Tip tip;
  private boolean reading;
  private long gaps;

  /**
   * @param from the newest event the owner's state already covers
   * @param apply gets every event after it, once, in log order
   * @param onGap told the tip where a gap was found, before the gap is read
   */
  public ChainFollower(BusClient bus, Tip from, Consumer<JsonObject> apply, Consumer<Tip> onGap) {
    this.bus = bus;
    this.tip = from;
    this.apply = apply;
    this.onGap = onGap;
  }

  /**
   * A follower that starts at the first event it is given and, at a gap, tells {@code onGap} and
   * goes on from the event that showed it, without reading what was missed.
   */
  public static ChainFollower noticing(Consumer<JsonObject> apply, Consumer<Tip> onGap) {
    return new ChainFollower(null, null, apply, onGap);
  }

  /** One published event. */
  public void published(JsonObject event) {
    if (reading) {
      if (arrived.size() < MAX_ARRIVED) {
        arrived.add(event);
      }
      return;
    }
    String id = event.getString("id");
    if (id == null || tip != null && compare(id, tip.id()) <= 0) {
      return;
    }
    if (tip == null || tip.hash().equals(event.getString("prev_hash"))) {
      take(event);
      return;
    }
    gaps++;
    if (bus == null) {
      onGap.accept(tip);
      take(event);
      return;
    }
    LOG.info("[after: {}, got: {}] events were missed; reading them from the log", tip.id(), id);
    onGap.accept(tip);
    arrived.add(event);
    readGap();
  }

  /** Reads everything after the tip from the log, then what arrived meanwhile (the already read dropped). */
  private void readGap() {
    reading = true;
    EventReplay.replay(bus, tip, List.of(), event -> {
      if (compare(event.getString("id"), tip.id()) > 0) {
        take(event);
      }
    }).onComplete(done -> {
      reading = false;
      if (done.failed()) {
        // the next published event finds the gap still there and tries again
        LOG.warn("[after: {}] the gap could not be read: {}", tip.id(), done.cause().getMessage());
        arrived.clear();
        return;
      }
      List<JsonObject> pending = new ArrayList<>(arrived);
      arrived.clear();
      pending.forEach(this::published);
    });
  }

  private void take(JsonObject event) {
    tip = new Tip(event.getString("id"), event.getString("hash"));
    apply.accept(event);
  }

  private static int compare(String a, String b) {
    return EventId.parse(a).compareTo(EventId.parse(b));
  }

  /** The newest event applied (null for a {@link #noticing} follower that has seen none yet). */
  public Tip tip() {
    return tip;
  }

  /** Gaps found so far. */
  public long gaps() {
    return gaps;
  }

  /** Whether a gap is being read now. */
  public boolean reading() {
    return reading;
  }
}
