package io.chameleon.support;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * For end-to-end test classes whose tests share one running node (each test makes its own UOWs
 * and requests, so they do not interfere): started before the first test, over a fresh data dir,
 * stopped after the last.
 */
public abstract class OneNodePerClass {

  @TempDir
  protected static Path dataDir;
  protected static TestNode node;
  protected static Pilots p;

  @BeforeAll
  static void startNode() {
    node = TestNode.start(dataDir);
    p = new Pilots(node);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }
}
