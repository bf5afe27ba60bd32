package io.chameleon.guardian;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A guardian's explanation (a decision's metadata): a small immutable JSON object with its keys in
 * the order given, null values allowed. {@link Decision} keeps one as it is instead of copying it,
 * so a guardian builds its explanation once, as two arrays, rather than a LinkedHashMap that the
 * decision copies into another.
 */
final class Explanation extends AbstractMap<String, Object> {

  private final String[] keys;
  private final Object[] values;

  private Explanation(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  static Explanation of(String k1, Object v1) {
    return new Explanation(new String[] {k1}, new Object[] {v1});
  }

  static Explanation of(String k1, Object v1, String k2, Object v2) {
    return new Explanation(new String[] {k1, k2}, new Object[] {v1, v2});
  }

  static Explanation of(String k1, Object v1, String k2, Object v2, String k3, Object v3) {
    return new Explanation(new String[] {k1, k2, k3}, new Object[] {v1, v2, v3});
  }

  static Explanation of(String k1, Object v1, String k2, Object v2, String k3, Object v3,
                        String k4, Object v4) {
    return new Explanation(new String[] {k1, k2, k3, k4}, new Object[] {v1, v2, v3, v4});
  }

  /** Keys and values side by side; {@code keys} must not repeat a key. Both arrays are kept. */
  static Explanation of(String[] keys, Object[] values) {
    if (keys.length != values.length) {
      throw new IllegalArgumentException("as many values as keys");
    }
    return new Explanation(keys, values);
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }
}
