package io.chameleon.dashboard;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

/** The SockJS send-body shape: a JSON array whose every element is a string (a message, itself JSON text). */
final class SendBody {

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
}
