package io.chameleon.store;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A hash table from id to value for what the store never removes (UOWs, their histories,
 * requests), built so that a snapshot can take it on the event loop at almost no cost: ids, their
 * hashes and values sit in arrays (open addressing, linear probing, at most half full; a probe
 * compares hashes before it touches an id) cut into segments,
 * and {@link #copy} shares the segments instead of copying them. A segment shared with a copy is
 * copied by the first put that writes into it (4096 slots, a few microseconds), so the copy keeps
 * the table as it was. Not thread-safe; a {@link Copy} is what another thread may read.
 */
final class EntityTable<V> {

  private static final int SEGMENT_BITS = 12;
  private static final int SEGMENT = 1 << SEGMENT_BITS;

  /** The table as it was when copied: segments of ids and values, empty slots null. */
  static final class Copy {
    private final String[][] ids;
    private final Object[][] values;

    private Copy(String[][] ids, Object[][] values) {
      this.ids = ids;
      this.values = values;
    }

    void forEach(BiConsumer<String, Object> action) {
      for (int segment = 0; segment < ids.length; segment++) {
        String[] segmentIds = ids[segment];
        Object[] segmentValues = values[segment];
        for (int i = 0; i < segmentIds.length; i++) {
          if (segmentIds[i] != null) {
            action.accept(segmentIds[i], segmentValues[i]);
          }
        }
      }
    }
  }

  private String[][] ids;
  private int[][] hashes;
  private Object[][] values;
  /** Per segment: also held by a {@link Copy}, so a write must copy it first. */
  private boolean[] shared;
  private int mask;
  private int size;

  EntityTable() {
    this(0);
  }

  /** A table that holds {@code expected} entries without growing. */
  EntityTable(int expected) {
    allocate(Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1);
  }

  private void allocate(int capacity) {
    int segmentSize = Math.min(capacity, SEGMENT);
    int segments = capacity / segmentSize;
    ids = new String[segments][segmentSize];
    hashes = new int[segments][segmentSize];
    values = new Object[segments][segmentSize];
    shared = new boolean[segments];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  V get(String id) {
    int slot = slot(id);
    return (V) values[slot >>> SEGMENT_BITS][slot & (SEGMENT - 1)];
  }

  /** Puts a value; returns the one it replaced, or null. */
  @SuppressWarnings("unchecked")
  V put(String id, V value) {
    int slot = slot(id);
    int segment = slot >>> SEGMENT_BITS;
    int at = slot & (SEGMENT - 1);
    if (ids[segment][at] == null && 2 * (size + 1) > mask + 1) {
      grow();
      return put(id, value);
    }
    if (shared[segment]) {
      ids[segment] = ids[segment].clone();
      hashes[segment] = hashes[segment].clone();
      values[segment] = values[segment].clone();
      shared[segment] = false;
    }
    if (ids[segment][at] == null) {
      ids[segment][at] = id;
      hashes[segment][at] = id.hashCode();
      size++;
    }
    V old = (V) values[segment][at];
    values[segment][at] = value;
    return old;
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<String, V> action) {
    new Copy(ids, values).forEach((id, value) -> action.accept(id, (V) value));
  }

  /** The table as it is now, for another thread: shares the segments, copies nothing else. */
  Copy copy() {
    Arrays.fill(shared, true);
    return new Copy(ids.clone(), values.clone());
  }

  /** The slot holding {@code id}, or the empty slot where it goes. */
  private int slot(String id) {
    int hash = id.hashCode();
    int mixed = hash * 0x9E3779B9;
    int slot = (mixed ^ (mixed >>> 16)) & mask;
    while (true) {
      int segment = slot >>> SEGMENT_BITS;
      int at = slot & (SEGMENT - 1);
      String held = ids[segment][at];
      if (held == null || hashes[segment][at] == hash && held.equals(id)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void grow() {
    String[][] oldIds = ids;
    Object[][] oldValues = values;
    allocate((mask + 1) * 2);
    for (int segment = 0; segment < oldIds.length; segment++) {
      for (int i = 0; i < oldIds[segment].length; i++) {
        String id = oldIds[segment][i];
        if (id != null) {
          int slot = slot(id);
          ids[slot >>> SEGMENT_BITS][slot & (SEGMENT - 1)] = id;
          hashes[slot >>> SEGMENT_BITS][slot & (SEGMENT - 1)] = id.hashCode();
          values[slot >>> SEGMENT_BITS][slot & (SEGMENT - 1)] = oldValues[segment][i];
        }
      }
    }
  }
}
