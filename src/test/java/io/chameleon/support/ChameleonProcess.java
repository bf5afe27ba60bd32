package io.chameleon.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
  public final Http http;

  private ChameleonProcess(Path dataDir, Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
      "io.chameleon.app.Main", "run").redirectErrorStream(true);
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
    try {
      return new ChameleonProcess(dataDir, Map.of());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
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

  /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed that was not already. */
  public void kill() {
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

  /** The last lines it printed. */
  public String tail() {
    return String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
