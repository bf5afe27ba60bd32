package io.chameleon.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 9 and SPEC §7 on the wire, with a plain TCP socket that writes its own frames: a
 * protocol error gets the close code RFC 6455 gives it — 1009 for a frame over the transport's
 * limit, 1002 for reserved bits without an extension, 1007 for a text frame that is not UTF-8 —
 * and the connection then ends in order (the client may finish writing, reads the close frame,
 * then end of stream), never with a reset that would hide the close frame from the client.
 */
class SocketProtocolErrorTest extends OneNodePerClass {

  /** Verifies that a 4 MiB frame, written whole by the client, gets 1009 and an orderly end. */
  @Test
  void aFrameFarOverTheLimitGets1009AndAnOrderlyClose() throws Exception {
    try (RawSocket socket = new RawSocket()) {
      byte[] payload = new byte[4 << 20];
      java.util.Arrays.fill(payload, (byte) 'x');
      // written on another thread: the server stops reading the frame at its header
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> socket.sendQuietly(0x81, payload));
      Frame close = socket.readFrame();
      assertEquals(0x88, close.opcodeByte, "a close frame");
      assertEquals(1009, close.closeCode());
      assertEquals("message over 65536 bytes", close.closeReason());
      written.get(10, TimeUnit.SECONDS);
      socket.awaitEndOfStream();
    }
  }

  /** Verifies that a frame with a reserved bit set, and no extension negotiated, gets 1002. */
  @Test
  void reservedBitsGet1002() throws Exception {
    try (RawSocket socket = new RawSocket()) {
      socket.send(0x81 | 0x40, "{\"type\":\"get_metrics\",\"id\":\"r\"}".getBytes(StandardCharsets.UTF_8));
      Frame close = socket.readFrame();
      assertEquals(0x88, close.opcodeByte);
      assertEquals(1002, close.closeCode());
      socket.awaitEndOfStream();
    }
  }

  /** Verifies that overlong UTF-8 ({@code C0 AF}, a disguised '/') in a text frame gets 1007. */
  @Test
  void invalidUtf8Gets1007() throws Exception {
    try (RawSocket socket = new RawSocket()) {
      byte[] head = "{\"type\":\"get_metrics\",\"id\":\"".getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      text.write(head);
      text.write(new byte[] {(byte) 0xC0, (byte) 0xAF});
      text.write("\"}".getBytes(StandardCharsets.UTF_8));
      socket.send(0x81, text.toByteArray());
      Frame close = socket.readFrame();
      assertEquals(0x88, close.opcodeByte);
      assertEquals(1007, close.closeCode());
      assertEquals("text frame is not valid UTF-8", close.closeReason());
      socket.awaitEndOfStream();
    }
  }

  /**
   * Verifies that UTF-8 split between two fragments in the middle of a character is valid: the
   * auth message arrives whole and its reply carries the id back as sent.
   */
  @Test
  void aCharacterSplitBetweenFragmentsIsValid() throws Exception {
    try (RawSocket socket = new RawSocket()) {
      String auth = new JsonObject().put("type", "auth").put("id", "é-1")
        .put("payload", new JsonObject().put("token", node.token("raw-utf8", "VIEWER"))).encode();
      byte[] bytes = auth.getBytes(StandardCharsets.UTF_8);
      int split = auth.indexOf('é') + 1; // after the first byte of the two-byte 'é'
      socket.send(0x01, java.util.Arrays.copyOfRange(bytes, 0, split));
      socket.send(0x80, java.util.Arrays.copyOfRange(bytes, split, bytes.length));
      Frame reply = socket.readFrame();
      assertEquals(0x81, reply.opcodeByte, "a text frame, not a close");
      JsonObject json = new JsonObject(new String(reply.payload, StandardCharsets.UTF_8));
      assertEquals("é-1", json.getString("id"));
      assertTrue(json.getBoolean("success"), json.encode());
    }
  }

  /** One server frame: its first byte (FIN, RSV, opcode) and its payload. */
  record Frame(int opcodeByte, byte[] payload) {
    int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  /** A client that did the upgrade on {@code /ws/interventions/websocket} and writes masked frames. */
  static final class RawSocket implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    RawSocket() throws IOException {
      socket = new Socket("127.0.0.1", node.http.port());
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      out.write(("GET /ws/interventions/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
    }

    void send(int firstByte, byte[] payload) throws IOException {
      byte[] mask = {1, 2, 3, 4};
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write(firstByte);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65_536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) (((long) payload.length >>> shift) & 0xff));
        }
      }
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i & 3]);
      }
      out.write(frame.toByteArray());
      out.flush();
    }

    void sendQuietly(int firstByte, byte[] payload) {
      try {
        send(firstByte, payload);
      } catch (IOException e) {
        throw new AssertionError("the server reset the connection while the client was still writing", e);
      }
    }

    Frame readFrame() throws IOException {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(first, payload);
    }

    /** The server closes in order: end of stream (after any frames), not a reset. */
    void awaitEndOfStream() throws IOException {
      try {
        while (true) {
          readFrame();
        }
      } catch (EOFException orderly) {
        // a reset would have thrown a SocketException instead
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed during the handshake: " + head);
        }
        head.append((char) b);
      }
      return head.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
