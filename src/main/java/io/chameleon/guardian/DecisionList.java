package io.chameleon.guardian;

import java.util.AbstractList;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

/**
 * The decisions of a combination, in order: an immutable list over the array they were made
 * into. {@link #asMaps()} is the same list in the wire form a COMPOSITE's explanation carries,
 * each decision turned into its map only when read (at serialisation), not at every evaluation.
 */
final class DecisionList extends AbstractList<Decision> implements RandomAccess {

  private final Decision[] decisions;
  private final int size;

  /** The first {@code size} decisions of {@code decisions}, an array nobody else writes to. */
  DecisionList(Decision[] decisions, int size) {
    if (size < 0 || size > decisions.length) {
      throw new IndexOutOfBoundsException(size);
    }
    this.decisions = decisions;
    this.size = size;
  }

  @Override
  public Decision get(int index) {
    return decisions[checkIndex(index)];
  }

  @Override
  public int size() {
    return size;
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return index;
  }

  /** Each decision as {@link Decision#toMap()}, read-only, made when read. */
  List<Object> asMaps() {
    return new AsMaps();
  }

  private final class AsMaps extends AbstractList<Object> implements RandomAccess {

    @Override
    public Object get(int index) {
      return Collections.unmodifiableMap(decisions[checkIndex(index)].toMap());
    }

    @Override
    public int size() {
      return size;
    }
  }
}
