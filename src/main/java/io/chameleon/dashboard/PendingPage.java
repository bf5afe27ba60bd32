package io.chameleon.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Cuts a {@code get_pending} answer to a byte bound: up to 500 requests of large contexts can make
 * tens of megabytes, more than a socket's write budget. Past the bound the answer keeps the longest
 * prefix of its {@code requests} that fits (at least one), with {@code count} to match,
 * {@code truncated: true} and {@code next_offset}, the {@code offset} that reads on from there.
 */
final class PendingPage {

  private PendingPage() {
  }

  static Object fit(Object data, long maxBytes) {
    if (!(data instanceof JsonObject answer) || !(answer.getValue("requests") instanceof JsonArray requests)) {
      return data;
    }
    JsonObject rest = answer.copy();
    rest.put("requests", new JsonArray()).put("truncated", true).put("next_offset", Long.MAX_VALUE);
    long bytes = WriteBudget.utf8Length(rest.encode());
    JsonArray kept = new JsonArray();
    for (int i = 0; i < requests.size(); i++) {
      long item = WriteBudget.utf8Length(io.vertx.core.json.Json.encode(requests.getValue(i))) + 1;
      if (bytes + item > maxBytes) {
        if (kept.isEmpty()) {
          kept.add(requests.getValue(i));
        }
        long offset = answer.getValue("offset") instanceof Number n ? n.longValue() : 0;
        return rest.put("requests", kept).put("count", kept.size()).put("next_offset", offset + kept.size());
      }
      bytes += item;
      kept.add(requests.getValue(i));
    }
    return data;
  }
}
