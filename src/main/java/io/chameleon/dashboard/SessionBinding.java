package io.chameleon.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds each SockJS session reached over a polling transport (xhr, xhr_streaming, eventsource,
 * htmlfile, jsonp) to the client that created it: its address and a secret the server issued to
 * it in a cookie. The session id in the URL is chosen by the client and travels in the clear, so
 * without this anyone who learns it can send into the session and read its replies. The WebSocket
 * transports need none of this: a socket cannot be joined. Shared by every gateway instance of the
 * node (SockJS's own session table is node-wide too).
 *
 * <p>The table is bounded by the socket caps ({@code dashboard.max_sockets} on the node,
 * {@code dashboard.max_sockets_per_address} per client address): a new session past either is
 * refused before SockJS makes it, so a client inventing session ids cannot grow the table (a
 * binding lives until {@value #IDLE_MS} ms after its last request, longer than its socket).
 */
final class SessionBinding implements Shareable {

  static final String COOKIE = "chameleon_sockjs";
  /** A binding with no request under way for this long is gone: SockJS drops a session after 5 s without one. */
  static final long IDLE_MS = 60_000;
  private static final long PURGE_EVERY_MS = 10_000;
  /** {@code /<server>/<session>/<transport>} under the socket path, as SockJS itself parses it. */
  private static final Pattern SESSION_PATH = Pattern.compile(
    "/[^/.]+/([^/.]+)/(xhr|xhr_streaming|eventsource|htmlfile|jsonp|xhr_send|jsonp_send)");
  /** SockJS's xhr_send path, absolute. */
  static final String XHR_SEND_PATH = DashboardRoutes.SOCKET_PATH + "/[^/.]+/[^/.]+/xhr_send";
  /** SockJS's jsonp_send path, absolute. */
  static final String JSONP_SEND_PATH = DashboardRoutes.SOCKET_PATH + "/[^/.]+/[^/.]+/jsonp_send";
  /** Either send path: the only requests whose bodies SockJS reads. */
  static final String SEND_PATH = DashboardRoutes.SOCKET_PATH + "/[^/.]+/[^/.]+/(?:xhr|jsonp)_send";
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the check decided: the request may go on (with a cookie to set, or null), or it is
   * refused — as not this client's session, or, when {@code overCap} names one, as a new session
   * past a cap.
   */
  record Verdict(boolean allowed, String setCookie, SocketCaps.Cap overCap) {
  }

  private static final class Entry {
    final String address;
    final String secret;
    int open;
    long lastSeen;

    Entry(String address, String secret) {
      this.address = address;
      this.secret = secret;
    }
  }

  private final Map<String, Entry> bySession = new HashMap<>();
  private final Map<String, Integer> byAddress = new HashMap<>();
  private final int maxSessions;
  private final int maxPerAddress;
  private long lastPurge;

  SessionBinding(SocketCaps.Limits caps) {
    this.maxSessions = caps.node();
    this.maxPerAddress = caps.perAddress();
  }

  static SessionBinding of(Vertx vertx, SocketCaps.Limits caps) {
    LocalMap<String, SessionBinding> map = vertx.sharedData().getLocalMap("chameleon.dashboard");
    SessionBinding fresh = new SessionBinding(caps);
    SessionBinding existing = map.putIfAbsent("session-binding", fresh);
    return existing != null ? existing : fresh;
  }

  /** The session id of a polling transport's path (relative to the socket path), or null for anything else. */
  static String sessionOf(String subPath) {
    Matcher m = SESSION_PATH.matcher(subPath);
    return m.matches() ? m.group(1) : null;
  }

  /** Whether the transport only sends into an existing session (it cannot create one). */
  static boolean sendOnly(String subPath) {
    return subPath.endsWith("_send");
  }

  /**
   * A request for {@code session} from {@code address} carrying {@code cookie} (null if none).
   * A new session is bound to the caller (issuing a secret unless its cookie already holds one);
   * a known one lets only its own client in. An allowed request counts as under way until
   * {@link #done} is called.
   */
  synchronized Verdict enter(String session, boolean sendOnly, String address, String cookie, long now) {
    purge(now);
    Entry entry = bySession.get(session);
    String setCookie = null;
    if (entry == null) {
      if (sendOnly) {
        return new Verdict(false, null, null);
      }
      if (bySession.size() >= maxSessions) {
        return new Verdict(false, null, SocketCaps.Cap.NODE);
      }
      if (byAddress.getOrDefault(address, 0) >= maxPerAddress) {
        return new Verdict(false, null, SocketCaps.Cap.ADDRESS);
      }
      String secret = cookie;
      if (secret == null || !SECRET.matcher(secret).matches()) {
        secret = newSecret();
        setCookie = secret;
      }
      entry = new Entry(address, secret);
      bySession.put(session, entry);
      byAddress.merge(address, 1, Integer::sum);
    } else if (!entry.address.equals(address) || cookie == null || !constantTimeEquals(entry.secret, cookie)) {
      return new Verdict(false, null, null);
    }
    entry.open++;
    entry.lastSeen = now;
    return new Verdict(true, setCookie, null);
  }

  synchronized void done(String session, long now) {
    Entry entry = bySession.get(session);
    if (entry != null) {
      entry.open = Math.max(0, entry.open - 1);
      entry.lastSeen = now;
    }
  }

  synchronized int size() {
    return bySession.size();
  }

  private void purge(long now) {
    if (now - lastPurge < PURGE_EVERY_MS) {
      return;
    }
    lastPurge = now;
    bySession.values().removeIf(e -> {
      if (e.open == 0 && now - e.lastSeen > IDLE_MS) {
        byAddress.computeIfPresent(e.address, (a, n) -> n > 1 ? n - 1 : null);
        return true;
      }
      return false;
    });
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean constantTimeEquals(String a, String b) {
    return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      b.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
