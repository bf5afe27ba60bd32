package io.chameleon.broadcast.file;

import io.chameleon.bus.EventId;
import java.util.Arrays;

/**
 * Where each event of the file log starts: ids and byte offsets in append order, in growable
 * primitive arrays (24 bytes an event), so a read can binary-search its starting point instead of
 * scanning the file. Entries below {@code size} never change once written, and growing copies
 * into new arrays, so a {@link #snapshot()} stays valid while the owner keeps appending.
 */
final class OffsetIndex {

  private long[] ms = new long[1024];
  private long[] seq = new long[1024];
  private long[] offsets = new long[1024];
  private int size;

  /** An index of {@code ms.length} entries read back (IndexFile); the arrays become its own. */
  static OffsetIndex of(long[] ms, long[] seq, long[] offsets) {
    OffsetIndex index = new OffsetIndex();
    index.ms = ms;
    index.seq = seq;
    index.offsets = offsets;
    index.size = ms.length;
    return index;
  }

  /** Adds an event; ids must arrive in increasing order. */
  void add(EventId id, long offset) {
    if (size == ms.length) {
      int grown = Math.max(1024, size * 2);
      ms = Arrays.copyOf(ms, grown);
      seq = Arrays.copyOf(seq, grown);
      offsets = Arrays.copyOf(offsets, grown);
    }
    ms[size] = id.ms();
    seq[size] = id.seq();
    offsets[size] = offset;
    size++;
  }

  int size() {
    return size;
  }

  Snapshot snapshot() {
    return new Snapshot(ms, seq, offsets, size);
  }

  /** A frozen view of the first {@code size} entries. */
  record Snapshot(long[] ms, long[] seq, long[] offsets, int size) {

    EventId id(int position) {
      return new EventId(ms[position], seq[position]);
    }

    long offset(int position) {
      return offsets[position];
    }

    /** The position of the first event strictly after {@code id} ({@code size} when none). */
    int firstAfter(EventId id) {
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (id(mid).compareTo(id) > 0) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return low;
    }

    /** The byte offset of the event {@code id}, or -1 when the index does not hold it. */
    long offsetOf(EventId id) {
      int position = firstAfter(id) - 1;
      return position >= 0 && id(position).equals(id) ? offsets[position] : -1;
    }

    /** The position of the event whose line starts at {@code offset}, or -1. */
    int atOffset(long offset) {
      int found = Arrays.binarySearch(offsets, 0, size, offset);
      return found >= 0 ? found : -1;
    }
  }
}
