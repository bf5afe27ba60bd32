package io.chameleon.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-written HTTP/1.1 requests (paths that java.net.http refuses to send, such as a bad
 * percent-escape) with the whole response read back: status, headers and body. The request should
 * say {@code Connection: close}, so the body ends with the connection. Test thread only.
 */
final class RawHttp {

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {
  }

  static Response send(int port, String requestText) {
    return send(port, requestText, "");
  }

  /** Sends the head, flushes, then sends the body in a write of its own. */
  static Response send(int port, String head, String body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (!body.isEmpty()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String responseHead = end < 0 ? text : text.substring(0, end);
      String content = end < 0 ? "" : text.substring(end + 4);
      String[] lines = responseHead.split("\r\n");
      Map<String, String> headers = new TreeMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      String[] status = lines[0].split(" ");
      if (headers.containsKey("transfer-encoding")) {
        content = dechunk(content);
      }
      return new Response(status.length > 1 ? Integer.parseInt(status[1]) : -1, headers, content);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A GET of {@code path} with an optional bearer token and extra header lines. */
  static Response get(int port, String path, String token) {
    return send(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
  }

  private static String dechunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int eol = chunked.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      body.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    return body.toString();
  }
}
