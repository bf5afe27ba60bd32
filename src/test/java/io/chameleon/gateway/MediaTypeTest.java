package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §1 / BAR B13: only the media type application/json is a JSON body; anything else is 415. */
class MediaTypeTest extends OneNodePerClass {

  static final String GUARDIAN = "{\"type\":\"PASS_THRU\",\"attributes\":{}}";

  /** Verifies that application/json in any case, with parameters such as charset, is accepted. */
  @Test
  void applicationJsonWithParametersIsAccepted() {
    String admin = node.token("admin-media", "ADMIN");
    List<String> types = List.of("application/json", "APPLICATION/JSON", "Application/Json; charset=utf-8",
      "application/json;charset=UTF-8", "application/json ; charset=utf-8");
    int i = 0;
    for (String type : types) {
      Response r = node.http.send("PUT", "/api/guardians/media-ok-" + i++, admin, GUARDIAN, type);
      assertEquals(201, r.status(), type + ": " + r.body());
    }
  }

  /** Verifies that types that only start like application/json, or are other JSON-ish types, are 415. */
  @Test
  void lookAlikesAre415() {
    String admin = node.token("admin-media", "ADMIN");
    List<String> types = List.of("application/jsonx", "application/json-patch+json", "application/jsonp",
      "application/json2; charset=utf-8", "application/ld+json", "text/json", "application/x-json", "application/");
    for (String type : types) {
      Response r = node.http.send("PUT", "/api/guardians/media-bad", admin, GUARDIAN, type);
      assertEquals(415, r.status(), type + ": " + r.body());
      assertEquals("UNSUPPORTED_MEDIA_TYPE", r.errorCode());
    }
    assertEquals(404, node.http.get("/api/guardians/media-bad", admin).status());
  }
}
