package io.chameleon.broadcast.file;

import io.chameleon.broadcast.EventLog;
import io.chameleon.broadcast.EventLogContract;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link EventLog} contract on the JSON Lines file log. */
class FileEventLogContractTest extends EventLogContract {

  @TempDir
  Path dir;

  @Override
  protected EventLog create(Vertx vertx) {
    return new FileEventLog(vertx, dir.resolve("events.jsonl"));
  }
}
