package io.chameleon.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every configuration key Chameleon reads: its type, default, environment variable and check.
 * {@code conf/config.json} is read first, then each {@code CHAMELEON_<KEY>} variable overrides
 * it (the key upper-cased, dots and dashes as underscores). A bad value stops the start with a
 * {@link ConfigException} that names the key.
 */
public final class Settings {

  enum Type { STRING, INT, BOOL }

  /** One documented key. */
  record Key(String path, Type type, Object defaultValue, Predicate<Object> check, String rule, String doc) {
    String envName() {
      return "CHAMELEON_" + path.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** A password or secret: its value is never shown, not even in an error message. */
    boolean secret() {
      return path.endsWith("password") || path.equals("auth.secret");
    }
  }

  static final List<Key> KEYS = List.of(
    key("http.host", Type.STRING, "127.0.0.1", nonEmpty(), "a host name or address", "address the HTTP server binds"),
    key("http.port", Type.INT, 8080, range(0, 65535), "0..65535 (0 = any free port)", "HTTP port"),
    key("http.idle_timeout_ms", Type.INT, 60_000, range(1000, 3_600_000), "1000..3600000, above bus.timeout_ms; at least 30000 when the dashboard runs",
      "a connection with no byte either way for this long is closed (SockJS's heartbeat, every 25 s, keeps a dashboard socket open; a raw WebSocket client pings)"),
    key("http.request_timeout_ms", Type.INT, 30_000, range(1000, 600_000), "1000..600000",
      "time a new connection has to send a complete request head, and a request its whole body; past it the connection is closed (a late body gets 408)"),
    key("http.max_connections", Type.INT, 4096, range(16, 1_000_000), "16..1000000, below the process's open-file limit",
      "open HTTP connections (WebSockets included) on this node; at the cap the oldest idle connection that never authenticated makes room, or the new one is closed"),
    key("http.max_connections_per_address", Type.INT, 256, range(0, 1_000_000), "0 (no cap) or 1..http.max_connections",
      "open HTTP connections from one client address; a new one over it is closed at once (behind a reverse proxy every client has the proxy's address: raise it or set 0)"),
    key("data.dir", Type.STRING, "./data", nonEmpty(), "a directory path", "where the event log and the generated JWT secret live"),
    key("auth.algorithm", Type.STRING, "HS256", oneOf("HS256", "RS256", "ES256"), "HS256, RS256 or ES256", "JWT signature algorithm"),
    key("auth.secret", Type.STRING, null, s -> true, "at least 32 bytes, not a well-known default", "HS256 secret; unset = a random 256-bit secret generated into the data dir"),
    key("auth.public_key", Type.STRING, null, s -> true, "a PEM public key", "RS256/ES256 public key (PEM text)"),
    key("auth.public_key_file", Type.STRING, null, s -> true, "a readable PEM file", "RS256/ES256 public key file"),
    key("auth.issuer", Type.STRING, null, s -> true, "a string", "required `iss` claim, when set"),
    key("auth.audience", Type.STRING, null, s -> true, "a string", "required `aud` claim, when set"),
    key("auth.leeway_seconds", Type.INT, 30, range(0, 60), "0..60", "clock skew allowed on exp/nbf/iat"),
    key("auth.max_lifetime_seconds", Type.INT, 86400, range(1, 31_536_000), "1..31536000", "longest token lifetime accepted (exp - iat)"),
    key("events.backend", Type.STRING, "file", oneOf("file", "redis"), "file or redis", "audit event log backend: a JSON Lines file, or a Redis stream"),
    key("events.file", Type.STRING, null, s -> true, "a file path", "JSON Lines event log; default <data.dir>/events.jsonl"),
    key("events.checkpoint.every_events", Type.INT, 1000, v -> v instanceof Integer i && (i == 0 || i >= 10 && i <= 10_000_000), "0 (only at a clean shutdown) or 10..10000000",
      "the writer signs a checkpoint {id, hash, count} of the event log every this many events, and at a clean shutdown"),
    key("events.checkpoint.key_file", Type.STRING, null, s -> true, "a file path (generated owner-only when missing)",
      "the Ed25519 key that signs checkpoints; default <data.dir>/checkpoint-key. Keep it off the data disk so whoever can write the log cannot sign; every node of a cluster needs the same file"),
    key("events.checkpoint.accept_rewrite", Type.BOOL, false, s -> true, "true or false; for one start, then remove it",
      "take an event log that disagrees with its newest signed checkpoint (cut short or rewritten) as it is: recorded as an event_log_rewrite_accepted event and a new checkpoint; without it such a node refuses appends (503) and /health says why"),
    key("events.redis.stream", Type.STRING, "chameleon:events", nonEmpty(), "a Redis key that starts with events.redis.key_prefix", "the Redis stream of the audit events"),
    key("events.redis.key_prefix", Type.STRING, "chameleon:", nonEmpty(), "a non-empty string, e.g. {chameleon}: for Redis Cluster", "every key Chameleon writes in Redis starts with it"),
    key("events.redis.max_len", Type.INT, 0, v -> v instanceof Integer i && (i == 0 || i >= 1000), "0 (off) or at least 1000, and at least twice snapshot.every_events", "trim the stream to about this many events (MAXLEN ~); off by default: an audit log is not trimmed unless asked"),
    key("events.redis.pipeline_depth", Type.INT, 1, range(1, 16), "1..16", "append-script calls in flight at once on the writer's connection, each chained on the tip the one before it will leave (a refused one makes the next refused too); 1 = one round trip at a time"),
    key("redis.url", Type.STRING, "redis://127.0.0.1:6379", redisUrl(), "redis://[:password@]host:port[/db] or rediss:// for TLS", "the Redis server of the redis backend"),
    key("redis.timeout_ms", Type.INT, 2000, range(100, 60_000), "100..60000, below bus.timeout_ms", "longest wait for one Redis command; past it the write fails with 503"),
    key("snapshot.every_events", Type.INT, 10_000, v -> v instanceof Integer i && (i == 0 || i >= 100), "0 (off) or at least 100", "write a snapshot of the store and the guardian registry every this many events (and at a clean shutdown)"),
    key("metrics.public", Type.BOOL, true, s -> true, "true or false", "false = GET /metrics needs a VIEWER token"),
    key("bus.timeout_ms", Type.INT, 5000, range(100, 60_000), "100..60000", "event-bus request timeout; past it the caller gets 503"),
    key("dashboard.allowed_origin", Type.STRING, null, s -> true, "an origin like https://pilots.example.com", "when set, sockets from any other Origin are refused"),
    key("dashboard.max_queued_bytes", Type.INT, 1_048_576, range(16_384, 67_108_864), "16384..67108864", "pushes queued for one slow socket before it is sent resync"),
    key("dashboard.max_messages_per_second", Type.INT, 20, range(1, 10_000), "1..10000", "messages (and WebSocket pings) one socket may send per second before it is closed"),
    key("dashboard.auth_timeout_ms", Type.INT, 5000, range(100, 60_000), "100..60000", "time a new socket has to send its auth message"),
    key("guardian.max_visits", Type.INT, 1000, range(10, 1_000_000), "10..1000000", "most guardians one evaluation may visit, counting those reached through named references; a registration or an evaluation that could exceed it is refused (400 naming the path)"),
    key("guardian.max_trace_bytes", Type.INT, 65_536, range(4096, 16_777_216), "4096..16777216", "largest decision trace (JSON) an evaluation answers or an advance records; past it each decision keeps its answer, rule id and a shortened reason, without its explanation"),
    key("dashboard.max_sockets", Type.INT, 2000, range(1, 1_000_000), "1..1000000", "open dashboard sockets on this node; the next one is closed with 1013"),
    key("dashboard.max_sockets_per_pilot", Type.INT, 50, range(1, 1_000_000), "1..1000000", "open sockets one pilot (token subject) may hold on this node; the next one is closed with 1013 at auth"),
    key("dashboard.max_sockets_per_address", Type.INT, 200, range(1, 1_000_000), "1..1000000", "open sockets from one client address on this node; the next one is closed with 1013"),
    key("dashboard.max_reply_bytes", Type.INT, 262_144, range(16_384, 67_108_864), "16384..67108864", "longest get_pending reply: past it the requests are cut to a page and the reply says truncated and next_offset"),
    key("dashboard.max_concurrent_replays", Type.INT, 2, range(1, 256), "1..256", "socket replays reading or writing a page at once on this node (a replay waiting for its client holds no turn); the others wait their turn"),
    key("dashboard.replay_page_bytes", Type.INT, 262_144, range(16_384, 1_048_576), "16384..1048576", "most bytes of events one replay page holds"),
    key("guardian.compiled_cache_size", Type.INT, 256, range(0, 100_000), "0..100000", "inline guardian configurations kept compiled per evaluator instance (least recently used dropped first; 0: compile at every evaluation)"),
    key("store.sweep_ms", Type.INT, 1000, range(100, 5000), "100..5000", "how often requests past expires_at are expired (SPEC: within 5 s)"),
    key("verticles.gateway.enabled", Type.BOOL, true, s -> true, "true or false", "run the HTTP gateway on this node"),
    key("verticles.gateway.instances", Type.INT, 2, range(1, 64), "1..64", "gateway instances (event loops serving HTTP)"),
    key("verticles.guardian.enabled", Type.BOOL, true, s -> true, "true or false", "run the guardian evaluator on this node"),
    key("verticles.guardian.instances", Type.INT, 1, range(1, 64), "1..64", "guardian evaluator instances"),
    key("verticles.store.enabled", Type.BOOL, true, s -> true, "true or false", "run the store (UOWs and intervention requests) on this node"),
    key("verticles.store.instances", Type.INT, 1, range(1, 1), "1 (one writer per store)", "store instances"),
    key("verticles.dashboard.enabled", Type.BOOL, true, s -> true, "true or false", "run the dashboard push fan-out and serve the socket and console on this node"),
    key("verticles.dashboard.instances", Type.INT, 1, range(1, 1), "1", "dashboard instances"),
    key("verticles.broadcaster.enabled", Type.BOOL, true, s -> true, "true or false", "run the broadcaster (event log) on this node"),
    key("verticles.broadcaster.instances", Type.INT, 1, range(1, 1), "1 (one writer per log)", "broadcaster instances"),
    key("cluster.enabled", Type.BOOL, false, s -> true, "true or false (run --cluster sets it)", "join a Vert.x cluster over Hazelcast; needs events.backend redis"),
    key("cluster.name", Type.STRING, null, nonEmpty(), "a non-empty string", "the cluster to join; unset = cluster.xml's (chameleon)"),
    key("cluster.members", Type.STRING, null, members(), "host:port,host:port", "Hazelcast members to join through (TCP-IP); unset = cluster.xml's (127.0.0.1:5701-5703)"),
    key("cluster.host", Type.STRING, null, nonEmpty(), "an address of this machine", "the interface Hazelcast binds; unset = cluster.xml's (127.0.0.1)"),
    key("cluster.port", Type.INT, null, range(1, 65535), "1..65535", "this member's Hazelcast port, exactly; unset = cluster.xml's (5701, or the next free one up to 5710)"),
    key("cluster.bus_host", Type.STRING, null, nonEmpty(), "an address of this machine", "the address the clustered event bus binds and other nodes connect to; unset = the address Hazelcast binds"),
    key("cluster.bus_port", Type.INT, 0, range(0, 65535), "0..65535 (0 = any free port)", "the clustered event bus port"),
    key("cluster.lease_ttl_ms", Type.INT, 5000, range(1000, 60_000), "1000..60000, at least twice redis.timeout_ms", "the writer lease's time-to-live: a writer renews it every third of it; when the writer dies another node takes over once it expires"),
    key("cluster.tls.enabled", Type.BOOL, false, s -> true, "true or false", "TLS with client certificates on the clustered event bus"),
    key("cluster.tls.key_store", Type.STRING, null, nonEmpty(), "a PKCS#12 file", "this node's key and certificate (PKCS#12)"),
    key("cluster.tls.key_store_password", Type.STRING, null, s -> true, "a string", "the key store's password (never logged)"),
    key("cluster.tls.trust_store", Type.STRING, null, nonEmpty(), "a PKCS#12 file", "the certificates of the nodes (or their CA) this node accepts (PKCS#12)"),
    key("cluster.tls.trust_store_password", Type.STRING, null, s -> true, "a string", "the trust store's password (never logged)")
  );

  private Settings() {
  }

  /** Reads the file (absent is fine: defaults apply), applies env overrides, validates. */
  public static JsonObject load(Path file, Map<String, String> env) {
    JsonObject fromFile = new JsonObject();
    if (file != null && Files.exists(file)) {
      try {
        fromFile = new JsonObject(Files.readString(file));
      } catch (IOException | DecodeException e) {
        throw new ConfigException(file + ": not a readable JSON object (" + e.getMessage() + ")");
      }
    }
    return resolve(fromFile, env);
  }

  /** Validates a nested config object plus env overrides into a complete, typed config. */
  public static JsonObject resolve(JsonObject given, Map<String, String> env) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", given, flat);
    List<String> unknown = new ArrayList<>();
    for (String path : flat.keySet()) {
      if (KEYS.stream().noneMatch(k -> k.path().equals(path))) {
        unknown.add(path);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown.get(0) + ": unknown configuration key");
    }
    JsonObject out = new JsonObject();
    for (Key key : KEYS) {
      Object value = flat.containsKey(key.path()) ? flat.get(key.path()) : key.defaultValue();
      String fromEnv = env.get(key.envName());
      if (fromEnv != null) {
        value = parseEnv(key, fromEnv);
      } else {
        value = checkType(key, value);
      }
      if (value != null && !key.check().test(value)) {
        throw new ConfigException(key.path() + ": must be " + key.rule() + ", got " + shown(key, value));
      }
      put(out, key.path(), value);
    }
    checkTogether(out);
    JsonObject checkpoint = out.getJsonObject("events").getJsonObject("checkpoint");
    if (checkpoint.getString("key_file") == null) {
      checkpoint.put("key_file", Path.of(out.getJsonObject("data").getString("dir"), "checkpoint-key").toString());
    }
    if (out.getJsonObject("events").getString("file") == null) {
      out.getJsonObject("events").put("file",
        Path.of(out.getJsonObject("data").getString("dir"), "events.jsonl").toString());
    }
    return out;
  }

  /** Rules between keys; each message names the key to change. */
  private static void checkTogether(JsonObject config) {
    checkHttp(config.getJsonObject("http"), config.getJsonObject("bus").getInteger("timeout_ms"),
      config.getJsonObject("verticles").getJsonObject("dashboard").getBoolean("enabled"));
    JsonObject redis = config.getJsonObject("events").getJsonObject("redis");
    String prefix = redis.getString("key_prefix");
    if (!redis.getString("stream").startsWith(prefix)) {
      throw new ConfigException("events.redis.stream: must start with events.redis.key_prefix ('"
        + prefix + "'), got " + redis.getString("stream"));
    }
    int maxLen = redis.getInteger("max_len");
    int every = config.getJsonObject("snapshot").getInteger("every_events");
    if (maxLen > 0 && (every == 0 || maxLen < 2L * every)) {
      throw new ConfigException("events.redis.max_len: trimming needs snapshots (snapshot.every_events > 0)"
        + " and at least twice snapshot.every_events, so a start never needs a trimmed event; got "
        + maxLen + " with snapshot.every_events " + every);
    }
    boolean redisBackend = "redis".equals(config.getJsonObject("events").getString("backend"));
    JsonObject verticles = config.getJsonObject("verticles");
    checkCluster(config.getJsonObject("cluster"), redisBackend, config.getJsonObject("redis").getInteger("timeout_ms"),
      verticles.getJsonObject("store").getBoolean("enabled"), verticles.getJsonObject("broadcaster").getBoolean("enabled"));
    if (redisBackend && config.getJsonObject("redis").getInteger("timeout_ms") >= config.getJsonObject("bus").getInteger("timeout_ms")) {
      throw new ConfigException("redis.timeout_ms: must be below bus.timeout_ms ("
        + config.getJsonObject("bus").getInteger("timeout_ms") + "), so a stalled Redis is a 503 before the caller gives up");
    }
  }

  /** SockJS's heartbeat interval: an idle timeout at or below it would close quiet dashboard sockets. */
  static final int SOCKJS_HEARTBEAT_MS = 25_000;

  private static void checkHttp(JsonObject http, int busTimeoutMs, boolean dashboard) {
    int idle = http.getInteger("idle_timeout_ms");
    if (idle <= busTimeoutMs) {
      throw new ConfigException("http.idle_timeout_ms: must be above bus.timeout_ms (" + busTimeoutMs
        + "), so a request waiting for its answer is not closed as idle; got " + idle);
    }
    if (dashboard && idle < SOCKJS_HEARTBEAT_MS + 5000) {
      throw new ConfigException("http.idle_timeout_ms: must be at least " + (SOCKJS_HEARTBEAT_MS + 5000)
        + " when the dashboard runs (SockJS writes a heartbeat every " + SOCKJS_HEARTBEAT_MS + " ms); got " + idle);
    }
    int perAddress = http.getInteger("max_connections_per_address");
    if (perAddress > http.getInteger("max_connections")) {
      throw new ConfigException("http.max_connections_per_address: must be at most http.max_connections ("
        + http.getInteger("max_connections") + "), got " + perAddress);
    }
  }

  /** Clustered mode's rules: the shared Redis log, and a complete TLS setup when TLS is on. */
  private static void checkCluster(JsonObject cluster, boolean redisBackend, int redisTimeoutMs, boolean storeEnabled,
                                   boolean broadcasterEnabled) {
    if (cluster.getBoolean("enabled") && cluster.getInteger("lease_ttl_ms") < 2 * redisTimeoutMs) {
      throw new ConfigException("cluster.lease_ttl_ms: must be at least twice redis.timeout_ms (" + redisTimeoutMs
        + "), so one slow renewal does not cost the writer its lease");
    }
    if (cluster.getBoolean("enabled") && storeEnabled != broadcasterEnabled) {
      throw new ConfigException("verticles.store.enabled: in a cluster the store and the broadcaster run on the same"
        + " nodes (verticles.broadcaster.enabled is " + broadcasterEnabled + "): the writer lease holder takes both"
        + " the store's commands and the log's appends");
    }
    if (cluster.getBoolean("enabled") && !redisBackend) {
      throw new ConfigException("events.backend: clustered mode (cluster.enabled, run --cluster) needs redis, got file:"
        + " the nodes of a cluster share one event log, the Redis stream; a file log belongs to one node");
    }
    JsonObject tls = cluster.getJsonObject("tls");
    if (tls.getBoolean("enabled")) {
      for (String name : List.of("key_store", "key_store_password", "trust_store", "trust_store_password")) {
        if (tls.getString(name) == null) {
          throw new ConfigException("cluster.tls." + name + ": required when cluster.tls.enabled is true");
        }
      }
    }
  }

  private static Predicate<Object> members() {
    return v -> v instanceof String s && !s.isBlank()
      && java.util.Arrays.stream(s.split(",", -1)).allMatch(Settings::hostAndPort);
  }

  /** {@code host:port} with a port in 1..65535 (an IPv6 address in brackets). */
  static boolean hostAndPort(String entry) {
    String text = entry.trim();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return false;
    }
    String host = text.substring(0, colon);
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      return false;
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port >= 1 && port <= 65535 && !host.isBlank() && host.chars().noneMatch(Character::isWhitespace);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A value of {@code key} as an error message may show it: a password or secret never. */
  static Object shown(Key key, Object value) {
    return key.secret() ? "***" : shown(value);
  }

  /** A value as an error message may show it: never a password inside a URL. */
  static Object shown(Object value) {
    return value instanceof String text ? text.replaceAll("//([^/@]*):[^/@]*@", "//$1:***@") : value;
  }

  private static Predicate<Object> redisUrl() {
    return v -> {
      if (!(v instanceof String s) || !(s.startsWith("redis://") || s.startsWith("rediss://"))) {
        return false;
      }
      try {
        java.net.URI uri = new java.net.URI(s);
        return uri.getHost() != null && !uri.getHost().isBlank();
      } catch (java.net.URISyntaxException e) {
        return false;
      }
    };
  }

  private static Object parseEnv(Key key, String raw) {
    try {
      return switch (key.type()) {
        case STRING -> raw;
        case INT -> Integer.parseInt(raw.trim());
        case BOOL -> {
          if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException();
          }
          yield Boolean.parseBoolean(raw);
        }
      };
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.path() + " (" + key.envName() + "): must be " + key.rule() + ", got '" + shown(key, raw) + "'");
    }
  }

  private static Object checkType(Key key, Object value) {
    if (value == null) {
      return null;
    }
    boolean ok = switch (key.type()) {
      case STRING -> value instanceof String;
      case INT -> value instanceof Integer || value instanceof Long l && l == l.intValue();
      case BOOL -> value instanceof Boolean;
    };
    if (!ok) {
      throw new ConfigException(key.path() + ": must be " + key.rule() + ", got " + shown(key, value));
    }
    return value instanceof Long l ? Integer.valueOf(l.intValue()) : value;
  }

  private static void flatten(String prefix, JsonObject obj, Map<String, Object> out) {
    for (String name : obj.fieldNames()) {
      Object value = obj.getValue(name);
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (value instanceof JsonObject nested) {
        flatten(path, nested, out);
      } else {
        out.put(path, value);
      }
    }
  }

  private static void put(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = node.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        node.put(parts[i], next);
      }
      node = next;
    }
    node.put(parts[parts.length - 1], value);
  }

  private static Key key(String path, Type type, Object def, Predicate<Object> check, String rule, String doc) {
    return new Key(path, type, def, check, rule, doc);
  }

  private static Predicate<Object> range(int min, int max) {
    return v -> v instanceof Integer i && i >= min && i <= max;
  }

  private static Predicate<Object> nonEmpty() {
    return v -> v instanceof String s && !s.isBlank();
  }

  private static Predicate<Object> oneOf(String... values) {
    return v -> List.of(values).contains(v);
  }

  /** A configuration error; its message starts with the key it is about. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }
}
