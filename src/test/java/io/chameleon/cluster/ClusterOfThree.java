package io.chameleon.cluster;

import io.chameleon.support.ClusterProcess.Kind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class's cluster of real processes: two store nodes and a gateway-only node over one test
 * redis-server, started once for the class and stopped after it (SIGCONT first for a node still
 * stopped, then SIGKILL, each by its pid; the redis-server too).
 */
abstract class ClusterOfThree {

  @TempDir
  static Path dir;

  static ProcessCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = ProcessCluster.start(dir, Kind.STORE, Kind.STORE, Kind.GATEWAY);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
