package io.chameleon.guardian;

import io.chameleon.bus.BusJson;
import io.chameleon.snapshot.SnapshotHeader;
import io.chameleon.snapshot.SnapshotStore;
import io.chameleon.snapshot.Snapshotter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardian registry as a snapshot's body: one line {@code {name, config}} per named guardian,
 * in an order where every guardian comes after those it refers to, so a restore registers them one
 * by one as the log once did. The body is small (a registry holds configurations, not traffic).
 */
final class GuardianSnapshotCodec implements Snapshotter.Codec<GuardianRegistry> {

  static final String PART = "guardians";
  static final int VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(GuardianSnapshotCodec.class);

  @Override
  public int version() {
    return VERSION;
  }

  @Override
  public GuardianRegistry empty() {
    return new GuardianRegistry();
  }

  @Override
  public Iterator<byte[]> capture(GuardianRegistry registry) {
    // entries are immutable (frozen configs, compiled trees): the list can be written elsewhere
    List<RegisteredGuardian> entries = registry.list();
    return new Iterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public byte[] next() {
        done = true;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (RegisteredGuardian entry : referencedFirst(entries)) {
          String line = new JsonObject().put("name", entry.name())
            .put("config", BusJson.toJson(entry.config())).encode() + "\n";
          body.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        }
        return body.toByteArray();
      }
    };
  }

  @Override
  public Future<GuardianRegistry> restore(SnapshotStore store, SnapshotHeader header) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    return store.read(header, body::writeBytes).map(read -> {
      GuardianRegistry registry = new GuardianRegistry();
      for (String line : body.toString(StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        JsonObject entry = new JsonObject(line);
        try {
          registry.put(entry.getString("name"), BusJson.toPlainObject(entry.getJsonObject("config")));
        } catch (RuntimeException e) {
          // as on a replay: a change that no longer applies is skipped, and said so
          LOG.warn("[guardian: {}] skipped on restore: {}", entry.getString("name"), e.getMessage());
        }
      }
      return registry;
    });
  }

  /** The entries, each after every entry it refers to (the registry never holds a cycle). */
  static List<RegisteredGuardian> referencedFirst(List<RegisteredGuardian> entries) {
    List<RegisteredGuardian> ordered = new ArrayList<>(entries.size());
    Set<String> placed = new HashSet<>();
    List<RegisteredGuardian> left = new ArrayList<>(entries);
    while (!left.isEmpty()) {
      int before = left.size();
      left.removeIf(entry -> {
        boolean ready = entry.guardian().references().stream()
          .allMatch(reference -> placed.contains(reference.name()) || reference.name().equals(entry.name()));
        if (ready) {
          ordered.add(entry);
          placed.add(entry.name());
        }
        return ready;
      });
      if (left.size() == before) {
        ordered.addAll(left); // unreachable for a valid registry; keep them rather than lose them
        break;
      }
    }
    return ordered;
  }
}
