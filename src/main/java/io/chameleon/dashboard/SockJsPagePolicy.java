package io.chameleon.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Content-Security-Policy for the two HTML pages SockJS serves itself. The iframe page
 * ({@code iframe.html}) runs the vendored SockJS library and one fixed inline script, allowed by its
 * hash; it talks to this origin only and may be framed by this origin or the configured dashboard
 * origin (that is what it is for). The htmlfile page streams inline scripts whose text varies (the
 * callback name, each message), so it needs {@code 'unsafe-inline'} scripts — but nothing else:
 * no source to load from, no connection, framed by this origin only (it calls its parent).
 */
final class SockJsPagePolicy {

  /** The inline script of vertx-web 5's SockJS iframe page, exactly (the hash must match it byte for byte). */
  static final String IFRAME_SCRIPT = "\n    document.domain = document.domain;\n    SockJS.bootstrap_iframe();\n  ";
  static final String IFRAME_PATH = DashboardRoutes.SOCKET_PATH + "/iframe(-[^/]*)?\\.html";
  static final String HTMLFILE_PATH = DashboardRoutes.SOCKET_PATH + "/[^/.]+/[^/.]+/htmlfile";
  static final String HTMLFILE = "default-src 'none'; script-src 'unsafe-inline'; base-uri 'none';"
    + " form-action 'none'; frame-ancestors 'self'";

  private SockJsPagePolicy() {
  }

  static String iframe(String allowedOrigin) {
    String ancestors = allowedOrigin == null ? "'self'" : "'self' " + allowedOrigin;
    return "default-src 'none'; script-src 'self' '" + sha256(IFRAME_SCRIPT) + "'; connect-src 'self';"
      + " frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors " + ancestors;
  }

  static String sha256(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
