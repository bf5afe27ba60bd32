package io.chameleon.app;

import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * The {@code method} label of the HTTP server metrics: one of the standard methods, or
 * {@code OTHER}. HTTP lets a client send any token as a method, and each would otherwise become a
 * Prometheus series of its own.
 */
final class MethodLabel {

  static final String OTHER = "OTHER";

  private static final Set<String> STANDARD = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
    "TRACE", "CONNECT");

  private MethodLabel() {
  }

  static String of(HttpMethod method) {
    String name = method == null ? null : method.name();
    return name != null && STANDARD.contains(name) ? name : OTHER;
  }
}
