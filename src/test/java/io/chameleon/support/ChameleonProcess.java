package io.chameleon.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code chameleon run} as a real JVM process (the test's own class path), on a free port over a
 * data directory, for tests that must kill a node the way an operator's machine would: SIGKILL,
 * no shutdown hook. Its output is kept for the failure message.
 */
public final class ChameleonProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("gateway listening \\[host: [^,]+, port: (\\d+)]");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Consumer<String> onLine;
  private volatile boolean stopped;
  public final Http http;

  private ChameleonProcess(Path dataDir, Map<String, String> env, List<String> jvmArgs, Consumer<String> onLine)
    throws IOException {
    this.onLine = onLine;
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
    command.addAll(jvmArgs); // after the default, so a -Xmx of their own wins
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.chameleon.app.Main", "run"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CHAMELEON_HTTP_PORT", "0");
    builder.environment().put("CHAMELEON_DATA_DIR", dataDir.toString());
    builder.environment().put("CHAMELEON_AUTH_SECRET", TestNode.SECRET);
    builder.environment().put("CHAMELEON_TEST_LOG_LEVEL", "INFO"); // logback-test.xml is on this class path
    builder.environment().putAll(TestNode.backendEnv(dataDir));
    builder.environment().putAll(env);
    process = builder.start();
    Thread reader = new Thread(this::readOutput, "chameleon-process-output");
    reader.setDaemon(true);
    reader.start();
    int actual;
    try {
      actual = port.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the node did not start listening in 60 s: " + tail(), e);
    }
    http = new Http(actual);
  }

  /** Starts a node over {@code dataDir} and returns once its HTTP port is open. */
  public static ChameleonProcess start(Path dataDir) {
    return start(dataDir, Map.of(), List.of(), line -> { });
  }

  /**
   * Starts a node over {@code dataDir} with {@code env} on top of the test defaults and {@code
   * jvmArgs} before the main class, and returns once its HTTP port is open; {@code onLine} sees
   * every line it prints as it prints it (on the thread that reads its output).
   */
  public static ChameleonProcess start(Path dataDir, Map<String, String> env, List<String> jvmArgs,
                                       Consumer<String> onLine) {
    try {
      return new ChameleonProcess(dataDir, env, jvmArgs, onLine);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
        onLine.accept(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone; what it printed is kept
    }
    port.completeExceptionally(new IllegalStateException("its output ended before it listened"));
  }

  public long pid() {
    return process.pid();
  }

  /** The exit code once it has exited, else null. */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGSTOP: the process is frozen as a long GC pause or a stalled VM would freeze it. */
  public void pause() {
    signal("STOP");
    stopped = true;
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
    stopped = false;
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).redirectErrorStream(true)
        .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
          + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether a line it printed so far contains {@code text}. */
  public boolean printed(String text) {
    return output.stream().anyMatch(line -> line.contains(text));
  }

  /** The lines it printed so far that contain {@code text}. */
  public List<String> lines(String text) {
    return output.stream().filter(line -> line.contains(text)).toList();
  }

  /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed that was not already. */
  public void kill() {
    if (stopped && process.isAlive()) {
      try {
        resume(); // a stopped process is woken before it is killed, so nothing is left frozen
      } catch (IllegalStateException gone) {
        // it died meanwhile
      }
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("still running 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines it printed (30, or {@code -Dtail.lines}). */
  public String tail() {
    List<String> lines = List.copyOf(output); // it may still be printing
    int count = Integer.getInteger("tail.lines", 30);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
