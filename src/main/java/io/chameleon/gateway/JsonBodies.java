package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.chameleon.bus.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Request bodies: only {@code application/json} (415 otherwise), parsed with {@link StrictJson}
 * (400 on malformed input), an empty body read as {@code {}}, and unknown fields refused by the
 * handlers that name their fields. The 64 KiB limit itself is the BodyHandler's (413).
 */
final class JsonBodies {

  static final int LIMIT_BYTES = 64 * 1024;
  private static final String BODY = "chameleon.body";

  private JsonBodies() {
  }

  /** Routing step after BodyHandler: checks the media type and parses the body once. */
  static void parse(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    boolean empty = raw == null || raw.length() == 0;
    String type = ctx.request().getHeader("Content-Type");
    // A declared non-JSON type is refused even when the body looks empty: multipart and forms
    // are decoded away by the body handler and must not pass as "{}".
    boolean json = type != null && isJson(type);
    if ((type != null && !json) || (!empty && type == null)) {
      ctx.fail(new Failure(415, "the body must be application/json"));
      return;
    }
    if (empty) {
      ctx.put(BODY, new JsonObject());
      ctx.next();
      return;
    }
    ctx.put(BODY, new JsonObject(StrictJson.parseObject(raw.getBytes())));
    ctx.next();
  }

  /** The media type itself (before any {@code ;} parameter such as charset) is application/json. */
  static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return mediaType.equalsIgnoreCase("application/json");
  }

  static JsonObject body(RoutingContext ctx) {
    return ctx.get(BODY);
  }

  /** The body, refusing any field not named. */
  static JsonObject body(RoutingContext ctx, Set<String> allowed) {
    JsonObject body = body(ctx);
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw Failure.badRequest("unknown field '" + field + "'");
      }
    }
    return body;
  }
}
