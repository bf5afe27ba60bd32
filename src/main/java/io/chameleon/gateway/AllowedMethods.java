package io.chameleon.gateway;

import io.chameleon.bus.Operation;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code Allow} header of a 405 (RFC 9110 §15.5.6 requires one): the methods the
 * {@link Operation} routes matching the path answer. Vert.x Web knows them but keeps them to itself
 * once an error handler takes over the 405. Other paths belong to the parts mounted beside the API:
 * the SockJS endpoint (GET, POST, OPTIONS) and the console (GET).
 */
final class AllowedMethods {

  private AllowedMethods() {
  }

  static String of(String path) {
    String normalised = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Set<String> methods = new LinkedHashSet<>();
    for (Operation operation : Operation.values()) {
      if (matches(operation.path, normalised)) {
        methods(operation).stream().map(HttpMethod::name).forEach(methods::add);
      }
    }
    if (!methods.isEmpty()) {
      return String.join(", ", methods);
    }
    return normalised.startsWith("/ws/") ? "GET, POST, OPTIONS" : "GET";
  }

  /** The methods an operation's route answers: a GET route answers HEAD too (the same headers, no body). */
  static List<HttpMethod> methods(Operation operation) {
    HttpMethod method = HttpMethod.valueOf(operation.method);
    return method == HttpMethod.GET ? List.of(method, HttpMethod.HEAD) : List.of(method);
  }

  /** A template's {@code :name} matches one non-empty segment, as in Vert.x Web. */
  static boolean matches(String template, String path) {
    String[] want = template.split("/", -1);
    String[] got = path.split("/", -1);
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      boolean ok = want[i].startsWith(":") ? !got[i].isEmpty() : want[i].equals(got[i]);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
