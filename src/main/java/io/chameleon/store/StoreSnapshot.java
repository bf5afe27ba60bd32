package io.chameleon.store;

import static io.chameleon.store.Canonical.map;
import static io.chameleon.store.Canonical.obj;
import static io.chameleon.store.SnapshotLines.field;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.chameleon.bus.Role;
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
import java.util.function.Supplier;

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
  /** The body format written ({@code SnapshotHeader.version}): binary frames. */
  public static final int VERSION = 2;
  /** The first format, JSON Lines: still read, no longer written. */
  static final int VERSION_LINES = 1;
  static final int CHUNK_BYTES = 1 << 20;
  /**
   * A frame's size (a record may take it past this): under a mebibyte with room to spare, so that
   * a restored frame, which the requests decoded from it keep (their details), fills one G1 region
   * of a 1–2 GiB heap rather than spilling into a second.
   */
  static final int FRAME_BYTES = (1 << 20) - (64 << 10);

  private static final JsonFactory JSON = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder()
      .maxStringLength(Integer.MAX_VALUE).build())
    .build();

  private StoreSnapshot() {
  }

  /** The body of a capture ({@link #VERSION}), serialised as it is pulled, a frame a chunk. */
  public static Iterator<byte[]> chunks(StoreState.Capture capture) {
    return new Writer(capture, true);
  }

  /** The body of a capture in the first format ({@link #VERSION_LINES}), for tests of reading it. */
  static Iterator<byte[]> lineChunks(StoreState.Capture capture) {
    return new Writer(capture, false);
  }

  /** Whether a body of this format version can be restored. */
  public static boolean reads(int version) {
    return version == VERSION || version == VERSION_LINES;
  }

  /** A receiver of a {@link #VERSION} body, in pieces cut anywhere; {@link Restore#state()} once all are in. */
  public static Restore restore() {
    return restore(VERSION);
  }

  /** A receiver of a body of {@code version} (see {@link #reads}). */
  public static Restore restore(int version) {
    if (!reads(version)) {
      throw new IllegalArgumentException("unknown snapshot version " + version + " (this node "
        + "reads versions " + VERSION_LINES + " and " + VERSION + ")");
    }
    return new Restore(version == VERSION);
  }

  /** Restores a whole {@link #VERSION} body at once. */
  public static StoreState restore(Iterator<byte[]> chunks) {
    return restore(VERSION, chunks);
  }

  /** Restores a whole body of {@code version} at once. */
  public static StoreState restore(int version, Iterator<byte[]> chunks) {
    Restore restore = restore(version);
    chunks.forEachRemaining(restore);
    return restore.state();
  }

  /** Record tags of a {@link #VERSION} frame. */
  private static final int COUNTS = 'C';
  private static final int REQUEST = 'R';
  private static final int JSON_ENTITY = 'J';
  /** A frame longer than this is not one this writer made. */
  private static final int MAX_FRAME = 256 << 20;

  // ---- writing

  /**
   * Writes the lines of a capture in order, up to about a chunk at each {@link #next}: the counts,
   * then the UOWs and the requests oldest first, the halted instances, the idempotency records.
   */
  private static final class Writer implements Iterator<byte[]> {
    private final StoreState.Capture capture;
    /**
     * Version 2: each chunk is a frame, a 4-byte length and whole records (a tag byte, then a
     * request in {@link SnapshotBinary}, or any other entity as its version-1 JSON line).
     */
    private final boolean binary;
    private SnapshotBinary.Out frame;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK_BYTES + 64 * 1024);
    private final JsonGenerator json;
    /** Each UOW's history by its id, joined on the first pull (off the event loop). */
    private Map<Object, Object> histories;
    private Object[][] sections;
    private int section;
    private int slot;

    Writer(StoreState.Capture capture, boolean binary) {
      this.capture = capture;
      this.binary = binary;
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
      if (binary) {
        return nextFrame();
      }
      try {
        out.reset();
        if (sections == null) {
          prepare();
          SnapshotLines.write(json, obj("version", VERSION_LINES, "uows", capture.uowCount,
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

    private byte[] nextFrame() {
      try {
        if (frame == null) {
          frame = new SnapshotBinary.Out(CHUNK_BYTES + 64 * 1024);
        }
        frame.size = 0;
        frame.writeInt(0);
        if (sections == null) {
          prepare();
          frame.writeByte(COUNTS);
          out.reset();
          SnapshotLines.write(json, obj("version", VERSION, "uows", capture.uowCount,
            "requests", capture.requestCount, "halted", capture.halted.length,
            "idempotency", capture.idempotency.length, "last_event_id", capture.lastEventId,
            "statuses", names(RequestStatus.values()), "roles", names(Role.values())));
          json.flush();
          frame.writeString(out.toString(UTF_8));
          section = 0;
        }
        while (frame.size < FRAME_BYTES && section < sections.length) {
          if (slot < sections[section].length) {
            Object entity = sections[section][slot++];
            if (entity instanceof InterventionRequest request) {
              frame.writeByte(REQUEST);
              SnapshotBinary.writeRequest(frame, request);
            } else {
              out.reset();
              writeEntity(entity);
              json.flush();
              frame.writeByte(JSON_ENTITY);
              frame.writeVarLong(out.size());
              frame.writeBytes(out.toByteArray(), 0, out.size());
            }
          } else {
            section++;
            slot = 0;
          }
        }
        frame.setInt(0, frame.size - 4);
        return Arrays.copyOf(frame.bytes, frame.size);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static List<String> names(Enum<?>[] values) {
      List<String> names = new ArrayList<>(values.length);
      for (Enum<?> value : values) {
        names.add(value.name());
      }
      return names;
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
    /** A {@link #VERSION} body (frames), else a {@link #VERSION_LINES} one (lines). */
    private final boolean binary;
    /** Of a {@link #VERSION} body: its enums by the ordinals it wrote. */
    private Object[] statuses;
    private Object[] roles;

    private Restore(boolean binary) {
      this.binary = binary;
    }

    @Override
    public void accept(byte[] piece) {
      if (binary) {
        frames(piece);
        return;
      }
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

    /** Takes the whole frames the carry holds with {@code piece}; keeps the start of the next. */
    private void frames(byte[] piece) {
      append(piece, 0, piece.length);
      int at = 0;
      while (carried - at >= 4) {
        int length = (carry[at] & 0xFF) << 24 | (carry[at + 1] & 0xFF) << 16
          | (carry[at + 2] & 0xFF) << 8 | carry[at + 3] & 0xFF;
        if (length < 0 || length > MAX_FRAME) {
          throw new IllegalArgumentException("snapshot entry " + (entries + 1)
            + ": not a frame (length " + length + ")");
        }
        if (carried - at - 4 < length) {
          break;
        }
        frame(Arrays.copyOfRange(carry, at + 4, at + 4 + length));
        at += 4 + length;
      }
      System.arraycopy(carry, at, carry, 0, carried - at);
      carried -= at;
    }

    /** A whole frame: the counts record read here, the others decoded ahead. */
    private void frame(byte[] bytes) {
      int from = 0;
      if (expected == null) {
        SnapshotBinary.In in = new SnapshotBinary.In(bytes, 0, bytes.length);
        entries++;
        Map<String, Object> counts;
        try {
          if (in.readByte() != COUNTS) {
            throw new IllegalArgumentException("not the counts");
          }
          byte[] text = in.readString().getBytes(UTF_8);
          Batch batch = Batch.parse(text, 0, text.length, true);
          if (batch.failure != null || batch.entities.size() != 1) {
            throw new IllegalArgumentException(batch.failure == null ? "not one object of counts"
              : batch.failure);
          }
          counts = map(batch.entities.get(0));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("snapshot entry 1: " + e.getMessage());
        }
        first(counts);
        from = in.pos;
      }
      int start = from;
      Object[] s = statuses;
      Object[] r = roles;
      ahead(() -> Batch.decode(bytes, start, bytes.length, s, r));
    }

    /** Gives a batch to the pool when it is free, else makes it here; applies the ones done. */
    private void ahead(Supplier<Batch> work) {
      if (ahead == null || ahead.isDone()) {
        // the common pool itself: CompletableFuture's default makes a thread per task on 2 cores
        ahead = CompletableFuture.supplyAsync(work, ForkJoinPool.commonPool());
        parsing.add(ahead);
      } else {
        // the pool is still at the last batch it took (on 2 cores it has one thread): this
        // thread does this one rather than wait for it
        parsing.add(CompletableFuture.completedFuture(work.get()));
      }
      while (parsing.size() > AHEAD || !parsing.isEmpty() && parsing.peek().isDone()) {
        apply(parsing.poll().join());
      }
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
        ahead(() -> Batch.parse(bytes, from, size, false));
      }
    }

    private void first(Map<String, Object> counts) {
      Object version = counts.get("version");
      int wanted = binary ? VERSION : VERSION_LINES;
      if (!(version instanceof Integer v) || v != wanted) {
        throw new IllegalArgumentException("unknown snapshot version " + version + " (its header "
          + "says " + wanted + ")");
      }
      if (binary) {
        statuses = enums(counts.get("statuses"), RequestStatus::valueOf);
        roles = enums(counts.get("roles"), Role::valueOf);
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

    /** The enum each name a body's counts list stands for, by position (the ordinal written). */
    private static Object[] enums(Object names, Function<String, Object> valueOf) {
      if (!(names instanceof List<?> list)) {
        throw new IllegalArgumentException("snapshot entry 1: enum names missing");
      }
      Object[] values = new Object[list.size()];
      for (int i = 0; i < values.length; i++) {
        try {
          values[i] = valueOf.apply((String) list.get(i));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
          values[i] = null; // a value this node does not know: refused if a record uses it
        }
      }
      return values;
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

    /** The records of a frame from {@code offset} to {@code end}, decoded on any thread. */
    static Batch decode(byte[] bytes, int offset, int end, Object[] statuses, Object[] roles) {
      Batch batch = new Batch();
      SnapshotBinary.In in = new SnapshotBinary.In(bytes, offset, end);
      try {
        while (in.more()) {
          int tag = in.readByte();
          if (tag == REQUEST) {
            InterventionRequest request = SnapshotBinary.readRequest(in, bytes, statuses, roles);
            // Strings keep their hash: computed here, in parallel, not where the tables are filled
            request.requestId().hashCode();
            if (request.uowId() != null) {
              request.uowId().hashCode();
            }
            batch.entities.add(request);
          } else if (tag == JSON_ENTITY) {
            int length = in.readLength();
            if (length > end - in.pos) {
              throw new IllegalArgumentException("entity past the end of its frame");
            }
            Batch line = parse(bytes, in.pos, length, false);
            in.pos += length;
            batch.entities.addAll(line.entities);
            if (line.failure != null || line.entities.size() != 1) {
              throw new IllegalArgumentException(line.failure == null ? "not one entity"
                : line.failure);
            }
          } else {
            throw new IllegalArgumentException("unknown record tag " + tag);
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        batch.failure = e.getMessage();
      } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
        batch.failure = "a field is missing or of the wrong type";
      }
      return batch;
    }

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
