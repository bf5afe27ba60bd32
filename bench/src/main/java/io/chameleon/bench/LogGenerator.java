package io.chameleon.bench;

import io.chameleon.broadcast.Event;
import io.chameleon.broadcast.EventDraft;
import io.chameleon.broadcast.EventHash;
import io.chameleon.bus.EventId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Writes a JSON Lines event log of N events that a Chameleon node replays as it would a log it had
 * written itself: the events are copies of real ones, chained with the product's own {@link
 * Event#chained} (ids {@code <ms>-<seq>}, SHA-256 over the previous hash and the RFC 8785 form).
 *
 * <p>The template is the log of a fresh node that was asked, over HTTP, to create the request
 * {@code tpl-req} (UOW {@code tpl-uow}, title {@code tpl-title}, priority {@code high}), claim it and
 * approve it: three events, {@code intervention_request}, {@code intervention_claimed},
 * {@code intervention_approved}. Each copy replaces those values (request {@code ld-<k>}, UOW
 * {@code ext-<k>}, title {@code load request <k>}, one of four priorities, a fingerprint of its own)
 * and the template's timestamps: its {@code created_at} becomes the copy's creation time, its
 * {@code expires_at} that plus the same lifetime, any other the copy's own event time. Event times
 * start {@code --age-hours} ago (so nothing has expired by the time the log is replayed), ten events
 * per millisecond.
 *
 * <pre>
 * java -cp benchmarks.jar io.chameleon.bench.LogGenerator --template tpl.jsonl --out events.jsonl \
 *   --events 1000000 --mix creates|mixed
 * </pre>
 *
 * <p>{@code creates}: one create per event (1,000,000 stored requests, all pending). {@code mixed}:
 * the store load's mix, per 10 events 4 creates, 3 claims and 3 approves (per group of four
 * requests: create all four, claim and approve three): 400,000 stored requests for 1,000,000 events,
 * 300,000 approved, 100,000 pending.
 */
public final class LogGenerator {

  private static final String[] PRIORITIES = {"critical", "high", "normal", "low"};

  private LogGenerator() {
  }

  public static void main(String[] args) throws IOException {
    Path template = null;
    Path out = null;
    long events = 1_000_000;
    String mix = "creates";
    double ageHours = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--template" -> template = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--events" -> events = Long.parseLong(args[++i]);
        case "--mix" -> mix = args[++i];
        case "--age-hours" -> ageHours = Double.parseDouble(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (template == null || out == null || !(mix.equals("creates") || mix.equals("mixed"))) {
      throw new IllegalArgumentException("--template FILE --out FILE [--events N] [--mix creates|mixed]");
    }
    List<String> lines = Files.readAllLines(template);
    JsonObject created = find(lines, "intervention_request");
    JsonObject claimed = find(lines, "intervention_claimed");
    JsonObject approved = find(lines, "intervention_approved");
    String tplCreatedAt = created.getJsonObject("request").getString("created_at");
    long lifetimeMs = Instant.parse(created.getJsonObject("request").getString("expires_at")).toEpochMilli()
      - Instant.parse(tplCreatedAt).toEpochMilli();

    long start = System.currentTimeMillis() - (long) (ageHours * 3_600_000);
    EventId id = EventId.ZERO;
    String prev = EventHash.GENESIS;
    long written = 0;
    long t0 = System.nanoTime();
    long[] createdAtMs = new long[4];
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      long k = 0; // next request number
      while (written < events) {
        if (mix.equals("creates")) {
          id = id.next(start + written / 10);
          Event e = Event.chained(id, new EventDraft("intervention_request",
            copy(created, k, tplCreatedAt, id.ms(), id.ms(), lifetimeMs)), prev);
          k++;
          prev = write(w, e);
          written++;
          continue;
        }
        // mixed: a group of four requests, 10 events (cut short at the end of the log)
        for (int j = 0; j < 4 && written < events; j++) {
          id = id.next(start + written / 10);
          createdAtMs[j] = id.ms();
          prev = write(w, Event.chained(id, new EventDraft("intervention_request",
            copy(created, k + j, tplCreatedAt, id.ms(), id.ms(), lifetimeMs)), prev));
          written++;
        }
        for (JsonObject step : new JsonObject[] {claimed, approved}) {
          String type = step == claimed ? "intervention_claimed" : "intervention_approved";
          for (int j = 0; j < 3 && written < events; j++) {
            id = id.next(start + written / 10);
            prev = write(w, Event.chained(id, new EventDraft(type,
              copy(step, k + j, tplCreatedAt, createdAtMs[j], id.ms(), lifetimeMs)), prev));
            written++;
          }
        }
        k += 4;
      }
    }
    System.err.printf(Locale.ROOT, "wrote %,d events (%s) to %s in %.1f s; last id %s, %,d bytes%n", written, mix, out,
      (System.nanoTime() - t0) / 1e9, id, Files.size(out));
  }

  private static String write(BufferedWriter w, Event e) throws IOException {
    w.write(e.toJson().encode());
    w.write('\n');
    return e.hash();
  }

  private static JsonObject find(List<String> lines, String type) {
    for (String line : lines) {
      JsonObject event = new JsonObject(line);
      if (type.equals(event.getString("event_type"))) {
        return event.getJsonObject("payload");
      }
    }
    throw new IllegalArgumentException("the template holds no " + type + " event");
  }

  /** A copy of a template payload for request {@code k}, created at {@code createdMs}, this event at {@code nowMs}. */
  private static JsonObject copy(JsonObject template, long k, String tplCreatedAt, long createdMs, long nowMs,
                                 long lifetimeMs) {
    return (JsonObject) rewrite(template, new Values(k, tplCreatedAt, iso(createdMs), iso(createdMs + lifetimeMs),
      iso(nowMs), PRIORITIES[(int) (k % PRIORITIES.length)], fingerprint(k)));
  }

  private record Values(long k, String tplCreatedAt, String createdAt, String expiresAt, String now,
                        String priority, String fingerprint) {
  }

  private static Object rewrite(Object value, Values v) {
    if (value instanceof JsonObject o) {
      JsonObject copy = new JsonObject();
      for (String key : o.fieldNames()) {
        Object field = o.getValue(key);
        if (key.equals("expires_at") && field instanceof String) {
          copy.put(key, v.expiresAt());
        } else if (key.equals("create_fingerprint") && field instanceof String) {
          copy.put(key, v.fingerprint());
        } else if (key.equals("priority") && field instanceof String) {
          copy.put(key, v.priority());
        } else {
          copy.put(key, rewrite(field, v));
        }
      }
      return copy;
    }
    if (value instanceof JsonArray a) {
      JsonArray copy = new JsonArray();
      a.forEach(item -> copy.add(rewrite(item, v)));
      return copy;
    }
    if (value instanceof String s) {
      return switch (s) {
        case "tpl-req" -> "ld-" + v.k();
        case "tpl-uow" -> "ext-" + v.k();
        case "tpl-title" -> "load request " + v.k();
        default -> s.equals(v.tplCreatedAt()) ? v.createdAt() : isTimestamp(s) ? v.now() : s;
      };
    }
    return value;
  }

  private static boolean isTimestamp(String s) {
    return s.length() == 24 && s.charAt(4) == '-' && s.charAt(10) == 'T' && s.endsWith("Z");
  }

  private static final java.time.format.DateTimeFormatter ISO =
    java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  private static String iso(long ms) {
    return ISO.format(Instant.ofEpochMilli(ms));
  }

  private static String fingerprint(long k) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(("ld-" + k).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
