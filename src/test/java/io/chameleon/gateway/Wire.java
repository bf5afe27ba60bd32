package io.chameleon.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One raw keep-alive HTTP/1.1 connection, from a chosen loopback source address (Linux routes all
 * of 127.0.0.0/8 to the loopback, so each address is a different client to the server): write
 * bytes, read one response at a time, tell whether the server has closed it. Test thread only.
 */
final class Wire implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  final Socket socket;
  private final InputStream in;

  Wire(int port, String from) {
    try {
      socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Wire(int port) {
    this(port, "127.0.0.1");
  }

  void write(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** A keep-alive GET. */
  Response get(String path, String token) throws IOException {
    write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
    return read();
  }

  /** Reads one response (a Content-Length body, or none). */
  Response read() throws IOException {
    Response head = readHead();
    int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
  }

  /** Reads a response head only (the answer to a HEAD request has no body, whatever its length says). */
  Response readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before a whole response head: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
  }

  /** Everything until the server closes; fails if it does not within {@code ms}. */
  String readToEnd(long ms) throws IOException {
    socket.setSoTimeout((int) ms);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      in.transferTo(all);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + ms + " ms; read: " + all.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException reset) {
      // a reset is a close too
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the server closes this connection within {@code ms} (reading and dropping what comes). */
  boolean closedWithin(long ms) {
    try {
      readToEnd(ms);
      return true;
    } catch (AssertionError | IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
