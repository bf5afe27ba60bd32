package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.support.OneNodePerClass;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Issue 8 item 13: a 405 says which methods the resource takes; HEAD is answered wherever GET is. */
class MethodsTest extends OneNodePerClass {

  /** Verifies that a 405 carries Allow with the resource's methods. */
  @Test
  void methodNotAllowedCarriesAllow() throws IOException {
    String admin = node.token("admin-405", "ADMIN");
    try (Wire wire = new Wire(node.http.port())) {
      wire.write("DELETE /api/guardians HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin + "\r\n\r\n");
      Wire.Response r = wire.read();
      assertEquals(405, r.status());
      assertEquals("GET, HEAD", r.header("Allow"));
      wire.write("POST /api/guardians/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin
        + "\r\nContent-Length: 0\r\n\r\n");
      r = wire.read();
      assertEquals(405, r.status());
      assertEquals("GET, HEAD, PUT, DELETE", r.header("Allow"));
      wire.write("PUT /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
      r = wire.read();
      assertEquals(405, r.status());
      assertEquals("GET, HEAD", r.header("Allow"));
    }
  }

  /** Verifies that HEAD on a GET route answers as GET does (status and headers), without a body. */
  @Test
  void headIsAnsweredWhereGetIs() throws IOException {
    String viewer = node.token("viewer-head", "VIEWER");
    for (String path : new String[] {"/api/guardians", "/api/interventions/pending", "/health"}) {
      try (Wire wire = new Wire(node.http.port())) {
        Wire.Response get = wire.get(path, viewer);
        wire.write("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + viewer + "\r\n\r\n");
        Wire.Response head = wire.readHead();
        assertEquals(get.status(), head.status(), path);
        assertEquals(get.header("Content-Type"), head.header("Content-Type"), path);
        assertEquals(String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
          head.header("Content-Length"), path);
        // the connection goes on: no body was sent, so the next response starts right here
        assertEquals(get.status(), wire.get(path, viewer).status(), path);
      }
    }
  }
}
