package io.chameleon.broadcast;

import io.vertx.core.json.JsonObject;

/**
 * The result of walking the hash chain: whether it holds, how many events were examined, the id of
 * the first event that breaks it ({@code null} when the chain holds), and where the walk started
 * when it could not start at the genesis ({@code anchoredAt}: the oldest kept event of a trimmed
 * log, whose {@code prev_hash} names an event no longer kept; {@code null} for a walk from the
 * genesis). {@code mismatch}: how the chain disagrees with a signed checkpoint or a pinned head
 * ({@code null} when it agrees, or nothing was checked); such a report is not ok.
 */
public record ChainReport(boolean ok, long checked, String firstBadId, String anchoredAt, String mismatch) {

  public ChainReport(boolean ok, long checked, String firstBadId, String anchoredAt) {
    this(ok, checked, firstBadId, anchoredAt, null);
  }

  public ChainReport(boolean ok, long checked, String firstBadId) {
    this(ok, checked, firstBadId, null);
  }

  public static ChainReport good(long checked) {
    return new ChainReport(true, checked, null);
  }

  public static ChainReport bad(long checked, String firstBadId) {
    return new ChainReport(false, checked, firstBadId);
  }

  /** This report for a walk that started at the kept event {@code id} instead of the genesis. */
  public ChainReport anchoredAt(String id) {
    return new ChainReport(ok, checked, firstBadId, id, mismatch);
  }

  /** This report with the audit's finding (null: it agreed). */
  public ChainReport mismatch(String found) {
    return found == null ? this : new ChainReport(false, checked, firstBadId, anchoredAt, found);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("ok", ok).put("checked", checked).put("first_bad_id", firstBadId)
      .put("anchored_at", anchoredAt);
    if (mismatch != null) {
      json.put("mismatch", mismatch);
    }
    return json;
  }
}
