package io.chameleon.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for tests: its own directory, a free loopback port, durable as the
 * tests need it ({@code appendonly yes}, {@code appendfsync always}), {@code DEBUG} allowed from
 * loopback for stalls. Stopped by its own pid ({@link #close()}, or at JVM exit for the
 * {@link #shared()} one), never a Redis someone else runs on 6379. {@link #command} is a second,
 * plain RESP client for fault injection and for checking what Chameleon wrote.
 */
public final class RedisServer implements AutoCloseable {

  private static RedisServer shared;

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server over {@code dir} (created when missing) on a free port. */
  public static RedisServer start(Path dir) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisServer server = new RedisServer(dir, freePort());
      try {
        server.launch();
        return server;
      } catch (IllegalStateException e) {
        // another process took the port between the probe and the bind: try another
        server.close();
        last = e;
      }
    }
    throw last;
  }

  /** Starts a server over {@code dir} on {@code port} (one a test kept free until now). */
  public static RedisServer start(Path dir, int port) {
    RedisServer server = new RedisServer(dir, port);
    try {
      server.launch();
      return server;
    } catch (IllegalStateException e) {
      server.close();
      throw e;
    }
  }

  /** A loopback port nothing listens on now. */
  public static int unusedPort() {
    return freePort();
  }

  /**
   * One server for the whole test JVM (the suites that run on Redis share it, each node under its
   * own key prefix), stopped when the JVM exits.
   */
  public static synchronized RedisServer shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("chameleon-redis-");
        shared = start(dir);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      RedisServer server = shared;
      // its directory goes too: a suite's shared Redis leaves ~35 MB of append-only file behind
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        deleteTree(server.dir());
      }, "stop-test-redis"));
    }
    return shared;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  private static String binary() {
    String configured = System.getProperty("redis.server", System.getenv("CHAMELEON_TEST_REDIS_SERVER"));
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("redis-server is not installed: run scripts/test, which installs it "
      + "(apt-get install redis-server), or set -Dredis.server=<path>");
  }

  private void launch() {
    try {
      Files.createDirectories(dir);
      process = new ProcessBuilder(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--daemonize", "no", "--enable-debug-command", "local",
        "--logfile", dir.resolve("redis.log").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.out").toFile())
        .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited at start: " + log());
      }
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (IllegalStateException | RedisError notYet) {
        // not listening yet, or still loading its append-only file (-LOADING)
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("redis-server did not answer PING in 20 s: " + log());
  }

  /** SIGKILL, as a crash: whatever {@code appendfsync} had not made durable is lost. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** Starts the server again over the same directory and port (after {@link #kill()}). */
  public void restart() {
    if (running()) {
      throw new IllegalStateException("still running");
    }
    launch();
  }

  /** Stops it by its pid: SIGTERM, then SIGKILL if it has not exited in 10 s. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    awaitExit();
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server " + process.pid() + " still running 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String log() {
    try {
      Path log = dir.resolve("redis.log");
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Sends one command on a fresh connection and returns the reply: a String (simple or bulk), a
   * Long, a List of replies, or null. An error reply is thrown as {@link RedisError}.
   */
  public Object send(String... args) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(request.toByteArray());
      out.flush();
      return readReply(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new IllegalStateException("redis " + port + ": " + e.getMessage(), e);
    }
  }

  /** {@link #send} for a reply expected as text. */
  public String command(String... args) {
    Object reply = send(args);
    return reply == null ? null : reply.toString();
  }

  private static Object readReply(InputStream in) throws IOException {
    int type = in.read();
    String line = readLine(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply type " + (char) type);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\r') {
        in.read();
        break;
      }
      line.write(b);
    }
    if (b == -1) {
      throw new IOException("connection closed");
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An error reply of Redis. */
  public static final class RedisError extends RuntimeException {
    RedisError(String message) {
      super(message);
    }
  }
}
