package io.chameleon.guardian;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inline guardian configurations compiled once: an evaluation that sends the same configuration
 * again (a UOW's frozen policy, at every advance) reuses its compiled form. Keyed by a SHA-256 of
 * the configuration, where it sits and the rule id it answers under; the least recently used
 * entry goes when {@code guardian.compiled_cache_size} is reached (0: no cache). One per guardian
 * evaluator instance, used from its event loop only.
 *
 * <p>The hash is not RFC 8785's: the compiled form echoes numbers and key order as given (a rule's
 * {@code expected} 1 vs 1.0, a route table's order), so two configurations share an entry only if
 * every key, in order, and every value with its Java type, are the same.
 */
final class CompiledCache {

  /** The default of {@code guardian.compiled_cache_size}. */
  static final int DEFAULT_SIZE = 256;

  private record Entry(CompiledGuardian compiled, GuardianResolver resolver) {
  }

  private final int capacity;
  private final Map<String, Entry> entries;
  private long compilations;

  CompiledCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative");
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > CompiledCache.this.capacity;
      }
    };
  }

  /**
   * {@link GuardianCompiler#compile(Object, String, GuardianResolver, String)}, or the guardian it
   * compiled before for an equal configuration, path and name against the same registry. A cached
   * one whose named references no longer all resolve is compiled again, to fail as it would.
   */
  CompiledGuardian compile(Object config, String path, GuardianResolver resolver, String defaultName) {
    if (capacity == 0) {
      compilations++;
      return GuardianCompiler.compile(config, path, resolver, defaultName);
    }
    String key = key(config, path, defaultName);
    Entry entry = entries.get(key);
    if (entry != null && entry.resolver() == resolver && resolves(entry.compiled(), resolver)) {
      return entry.compiled();
    }
    entries.remove(key);
    compilations++;
    CompiledGuardian compiled = GuardianCompiler.compile(config, path, resolver, defaultName);
    entries.put(key, new Entry(compiled, resolver));
    return compiled;
  }

  /** How many compilations this cache did not save (for tests and diagnostics). */
  long compilations() {
    return compilations;
  }

  /** How many compiled configurations it holds now. */
  int size() {
    return entries.size();
  }

  private static boolean resolves(CompiledGuardian compiled, GuardianResolver resolver) {
    for (CompiledGuardian.Reference reference : compiled.references()) {
      if (resolver.find(reference.name()) == null) {
        return false;
      }
    }
    return true;
  }

  static String key(Object config, String path, String defaultName) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    text(digest, path);
    text(digest, defaultName);
    value(digest, config);
    return HexFormat.of().formatHex(digest.digest());
  }

  // each value tagged and length-prefixed, so no two different values write the same bytes
  private static void value(MessageDigest digest, Object value) {
    if (value instanceof Map<?, ?> map) {
      tagged(digest, 'm', map.size());
      map.forEach((k, v) -> {
        text(digest, String.valueOf(k));
        value(digest, v);
      });
    } else if (value instanceof List<?> list) {
      tagged(digest, 'l', list.size());
      list.forEach(element -> value(digest, element));
    } else if (value instanceof String text) {
      digest.update((byte) 's');
      text(digest, text);
    } else if (value == null) {
      digest.update((byte) 'z');
    } else {
      digest.update((byte) 'o');
      text(digest, value.getClass().getName());
      text(digest, value.toString());
    }
  }

  private static void text(MessageDigest digest, String text) {
    if (text == null) {
      tagged(digest, 'z', 0);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    tagged(digest, 't', bytes.length);
    digest.update(bytes);
  }

  private static void tagged(MessageDigest digest, char tag, int length) {
    digest.update((byte) tag);
    digest.update((byte) (length >>> 24));
    digest.update((byte) (length >>> 16));
    digest.update((byte) (length >>> 8));
    digest.update((byte) length);
  }
}
