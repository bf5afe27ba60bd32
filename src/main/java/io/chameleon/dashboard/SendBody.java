package io.chameleon.dashboard;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The SockJS send-body shapes: xhr_send's body, and jsonp_send's messages, are a JSON array whose
 * every element is a string (a message, itself JSON text).
 */
final class SendBody {

  /** What a jsonp_send body is: fine, of a content type SockJS does not take, or not messages. */
  enum Jsonp { OK, BAD_TYPE, BAD_BODY }

  private SendBody() {
  }

  static boolean valid(String body) {
    if (body == null || body.isBlank()) {
      return false;
    }
    try {
      JsonArray messages = new JsonArray(body);
      for (int i = 0; i < messages.size(); i++) {
        if (!(messages.getValue(i) instanceof String)) {
          return false;
        }
      }
      return true;
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  /**
   * A jsonp_send body as SockJS reads it: with {@code application/x-www-form-urlencoded}, the whole
   * body decoded, then what follows {@code d=}; with {@code text/plain}, the body itself.
   */
  static Jsonp jsonp(String contentType, String body) {
    String messages;
    if ("application/x-www-form-urlencoded".equalsIgnoreCase(contentType)) {
      if (body == null || body.length() <= 2 || !body.startsWith("d=")) {
        return Jsonp.BAD_BODY;
      }
      try {
        messages = URLDecoder.decode(body, StandardCharsets.UTF_8).substring(2);
      } catch (IllegalArgumentException e) {
        return Jsonp.BAD_BODY;
      }
    } else if ("text/plain".equalsIgnoreCase(contentType)) {
      messages = body;
    } else {
      return Jsonp.BAD_TYPE;
    }
    return valid(messages) ? Jsonp.OK : Jsonp.BAD_BODY;
  }
}
