package io.chameleon.gateway;

import io.vertx.core.shareddata.Shareable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The open HTTP connections of one node, counted per client address and in all: whether a new one
 * may stay. Over the address's cap it is refused. At the node's cap the oldest connection that is
 * idle (no request in flight) and has never carried an authenticated request makes room for it,
 * so a crowd of idle sockets cannot lock out {@code /health} or a pilot; when every connection is
 * busy or authenticated, the new one is refused. Shared by the gateway instances (event loops) of
 * a node; no Vert.x types, so it is tested on its own.
 */
final class ConnectionGate implements Shareable {

  /** What the gate needs of a connection: a way to close it. */
  interface Closeable {
    void close();
  }

  /** One admitted connection; its flags are set on its own event loop and read by the gate's lock holder. */
  static final class Entry {
    final String address;
    final Closeable connection;
    volatile boolean busy;
    volatile boolean authenticated;
    private boolean released;

    Entry(String address, Closeable connection) {
      this.address = address;
      this.connection = connection;
    }
  }

  enum Refusal { PER_ADDRESS, NODE }

  /** An admission: the entry, or why there is none; {@code evicted} was closed to make room. */
  record Admission(Entry entry, Refusal refusal, Entry evicted) {
  }

  private final int maxConnections;
  private final int maxPerAddress;
  /** Oldest first. */
  private final Set<Entry> open = new LinkedHashSet<>();
  private final Map<String, Integer> perAddress = new HashMap<>();

  /** {@code maxPerAddress == 0}: no cap per address. */
  ConnectionGate(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /** Admits or refuses a new connection; an evicted one is removed here and closed by the caller. */
  synchronized Admission admit(String address, Closeable connection) {
    if (maxPerAddress > 0 && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
      return new Admission(null, Refusal.PER_ADDRESS, null);
    }
    Entry evicted = null;
    if (open.size() >= maxConnections) {
      evicted = idleUnauthenticated();
      if (evicted == null) {
        return new Admission(null, Refusal.NODE, null);
      }
      remove(evicted);
    }
    Entry entry = new Entry(address, connection);
    open.add(entry);
    perAddress.merge(address, 1, Integer::sum);
    return new Admission(entry, null, evicted);
  }

  /** The connection closed (once per entry; an evicted entry is already gone). */
  synchronized void release(Entry entry) {
    remove(entry);
  }

  synchronized int open() {
    return open.size();
  }

  synchronized int open(String address) {
    return perAddress.getOrDefault(address, 0);
  }

  private Entry idleUnauthenticated() {
    for (Iterator<Entry> it = open.iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (!entry.busy && !entry.authenticated) {
        return entry;
      }
    }
    return null;
  }

  private void remove(Entry entry) {
    if (entry.released) {
      return;
    }
    entry.released = true;
    open.remove(entry);
    perAddress.computeIfPresent(entry.address, (a, n) -> n == 1 ? null : n - 1);
  }
}
