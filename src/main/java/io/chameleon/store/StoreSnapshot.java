package io.chameleon.store;

import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;
import static io.chameleon.store.SnapshotLines.field;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The store's state as the body of a snapshot, and back. The body is JSON Lines: a first line with
 * the format version and the counts, then one entity per line — {@code {"uow", "history"}},
 * {@code {"request"}}, {@code {"halted"}}, {@code {"idempotency"}} — each in the shape its event
 * carries ({@link SnapshotLines}). {@link #chunks} serialises a {@link StoreState.Capture} lazily,
 * in chunks of whole lines of about {@link #CHUNK_BYTES}, for a worker thread to pull;
 * {@link #restore()} builds a new {@link StoreState} from the body through the code {@code apply}
 * uses for its indexes and metrics, so a body that fails midway leaves only a state to throw away.
 */
public final class StoreSnapshot {

  /** The snapshot part of the store ({@code SnapshotHeader.part}). */
  public static final String PART = "store";
  /** The body format ({@code SnapshotHeader.version}); a body of another version is refused. */
  public static final int VERSION = 1;
  static final int CHUNK_BYTES = 1 << 20;

  private static final JsonFactory JSON = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder()
      .maxStringLength(Integer.MAX_VALUE).build())
    .build();

  private StoreSnapshot() {
  }

  /** The body of a capture, serialised as it is pulled; each chunk ends with a whole line. */
  public static Iterator<byte[]> chunks(StoreState.Capture capture) {
    return new Writer(capture);
  }

  /** A receiver of a body, in pieces cut anywhere; {@link Restore#state()} once all are in. */
  public static Restore restore() {
    return new Restore();
  }

  /** Restores a whole body at once. */
  public static StoreState restore(Iterator<byte[]> chunks) {
    Restore restore = restore();
    chunks.forEachRemaining(restore);
    return restore.state();
  }

  // ---- writing

  /**
   * Writes the lines of a capture in order, up to about a chunk at each {@link #next}: the counts,
   * then the UOWs and the requests oldest first, the halted instances, the idempotency records.
   */
  private static final class Writer implements Iterator<byte[]> {
    private final StoreState.Capture capture;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK_BYTES + 64 * 1024);
    private final JsonGenerator json;
    /** Each UOW's history by its id, joined on the first pull (off the event loop). */
    private Map<Object, Object> histories;
    private Object[][] sections;
    private int section;
    private int slot;

    Writer(StoreState.Capture capture) {
      this.capture = capture;
      try {
        json = JSON.createGenerator(out, JsonEncoding.UTF8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      json.setRootValueSeparator(null);
    }

    /** What the first pull does: on the worker thread, not on the event loop (constructor). */
    private void prepare() {
      Map<Object, Object> byUow = new HashMap<>(capture.uowCount * 2);
      capture.histories.forEach(byUow::put);
      histories = byUow;
      sections = new Object[][] {
        sortedByAge(capture.uows, capture.uowCount, Uow::createdAt),
        sortedByAge(capture.requests, capture.requestCount, InterventionRequest::createdAt),
        capture.halted, capture.idempotency};
    }

    @Override
    public boolean hasNext() {
      return sections == null || section < sections.length;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      try {
        out.reset();
        if (sections == null) {
          prepare();
          SnapshotLines.write(json, obj("version", VERSION, "uows", capture.uowCount,
            "requests", capture.requestCount, "halted", capture.halted.length,
            "idempotency", capture.idempotency.length, "last_event_id", capture.lastEventId));
          endLine();
          section = 0;
        }
        while (out.size() < CHUNK_BYTES && section < sections.length) {
          if (slot < sections[section].length) {
            writeEntity(sections[section][slot++]);
            endLine();
          } else {
            section++;
            slot = 0;
          }
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void endLine() throws IOException {
      json.writeRaw('\n');
      json.flush();
    }

    private void writeEntity(Object entity) throws IOException {
      json.writeStartObject();
      if (entity instanceof Uow uow) {
        json.writeFieldName("uow");
        SnapshotLines.writeUow(json, uow);
        Object history = histories.get(uow.uowId());
        field(json, "history", history == null ? List.of() : history);
      } else if (entity instanceof InterventionRequest request) {
        json.writeFieldName("request");
        SnapshotLines.writeRequest(json, request);
      } else if (entity instanceof HaltedInstance halted) {
        field(json, "halted", halted.toView());
      } else {
        field(json, "idempotency", ((IdempotencyRecord) entity).toState());
      }
      json.writeEndObject();
    }
  }

  /**
   * The entities of a table copy, oldest first (by creation time; ties in table order). The order
   * costs a sort here and saves more in a restore: the indexes it rebuilds are sorted sets mostly
   * ordered by age, and inserting in that order walks the same few paths of their trees instead of
   * a random one in memory each time. The sort is on primitive keys (creation time and position in
   * one long), not on the entities, which are scattered in memory.
   */
  private static <T> Object[] sortedByAge(EntityTable.Copy table, int count,
                                          Function<T, String> createdAt) {
    Object[] entities = new Object[count];
    long[] millis = new long[count];
    int[] n = {0};
    table.forEach((id, entity) -> {
      @SuppressWarnings("unchecked")
      T typed = (T) entity;
      millis[n[0]] = Timestamps.instant(createdAt.apply(typed)).toEpochMilli();
      entities[n[0]++] = entity;
    });
    long oldest = Arrays.stream(millis).min().orElse(0);
    long newest = Arrays.stream(millis).max().orElse(0);
    int positionBits = 64 - Long.numberOfLeadingZeros(Math.max(1, count));
    if (newest - oldest >= 1L << (62 - positionBits)) {
      return entities; // spans too long to pack: unsorted is still correct, only slower to restore
    }
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = (millis[i] - oldest) << positionBits | i;
    }
    Arrays.parallelSort(keys);
    Object[] sorted = new Object[count];
    long position = (1L << positionBits) - 1;
    for (int i = 0; i < count; i++) {
      sorted[i] = entities[(int) (keys[i] & position)];
    }
    return sorted;
  }

  // ---- reading

  /**
   * Builds a new state from a body handed over in pieces cut anywhere (a line may span pieces;
   * a piece is kept until parsed, so it must not be reused). Lines are parsed ahead on the common
   * fork-join pool, a few pieces at most, and applied in order on the caller's thread: parsing is
   * most of a restore's work. Throws {@link IllegalArgumentException} naming the entry on anything
   * it cannot read, and from {@link #state()} when the body ends early; the partial state is then
   * garbage.
   */
  public static final class Restore implements Consumer<byte[]> {
    private static final int AHEAD = 4;

    /** Made by the first line, sized by its counts. */
    private StoreState state;
    /** The start of a line that the next piece completes. */
    private byte[] carry = new byte[0];
    private int carried;
    private final ArrayDeque<CompletableFuture<Batch>> parsing = new ArrayDeque<>();
    private long entries;
    /** The batch last given to the pool. */
    private CompletableFuture<Batch> ahead;
    private long[] expected;
    private final long[] seen = new long[4];

    private Restore() {
    }

    @Override
    public void accept(byte[] piece) {
      int first = indexOf(piece, 0);
      if (first < 0) {
        append(piece, 0, piece.length);
        return;
      }
      int start = 0;
      if (carried > 0) {
        append(piece, 0, first);
        lines(Arrays.copyOf(carry, carried), 0, carried);
        carried = 0;
        start = first + 1;
      }
      int last = lastIndexOf(piece);
      if (last >= start) {
        lines(piece, start, last + 1 - start);
      }
      append(piece, last + 1, piece.length - last - 1);
    }

    /** The restored state, once the whole body was handed over. */
    public StoreState state() {
      while (!parsing.isEmpty()) {
        apply(parsing.poll().join());
      }
      if (carried > 0) {
        throw new IllegalArgumentException("snapshot body ends inside entry " + (entries + 1));
      }
      if (expected == null) {
        throw new IllegalArgumentException("snapshot body is empty");
      }
      long[] held = {state.uowCount(), state.requestCount(), state.haltedCount(),
        state.loggedIdempotencyCount()};
      if (!Arrays.equals(expected, seen) || !Arrays.equals(expected, held)) {
        throw new IllegalArgumentException("snapshot body holds " + Arrays.toString(seen)
          + " uows, requests, halted instances and idempotency records; its first line says "
          + Arrays.toString(expected));
      }
      state.restored();
      return state;
    }

    private static int indexOf(byte[] bytes, int from) {
      for (int i = from; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static int lastIndexOf(byte[] bytes) {
      for (int i = bytes.length - 1; i >= 0; i--) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private void append(byte[] piece, int from, int length) {
      if (carried + length > carry.length) {
        carry = Arrays.copyOf(carry, Math.max(carried + length, carry.length * 2));
      }
      System.arraycopy(piece, from, carry, carried, length);
      carried += length;
    }

    /** Whole lines: the first one (the counts) read here, the others parsed ahead. */
    private void lines(byte[] bytes, int offset, int length) {
      if (expected == null) {
        int end = offset;
        while (end < offset + length && bytes[end] != '\n') {
          end++;
        }
        Batch counts = Batch.parse(bytes, offset, end - offset, true);
        entries++;
        if (counts.failure != null || counts.entities.size() != 1) {
          throw new IllegalArgumentException("snapshot entry 1: " + (counts.failure == null
            ? "not one line of counts" : counts.failure));
        }
        first(map(counts.entities.get(0)));
        int consumed = Math.min(length, end + 1 - offset);
        offset += consumed;
        length -= consumed;
      }
      if (length > 0) {
        int from = offset;
        int size = length;
        if (ahead == null || ahead.isDone()) {
          // the common pool itself: CompletableFuture's default makes a thread per task on 2 cores
          ahead = CompletableFuture.supplyAsync(() -> Batch.parse(bytes, from, size, false),
            ForkJoinPool.commonPool());
          parsing.add(ahead);
        } else {
          // the pool is still at the last batch it took (on 2 cores it has one thread): this
          // thread parses this one rather than wait for it
          parsing.add(CompletableFuture.completedFuture(Batch.parse(bytes, from, size, false)));
        }
      }
      while (parsing.size() > AHEAD || !parsing.isEmpty() && parsing.peek().isDone()) {
        apply(parsing.poll().join());
      }
    }

    private void first(Map<String, Object> counts) {
      Object version = counts.get("version");
      if (!(version instanceof Integer v) || v != VERSION) {
        throw new IllegalArgumentException("unknown snapshot version " + version + " (this node "
          + "reads version " + VERSION + ")");
      }
      try {
        expected = new long[] {((Number) counts.get("uows")).longValue(),
          ((Number) counts.get("requests")).longValue(),
          ((Number) counts.get("halted")).longValue(),
          ((Number) counts.get("idempotency")).longValue()};
      } catch (ClassCastException | NullPointerException e) {
        throw new IllegalArgumentException("snapshot entry 1: counts missing");
      }
      if (expected[0] > Integer.MAX_VALUE / 2 || expected[1] > Integer.MAX_VALUE / 2) {
        throw new IllegalArgumentException("snapshot entry 1: counts out of range");
      }
      state = StoreState.restoring((int) expected[0], (int) expected[1]);
      state.restoreLastEventId((String) counts.get("last_event_id"));
    }

    /** Puts a batch's entities in the state, in order, through the code apply uses. */
    private void apply(Batch batch) {
      for (Object entity : batch.entities) {
        if (entity instanceof UowLine line) {
          state.restoreUow(line.uow, line.history);
          seen[0]++;
        } else if (entity instanceof InterventionRequest request) {
          state.restoreRequest(request);
          seen[1]++;
        } else if (entity instanceof HaltedInstance halted) {
          state.restoreHalted(halted);
          seen[2]++;
        } else {
          state.restoreIdempotency((IdempotencyRecord) entity);
          seen[3]++;
        }
      }
      if (batch.failure != null) {
        throw new IllegalArgumentException("snapshot entry " + (entries + batch.entities.size()
          + 1) + ": " + batch.failure);
      }
      entries += batch.entities.size();
    }
  }

  private record UowLine(Uow uow, List<Map<String, Object>> history) {
  }

  /**
   * The entities of a run of whole lines, parsed on any thread (into new objects only), or what
   * stopped the parse after the entities before it.
   */
  private static final class Batch {
    final List<Object> entities = new ArrayList<>();
    String failure;

    /** One parser for all the lines: a parser per line costs more than a line. */
    static Batch parse(byte[] bytes, int offset, int length, boolean plain) {
      Batch batch = new Batch();
      try (JsonParser json = JSON.createParser(bytes, offset, length)) {
        JsonToken token;
        while ((token = json.nextToken()) != null) {
          if (token != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("not a JSON object");
          }
          Object entity = plain ? SnapshotLines.read(json, token) : entity(json);
          if (entity instanceof InterventionRequest request) {
            // Strings keep their hash: computed here, in parallel, not where the tables are filled
            request.requestId().hashCode();
            request.uowId().hashCode();
          } else if (entity instanceof UowLine line) {
            line.uow().uowId().hashCode();
          }
          batch.entities.add(entity);
        }
      } catch (IOException | IllegalArgumentException e) {
        batch.failure = e.getMessage();
      } catch (ClassCastException | NullPointerException e) {
        batch.failure = "a field is missing or of the wrong type";
      }
      return batch;
    }

    /** One entity line, the parser at its opening brace. */
    @SuppressWarnings("unchecked")
    private static Object entity(JsonParser json) throws IOException {
      Uow uow = null;
      List<Map<String, Object>> history = List.of();
      Object entity = null;
      String field;
      while ((field = json.nextFieldName()) != null) {
        JsonToken value = json.nextToken();
        switch (field) {
          case "uow" -> uow = SnapshotLines.readUow(json);
          case "history" -> history = (List<Map<String, Object>>) SnapshotLines.read(json, value);
          case "request" -> entity = SnapshotLines.readRequest(json);
          case "halted" -> {
            Map<String, Object> h = map(SnapshotLines.read(json, value));
            entity = new HaltedInstance((String) h.get("instance_id"), (String) h.get("halted_by"),
              (String) h.get("reason"), (String) h.get("halted_at"),
              (List<String>) h.get("paused_uow_ids"));
          }
          case "idempotency" ->
            entity = IdempotencyRecord.fromState(map(SnapshotLines.read(json, value)));
          default -> throw new IllegalArgumentException("not a store entity: " + field);
        }
      }
      if (uow != null) {
        return new UowLine(uow, history);
      }
      if (entity == null) {
        throw new IllegalArgumentException("not a store entity");
      }
      return entity;
    }
  }
}
