package io.chameleon.bus;

/**
 * A failure with an HTTP-like status and a SPEC error code. Handlers throw it; it crosses the event
 * bus as {@code message.fail(status, message)} and comes back through {@link BusClient}; the
 * gateway's one failure handler turns it into the response envelope.
 */
public final class Failure extends RuntimeException {

  private final int status;

  public Failure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The SPEC §1 error code for this status. */
  public String code() {
    return codeFor(status);
  }

  public static String codeFor(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 408 -> "REQUEST_TIMEOUT";
      case 409 -> "CONFLICT";
      case 413 -> "PAYLOAD_TOO_LARGE";
      case 414 -> "URI_TOO_LONG";
      case 415 -> "UNSUPPORTED_MEDIA_TYPE";
      case 431 -> "REQUEST_HEADER_FIELDS_TOO_LARGE";
      case 503 -> "UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
    };
  }

  public static Failure badRequest(String message) {
    return new Failure(400, message);
  }

  public static Failure notFound(String message) {
    return new Failure(404, message);
  }

  public static Failure conflict(String message) {
    return new Failure(409, message);
  }

  public static Failure unavailable(String message) {
    return new Failure(503, message);
  }
}
