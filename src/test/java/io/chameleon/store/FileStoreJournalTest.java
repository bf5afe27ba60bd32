package io.chameleon.store;

import io.chameleon.snapshot.FileSnapshotStore;
import io.chameleon.snapshot.SnapshotStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The journal contract over the file event log and file snapshots. */
class FileStoreJournalTest extends StoreJournalContract {

  @TempDir
  Path dir;

  @Override
  protected JsonObject logConfig() {
    return new JsonObject().put("events", new JsonObject().put("backend", "file")
      .put("file", dir.resolve("events.jsonl").toString()));
  }

  @Override
  protected SnapshotStore snapshots(Vertx vertx) {
    return new FileSnapshotStore(vertx, dir.resolve("snapshots"));
  }
}
