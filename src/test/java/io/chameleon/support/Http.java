package io.chameleon.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A real HTTP client for end-to-end tests (java.net.http), plus a raw-socket request for the
 * malformed paths and headers that well-behaved clients refuse to send. Blocking: call it from the
 * test thread only.
 */
public final class Http {

  private final int port;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** HTTP/1.1, a connection per request in flight: what engines and load tools do. */
  private final HttpClient asyncClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();

  public Http(int port) {
    this.port = port;
  }

  public int port() {
    return port;
  }

  public Response send(String method, String path, String token, String body) {
    return send(method, path, token, body, "application/json");
  }

  public Response send(String method, String path, String token, String body, String contentType) {
    HttpRequest.Builder request = request(path, token)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  /**
   * A request to this node (its URI, a 15 s timeout, the bearer token when not null) for what the
   * other senders cannot say: more headers, a binary or streamed body. Send it with {@link #send(HttpRequest.Builder)}.
   */
  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(15));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  public Response send(HttpRequest.Builder request) {
    HttpRequest built = request.build();
    try {
      HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " failed: " + e, e);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Response post(String path, String token, String body) {
    return send("POST", path, token, body);
  }

  /**
   * Sends without waiting, for concurrent and paced load: a JSON body when {@code body} is not
   * null, an {@code Idempotency-Key} when {@code key} is not null. The future fails on a transport
   * error or after {@code timeout} ({@link java.net.http.HttpTimeoutException}).
   */
  public CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String token, String body,
                                                           String key, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(timeout)
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return asyncClient.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends bytes as they are and returns the status code of the first response line. */
  public int raw(String requestText) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestText.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A response: status, body, headers, and the body parsed as the envelope. */
  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }
}
