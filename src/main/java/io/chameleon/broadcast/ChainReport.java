package io.chameleon.broadcast;

import io.vertx.core.json.JsonObject;

/**
 * The result of walking the hash chain: whether it holds, how many events were examined, and the
 * id of the first event that breaks it ({@code null} when the chain holds).
 */
public record ChainReport(boolean ok, long checked, String firstBadId) {

  public static ChainReport good(long checked) {
    return new ChainReport(true, checked, null);
  }

  public static ChainReport bad(long checked, String firstBadId) {
    return new ChainReport(false, checked, firstBadId);
  }

  public JsonObject toJson() {
    return new JsonObject().put("ok", ok).put("checked", checked).put("first_bad_id", firstBadId);
  }
}
