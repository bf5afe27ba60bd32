package io.chameleon.broadcast.checkpoint;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Checkpoints in a Redis list ({@code <key_prefix>checkpoints}), oldest first. */
public final class RedisCheckpointStore implements CheckpointStore {

  private final RedisAPI api;
  private final String key;

  public RedisCheckpointStore(RedisAPI api, String key) {
    this.api = api;
    this.key = key;
  }

  @Override
  public Future<Void> append(Checkpoint checkpoint) {
    return api.rpush(List.of(key, checkpoint.toJson().encode())).mapEmpty();
  }

  @Override
  public Future<List<Checkpoint>> all() {
    return api.lrange(key, "0", "-1").map(reply -> {
      List<Checkpoint> all = new ArrayList<>();
      if (reply != null) {
        for (Response item : reply) {
          all.add(parse(item));
        }
      }
      return all;
    });
  }

  @Override
  public Future<Checkpoint> newest() {
    return api.lindex(key, "-1").map(reply -> reply == null ? null : parse(reply));
  }

  private Checkpoint parse(Response item) {
    try {
      return Checkpoint.fromJson(new JsonObject(item.toString()));
    } catch (RuntimeException e) {
      throw new IllegalStateException(key + " holds an entry that is not a checkpoint (" + e.getMessage() + ")");
    }
  }
}
