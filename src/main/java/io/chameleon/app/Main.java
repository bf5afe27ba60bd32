package io.chameleon.app;

import io.chameleon.app.Settings.ConfigException;
import io.chameleon.auth.JwtKeys;
import io.chameleon.broadcast.file.FileEventLog;
import io.chameleon.broadcast.redis.StreamCopy;
import io.chameleon.bus.Role;
import io.chameleon.redis.RedisClients;
import io.chameleon.redis.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The command line: {@code run} starts a node, {@code token} mints a pilot token. */
@Command(name = "chameleon", mixinStandardHelpOptions = true,
  description = "Human-in-the-loop control plane for automated workflows.",
  subcommands = {Main.Run.class, Main.Token.class, Main.Events.class})
public final class Main {

  /** Where the configuration file is looked for unless --config or CHAMELEON_CONFIG says otherwise. */
  static final String DEFAULT_CONFIG = "conf/config.json";

  public static void main(String[] args) {
    int code = execute(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command; returns its exit code (the {@code run} command returns once the node is up). */
  public static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out).setErr(err);
    cli.getSubcommands().values().forEach(sub -> {
      ((WithEnv) sub.getCommand()).env = env;
      sub.setOut(out).setErr(err);
      sub.getSubcommands().values().forEach(nested -> {
        ((WithEnv) nested.getCommand()).env = env;
        nested.setOut(out).setErr(err);
      });
    });
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("chameleon: " + (e instanceof ConfigException ? "configuration error: " : "") + e.getMessage());
      return 2;
    });
    return cli.execute(args);
  }

  /** Options every command shares: where the configuration comes from. */
  abstract static class WithEnv {
    Map<String, String> env = System.getenv();

    @Option(names = "--config", description = "configuration file (default: $CHAMELEON_CONFIG or " + DEFAULT_CONFIG + ")")
    Path config;

    JsonObject settings() {
      Path file = config != null ? config : Path.of(env.getOrDefault("CHAMELEON_CONFIG", DEFAULT_CONFIG));
      if (config != null && !Files.exists(config)) {
        throw new ConfigException("--config: " + config + " does not exist");
      }
      return Chameleon.prepare(Settings.load(file, effectiveEnv()));
    }

    /** The environment as the settings see it; a command's flags may add to it. */
    Map<String, String> effectiveEnv() {
      return env;
    }
  }

  @Command(name = "run", description = "Start a node with the configured verticles (the embedded default: all of them).")
  static final class Run extends WithEnv implements Callable<Integer> {
    @Option(names = "--cluster", description = "join a cluster over Hazelcast (the same as cluster.enabled=true;"
      + " needs events.backend=redis)")
    boolean cluster;

    /** The flag wins over the file and the environment: it is the same as CHAMELEON_CLUSTER_ENABLED=true. */
    @Override
    Map<String, String> effectiveEnv() {
      if (!cluster) {
        return env;
      }
      Map<String, String> withFlag = new java.util.HashMap<>(env);
      withFlag.put("CHAMELEON_CLUSTER_ENABLED", "true");
      return withFlag;
    }

    /** The exit code of a clustered node that found itself cut off from its cluster. */
    static final int SEPARATED = 3;

    @Override
    public Integer call() throws Exception {
      JsonObject settings = settings();
      Vertx vertx = createVertx(settings);
      // a node cut off from its cluster exits (code 3), for its supervisor to start it again: it rejoins
      Runnable separated = () -> new Thread(() -> System.exit(SEPARATED), "chameleon-separated").start();
      CompletableFuture<Chameleon> started = Chameleon.deploy(vertx, settings, separated).toCompletionStage()
        .toCompletableFuture();
      try {
        Chameleon node = started.get();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            // the JVM's shutdown thread, not an event loop: waiting here lets the log close cleanly,
            // but never longer than the bus timeout allows
            node.undeploy().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception ignored) {
            // exiting anyway
          }
        }, "chameleon-shutdown"));
        return 0;
      } catch (java.util.concurrent.ExecutionException e) {
        vertx.close();
        throw new IllegalStateException("start failed: " + e.getCause().getMessage(), e.getCause());
      }
    }

    /** A plain Vert.x, or with cluster.enabled one that has joined the cluster (this thread waits). */
    private static Vertx createVertx(JsonObject settings) throws InterruptedException {
      if (!settings.getJsonObject("cluster").getBoolean("enabled")) {
        return Chameleon.createVertx();
      }
      try {
        return Chameleon.createClusteredVertx(settings).toCompletionStage().toCompletableFuture().get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("cannot join the cluster: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }

  @Command(name = "events", description = "Work on the audit event log.", subcommands = {Main.Copy.class})
  static final class Events extends WithEnv implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return 2;
    }
  }

  @Command(name = "copy", description = "Copy the file event log into the configured Redis stream (redis.url,"
    + " events.redis.*), keeping every id and hash, to move a node from the file backend to Redis. Stop the node"
    + " first. A copy cut short continues where it stopped; a stream holding other events is left alone.")
  static final class Copy extends WithEnv implements Callable<Integer> {
    static final long PROGRESS_EVERY = 10_000;

    @Option(names = "--from", description = "the JSON Lines log to copy (default: events.file)")
    Path from;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      JsonObject settings = settings();
      Path source = from != null ? from : Path.of(settings.getJsonObject("events").getString("file"));
      if (!Files.isRegularFile(source)) {
        throw new IllegalArgumentException("--from: " + source + " is not a file (the file event log to copy)");
      }
      JsonObject stream = settings.getJsonObject("events").getJsonObject("redis");
      RedisKeys keys = new RedisKeys(stream.getString("key_prefix"), stream.getString("stream"));
      PrintWriter out = spec.commandLine().getOut();
      Vertx vertx = Vertx.vertx();
      RedisClients redis = RedisClients.create(vertx, settings.getJsonObject("redis"));
      try {
        FileEventLog log = new FileEventLog(vertx, source);
        await(log.open());
        out.println("copying " + source + " (up to event " + log.tip().id() + ") into the stream " + keys.stream()
          + " at Redis " + redis.endpoint());
        long[] shown = {0};
        StreamCopy.Result result = await(new StreamCopy(redis, keys).copy(log, copied -> {
          if (copied - shown[0] >= PROGRESS_EVERY) {
            shown[0] = copied;
            out.println("  " + copied + " events copied");
          }
        }));
        await(log.close());
        out.println("copied " + result.copied() + " events (" + result.alreadyThere() + " were there already);"
          + " the stream ends at " + result.tip().id() + ". Start the node with events.backend=redis.");
        return 0;
      } finally {
        await(redis.close().eventually(vertx::close));
      }
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
      try {
        return future.toCompletionStage().toCompletableFuture().get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  @Command(name = "token", description = "Mint a pilot JWT with the server's key configuration.")
  static final class Token extends WithEnv implements Callable<Integer> {
    private static final Pattern TTL = Pattern.compile("(\\d{1,9})([smhd]?)");

    @Option(names = "--sub", required = true, description = "pilot id (the token's sub)")
    String sub;

    @Option(names = "--role", required = true, description = "ADMIN, OPERATOR or VIEWER")
    String role;

    @Option(names = "--ttl", defaultValue = "60m", description = "lifetime: 90s, 60m, 8h, 1d (default ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--private-key", description = "PEM private key file, for RS256/ES256")
    Path privateKey;

    @Override
    public Integer call() throws IOException {
      if (sub.isBlank()) {
        throw new IllegalArgumentException("--sub must not be empty");
      }
      if (Role.parse(role).isEmpty()) {
        throw new IllegalArgumentException("--role must be ADMIN, OPERATOR or VIEWER, got '" + role + "'");
      }
      JsonObject auth = settings().getJsonObject("auth");
      long seconds = ttlSeconds(ttl);
      if (seconds > auth.getInteger("max_lifetime_seconds")) {
        throw new IllegalArgumentException("--ttl " + ttl + " exceeds auth.max_lifetime_seconds ("
          + auth.getInteger("max_lifetime_seconds") + " s): the server would refuse the token");
      }
      String algorithm = auth.getString("algorithm");
      String key;
      if ("HS256".equals(algorithm)) {
        key = auth.getString("secret");
      } else if (privateKey != null) {
        key = Files.readString(privateKey);
      } else {
        throw new IllegalArgumentException("auth.algorithm is " + algorithm + ": pass --private-key <PEM file>");
      }
      Vertx vertx = Vertx.vertx();
      try {
        spec().commandLine().getOut().println(JwtKeys.mint(JwtKeys.signer(vertx, algorithm, key), algorithm, sub, role, seconds));
      } finally {
        vertx.close();
      }
      return 0;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private CommandLine.Model.CommandSpec spec() {
      return spec;
    }

    static long ttlSeconds(String text) {
      Matcher m = TTL.matcher(text.trim());
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new IllegalArgumentException("--ttl must look like 90s, 60m, 8h or 1d, got '" + text + "'");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86400;
        default -> n;
      };
    }
  }
}
