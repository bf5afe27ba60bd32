package io.chameleon.snapshot;

import io.chameleon.bus.EventId;
import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots in Redis, under the configured key prefix: the body in chunk keys
 * {@code <prefix>snapshot:<part>:<ms>-<seq>:<n>} (strings of at most {@link #MAX_VALUE_BYTES}, so
 * a body may be larger than one Redis value can be), the header with the chunk count under
 * {@code <prefix>snapshot:<part>:<ms>-<seq>}, and a sorted set {@code <prefix>snapshots:<part>} of
 * the ids listed. Chunks are written with an expiry and made permanent in the same transaction
 * that writes the header and the index, so a save cut short is never listed and leaves nothing
 * behind for long. Every command is bounded by {@code timeoutMs}: past it, or on any Redis error,
 * the call fails with a 503 {@link Failure} naming Redis (never the URL, which may hold a
 * password).
 */
public final class RedisSnapshotStore implements SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSnapshotStore.class);

  static final int MAX_VALUE_BYTES = 4 << 20;
  /** How long the chunks of a save that never committed (a crash) stay in Redis. */
  private static final long UNCOMMITTED_TTL_MS = 3_600_000;

  private final Vertx vertx;
  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;

  public RedisSnapshotStore(Vertx vertx, Redis client, String keyPrefix, long timeoutMs) {
    this.vertx = vertx;
    this.redis = client;
    this.prefix = keyPrefix;
    this.timeoutMs = timeoutMs;
  }

  /** A save in progress: its keys, and the body's size and checksum so far. */
  private static final class Upload {
    final String key;
    final BodyChecksum body = new BodyChecksum();
    int chunks;

    Upload(String key) {
      this.key = key;
    }
  }

  @Override
  public Future<SnapshotHeader> save(SnapshotHeader header, Iterator<byte[]> chunks) {
    String part = FileSnapshotStore.checkedPart(header.part());
    Upload upload = new Upload(key(part, header.covers().id()));
    // a snapshot already saved at this event is replaced: unlisted and deleted first
    return forget(part, header.covers().id())
      .compose(v -> upload(upload, chunks)
        .recover(err -> discard(upload).transform(ignored -> Future.failedFuture(err))))
      .compose(v -> commit(header, upload))
      .compose(stored -> prune(part)
        .recover(err -> {
          LOG.warn("[part: {}, error: {}] older snapshots not deleted", part, err.getMessage());
          return Future.succeededFuture();
        })
        .map(stored));
  }

  /** Pulls a chunk on a worker thread, stores it, then the next: one chunk in memory at a time. */
  private Future<Void> upload(Upload upload, Iterator<byte[]> chunks) {
    return vertx.executeBlocking(() -> {
      if (!chunks.hasNext()) {
        return null;
      }
      byte[] chunk = chunks.next();
      upload.body.add(chunk);
      return chunk;
    }).compose(chunk -> chunk == null ? Future.succeededFuture()
      : store(upload, chunk, 0).compose(v -> upload(upload, chunks)));
  }

  private Future<Void> store(Upload upload, byte[] chunk, int from) {
    if (from >= chunk.length) {
      return Future.succeededFuture();
    }
    int to = Math.min(chunk.length, from + MAX_VALUE_BYTES);
    byte[] value = from == 0 && to == chunk.length ? chunk : Arrays.copyOfRange(chunk, from, to);
    Request set = Request.cmd(Command.SET).arg(upload.key + ":" + upload.chunks++).arg(value)
      .arg("PX").arg(UNCOMMITTED_TTL_MS);
    return send("SET", set).compose(reply -> store(upload, chunk, to));
  }

  /** Best effort: a failed save's chunks would expire anyway. */
  private Future<Void> discard(Upload upload) {
    if (upload.chunks == 0) {
      return Future.succeededFuture();
    }
    Request unlink = Request.cmd(Command.UNLINK);
    for (int n = 0; n < upload.chunks; n++) {
      unlink.arg(upload.key + ":" + n);
    }
    return send("UNLINK", unlink).mapEmpty();
  }

  /** Makes the chunks permanent and lists the snapshot, in one transaction. */
  private Future<SnapshotHeader> commit(SnapshotHeader header, Upload upload) {
    SnapshotHeader stored = header.withBody(upload.body.bytes, upload.body.hex());
    List<Request> transaction = new ArrayList<>();
    transaction.add(Request.cmd(Command.MULTI));
    for (int n = 0; n < upload.chunks; n++) {
      transaction.add(Request.cmd(Command.PERSIST).arg(upload.key + ":" + n));
    }
    transaction.add(Request.cmd(Command.SET).arg(upload.key)
      .arg(stored.toJson().put("chunks", upload.chunks).encode()));
    transaction.add(Request.cmd(Command.ZADD).arg(index(header.part()))
      .arg(header.covers().eventId().ms()).arg(header.covers().id()));
    transaction.add(Request.cmd(Command.EXEC));
    return batch("MULTI/EXEC", transaction).compose(replies -> {
      Response exec = replies.get(replies.size() - 1);
      for (int n = 0; n < upload.chunks; n++) {
        if (exec == null || exec.get(n).toInteger() != 1) {
          // a chunk expired before the commit: the listing must go again
          Failure lost = Failure.unavailable("snapshot store: Redis lost chunk " + n + " of "
            + upload.key + " before it was committed");
          return forget(header.part(), header.covers().id())
            .transform(v -> Future.failedFuture(lost));
        }
      }
      LOG.info("[key: {}, bytes: {}, chunks: {}] snapshot saved", upload.key, stored.bytes(),
        upload.chunks);
      return Future.succeededFuture(stored);
    });
  }

  /** Unlists the snapshot of {@code part} at {@code id} and deletes its header and chunks. */
  private Future<Void> forget(String part, String id) {
    String key = key(part, id);
    return send("GET", Request.cmd(Command.GET).arg(key)).compose(reply -> {
      int chunks = reply == null ? 0 : chunkCount(reply.toString());
      List<Request> transaction = new ArrayList<>();
      transaction.add(Request.cmd(Command.MULTI));
      transaction.add(Request.cmd(Command.ZREM).arg(index(part)).arg(id));
      Request unlink = Request.cmd(Command.UNLINK).arg(key);
      for (int n = 0; n < chunks; n++) {
        unlink.arg(key + ":" + n);
      }
      transaction.add(unlink);
      transaction.add(Request.cmd(Command.EXEC));
      return batch("MULTI/EXEC", transaction).mapEmpty();
    });
  }

  /** The chunk count a stored header names; 0 when unreadable (its chunks then expire or stay). */
  private static int chunkCount(String header) {
    try {
      Integer chunks = new JsonObject(header).getInteger("chunks");
      return chunks == null ? 0 : chunks;
    } catch (DecodeException | ClassCastException e) {
      return 0;
    }
  }

  /** Forgets the snapshots of {@code part} older than its {@link #KEPT} newest complete ones. */
  private Future<Void> prune(String part) {
    return newestFirst(part).compose(complete -> {
      if (complete.size() < KEPT) {
        return Future.succeededFuture();
      }
      EventId oldestKept = complete.get(KEPT - 1).covers().eventId();
      return ids(part).compose(ids -> {
        Future<Void> done = Future.succeededFuture();
        for (EventId id : ids) {
          if (oldestKept.isAfter(id)) {
            done = done.compose(v -> forget(part, id.toString()))
              .onSuccess(v -> LOG.info("[part: {}, id: {}] older snapshot deleted", part, id));
          }
        }
        return done;
      });
    });
  }

  // ---- listing and reading

  /** The ids listed for {@code part}, newest first; a member that is not an id is skipped. */
  private Future<List<EventId>> ids(String part) {
    return send("ZRANGE", Request.cmd(Command.ZRANGE).arg(index(part)).arg(0).arg(-1))
      .map(reply -> {
        List<EventId> ids = new ArrayList<>();
        for (Response member : reply) {
          try {
            ids.add(EventId.parse(member.toString()));
          } catch (IllegalArgumentException e) {
            LOG.warn("[key: {}, member: {}] not a snapshot id, skipped", index(part), member);
          }
        }
        ids.sort(Comparator.reverseOrder());
        return ids;
      });
  }

  @Override
  public Future<List<SnapshotHeader>> newestFirst(String part) {
    FileSnapshotStore.checkedPart(part);
    return ids(part).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      List<Request> gets = new ArrayList<>();
      ids.forEach(id -> gets.add(Request.cmd(Command.GET).arg(key(part, id.toString()))));
      return batch("GET", gets).map(replies -> {
        List<SnapshotHeader> headers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          SnapshotHeader header = header(part, ids.get(i), replies.get(i));
          if (header != null) {
            headers.add(header);
          }
        }
        return headers;
      });
    });
  }

  private SnapshotHeader header(String part, EventId id, Response reply) {
    String key = key(part, id.toString());
    if (reply == null) {
      LOG.warn("[key: {}] snapshot listed without its header, skipped", key);
      return null;
    }
    try {
      JsonObject json = new JsonObject(reply.toString());
      SnapshotHeader header = SnapshotHeader.fromJson(json);
      if (!header.part().equals(part) || !header.covers().eventId().equals(id)
        || json.getInteger("chunks") == null) {
        throw new IllegalArgumentException("it names " + header.part() + " at "
          + header.covers().id());
      }
      return header;
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      LOG.warn("[key: {}, error: {}] snapshot skipped: unreadable header", key, e.getMessage());
      return null;
    }
  }

  @Override
  public Future<Void> read(SnapshotHeader header, Consumer<byte[]> chunk) {
    String key = key(FileSnapshotStore.checkedPart(header.part()), header.covers().id());
    return send("GET", Request.cmd(Command.GET).arg(key)).compose(reply -> {
      if (reply == null) {
        return Future.failedFuture(new IllegalStateException("snapshot " + key + " is gone"));
      }
      int chunks = chunkCount(reply.toString());
      BodyChecksum body = new BodyChecksum();
      Future<Void> done = chunks == 0 ? Future.succeededFuture()
        : readFrom(key, 0, chunks, chunk(key, 0), body, header, chunk);
      return done.compose(v -> vertx.executeBlocking(() -> {
        body.verify(header, key);
        return null;
      }));
    });
  }

  /**
   * Hands chunk {@code n} over on a worker thread while chunk {@code n + 1} is fetched: at most
   * two chunks in memory.
   */
  private Future<Void> readFrom(String key, int n, int chunks, Future<byte[]> fetching,
                                BodyChecksum body, SnapshotHeader header, Consumer<byte[]> chunk) {
    return fetching.compose(bytes -> {
      if (bytes == null) {
        return Future.failedFuture(new IllegalStateException("snapshot " + key + ": chunk " + n
          + " of " + chunks + " is missing"));
      }
      Future<byte[]> next = n + 1 < chunks ? chunk(key, n + 1) : null;
      return vertx.executeBlocking(() -> {
        body.add(bytes);
        if (body.bytes > header.bytes()) {
          body.verify(header, key);
        }
        chunk.accept(bytes);
        return null;
      }).compose(v -> next == null ? Future.succeededFuture()
        : readFrom(key, n + 1, chunks, next, body, header, chunk));
    });
  }

  private Future<byte[]> chunk(String key, int n) {
    return send("GET", Request.cmd(Command.GET).arg(key + ":" + n))
      .map(reply -> reply == null ? null : reply.toBytes());
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  // ---- keys and commands

  private String key(String part, String id) {
    return prefix + "snapshot:" + part + ":" + id;
  }

  private String index(String part) {
    return prefix + "snapshots:" + part;
  }

  private Future<Response> send(String command, Request request) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .recover(err -> Future.failedFuture(unavailable(command, err)));
  }

  private Future<List<Response>> batch(String command, List<Request> requests) {
    return redis.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .recover(err -> Future.failedFuture(unavailable(command, err)));
  }

  private Failure unavailable(String command, Throwable err) {
    String why = err instanceof TimeoutException ? "no answer within " + timeoutMs + " ms"
      : withoutCredentials(err.getMessage() == null ? err.getClass().getSimpleName()
        : err.getMessage());
    return Failure.unavailable("snapshot store: Redis " + command + " failed: " + why);
  }

  /** Drops the user and password of any URL in a message. */
  static String withoutCredentials(String message) {
    return message.replaceAll("(?i)(rediss?://)[^@/\\s]*@", "$1");
  }
}
