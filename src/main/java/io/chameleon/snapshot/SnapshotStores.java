package io.chameleon.snapshot;

import io.chameleon.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The snapshot store a verticle's configuration asks for: beside the event log — files under
 * {@code <data.dir>/snapshots/} with the file backend, keys under {@code events.redis.key_prefix}
 * with the Redis one — or none when {@code snapshot.every_events} is 0 (or, for the file backend,
 * the configuration names no {@code data.dir}: a verticle deployed on its own, as in tests).
 */
public final class SnapshotStores {

  private SnapshotStores() {
  }

  /** A store (with its own Redis connections, closed with it), or null for none. */
  public static SnapshotStore create(Vertx vertx, JsonObject config) {
    if (everyEvents(config) == 0) {
      return null;
    }
    JsonObject events = config.getJsonObject("events", new JsonObject());
    if (!"redis".equals(events.getString("backend", "file"))) {
      // beside the file log, in the node's data directory; a verticle deployed without one has none
      String dataDir = config.getJsonObject("data", new JsonObject()).getString("dir");
      return dataDir == null ? null : new FileSnapshotStore(vertx, Path.of(dataDir, "snapshots"));
    }
    RedisClients redis = RedisClients.create(vertx, config.getJsonObject("redis", new JsonObject()));
    String prefix = events.getJsonObject("redis", new JsonObject()).getString("key_prefix", "chameleon:");
    return new WithClient(new RedisSnapshotStore(vertx, redis.redis(), prefix, redis.timeoutMs()), redis);
  }

  /** {@code snapshot.every_events}: applied events between two snapshots (0: none). */
  public static long everyEvents(JsonObject config) {
    return config.getJsonObject("snapshot", new JsonObject()).getLong("every_events", 10_000L);
  }

  /** The snapshotter of one part over the configured store. */
  public static <S> Snapshotter<S> snapshotter(Vertx vertx, JsonObject config, String part, Snapshotter.Codec<S> codec) {
    SnapshotStore store = create(vertx, config);
    return store == null ? Snapshotter.off(part, codec)
      : new Snapshotter<>(store, part, codec, everyEvents(config), Clock.systemUTC());
  }

  /** A Redis snapshot store that closes its own connections with it. */
  private record WithClient(SnapshotStore store, RedisClients redis) implements SnapshotStore {

    @Override
    public Future<SnapshotHeader> save(SnapshotHeader header, Iterator<byte[]> chunks) {
      return store.save(header, chunks);
    }

    @Override
    public Future<List<SnapshotHeader>> newestFirst(String part) {
      return store.newestFirst(part);
    }

    @Override
    public Future<Void> read(SnapshotHeader header, Consumer<byte[]> chunk) {
      return store.read(header, chunk);
    }

    @Override
    public Future<Void> close() {
      return store.close().eventually(redis::close);
    }
  }
}
