package io.chameleon.support;

import io.vertx.core.json.JsonObject;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * For end-to-end test classes whose tests share one running node (each test makes its own UOWs
 * and requests, so they do not interfere): started before the first test, over a fresh data dir,
 * stopped after the last. A class annotated {@link Config} gets those configuration overrides.
 * A subclass's own {@code @BeforeAll} runs after the node is up.
 */
public abstract class OneNodePerClass {

  /** Configuration overrides for the class's node, as JSON (merged into the test defaults). */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface Config {
    String value();
  }

  @TempDir
  protected static Path dataDir;
  protected static TestNode node;
  protected static Pilots p;

  @BeforeAll
  static void startNode(TestInfo info) {
    Config config = info.getTestClass().map(c -> c.getAnnotation(Config.class)).orElse(null);
    node = config == null ? TestNode.start(dataDir) : TestNode.start(dataDir, new JsonObject(config.value()));
    p = new Pilots(node);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }
}
