package io.chameleon.broadcast.checkpoint;

import io.chameleon.broadcast.ChainAudit;
import io.chameleon.broadcast.Event;
import io.chameleon.bus.EventId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a chain walk against the signed checkpoints (from the newest accepted rewrite on) and an
 * optional head pinned by the caller: each must be an event of the log with that hash, at that
 * position from the genesis. The first disagreement is reported, naming the checkpoint and why.
 * A checkpoint signed by another key than this node's is counted and left out: it proves nothing
 * to this node (and a forger's own key must not make it fail or pass).
 * Plain Java: the walk calls it on its worker.
 */
public final class CheckpointAudit implements ChainAudit {

  /** A head an auditor pinned earlier: {@code <id>:<hash>}. */
  public record Pin(String id, String hash) {

    /**
     * Parses {@code <id>:<hash>}.
     *
     * @throws IllegalArgumentException when it is not an event id, a colon and 64 lowercase hex
     */
    public static Pin parse(String text) {
      int colon = text.indexOf(':');
      if (colon < 0 || !text.substring(colon + 1).matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("head must be <event id>:<64 lowercase hex hash>");
      }
      return new Pin(EventId.parse(text.substring(0, colon)).toString(), text.substring(colon + 1));
    }
  }

  /** One thing to meet on the walk: a checkpoint (with its number) or the pin. */
  private record Mark(String name, String id, String hash, long count) {
  }

  private final Map<String, Mark> marks = new HashMap<>();
  private final List<Mark> order = new ArrayList<>();
  private final int checkpoints;
  private final int setAside;
  private int otherKeys;
  private String problem;

  /**
   * @param stored every stored checkpoint, oldest first
   * @param pin the caller's pinned head, or null
   * @param key the trusted checkpoint key, or null when checkpoints are off (then any stored
   *     checkpoint is untrusted)
   */
  public CheckpointAudit(List<Checkpoint> stored, Pin pin, CheckpointKey key) {
    int from = 0;
    for (int i = 0; i < stored.size(); i++) {
      if (stored.get(i).rewrite()) {
        from = i; // an operator accepted a rewrite here: older checkpoints describe the old log
      }
    }
    setAside = from;
    checkpoints = stored.size() - from;
    for (int i = from; i < stored.size() && problem == null; i++) {
      Checkpoint checkpoint = stored.get(i);
      String name = "checkpoint #" + (i + 1) + " (id " + checkpoint.id() + ", count " + checkpoint.count() + ")";
      if (key != null && !key.fingerprint().equals(checkpoint.key())) {
        // signed by another key: proves nothing here, so it is neither trusted nor a mismatch (a
        // cluster whose nodes do not share events.checkpoint.key_file; or a forger's own key)
        otherKeys++;
        continue;
      }
      String untrusted = key == null ? "no checkpoint key is configured to check it" : checkpoint.untrustedBy(key);
      if (untrusted != null) {
        problem = name + ": " + untrusted;
      }
      add(new Mark(name, checkpoint.id(), checkpoint.hash(), checkpoint.count()));
    }
    if (pin != null) {
      add(new Mark("the pinned head " + pin.id(), pin.id(), pin.hash(), -1));
    }
  }

  private void add(Mark mark) {
    order.add(mark);
    Mark earlier = marks.putIfAbsent(mark.id(), mark);
    if (earlier != null && problem == null && !earlier.hash().equals(mark.hash())) {
      problem = mark.name() + ": names event " + mark.id() + " with hash " + mark.hash() + ", but "
        + earlier.name() + " names it with hash " + earlier.hash();
    }
  }

  /** Checkpoints checked (from the newest accepted rewrite on). */
  public int checkpoints() {
    return checkpoints - otherKeys;
  }

  /** Checkpoints signed by another key than this node's, not checked. */
  public int otherKeys() {
    return otherKeys;
  }

  /** Older checkpoints set aside by an accepted rewrite. */
  public int setAside() {
    return setAside;
  }

  @Override
  public void see(long position, boolean fromGenesis, Event event) {
    if (problem != null) {
      return;
    }
    Mark mark = marks.remove(event.id());
    if (mark == null) {
      return;
    }
    if (!mark.hash().equals(event.hash())) {
      problem = mark.name() + ": the log's event " + event.id() + " has hash " + event.hash() + ", not "
        + mark.hash() + " (the log was rewritten up to there)";
    } else if (fromGenesis && mark.count() >= 0 && mark.count() != position) {
      problem = mark.name() + ": event " + event.id() + " is the log's event number " + position
        + ", not " + mark.count() + " (events were removed or inserted before it)";
    }
  }

  @Override
  public String finish(long events, boolean fromGenesis, String lastId) {
    if (problem != null) {
      return problem;
    }
    EventId last = EventId.parse(lastId);
    for (Mark mark : order) {
      if (!marks.containsKey(mark.id())) {
        continue;
      }
      if (!EventId.parse(mark.id()).isAfter(last)) {
        return mark.name() + ": the log has no event " + mark.id() + " (removed, or the log was rewritten)";
      }
      return mark.name() + ": the log ends at " + lastId + (fromGenesis ? " after " + events + " events" : "")
        + ", before it (events were removed from its end)";
    }
    return null;
  }
}
