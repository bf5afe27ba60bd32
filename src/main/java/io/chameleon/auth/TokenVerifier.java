package io.chameleon.auth;

import io.chameleon.auth.TokenRules.AuthFailure;
import io.chameleon.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way a token becomes a pilot: {@link TokenRules} first (shape, algorithm, claims, times),
 * then the signature with the configured key only. The HTTP gateway and the dashboard socket both
 * use it, so the two doors apply exactly the same rules. Never logs the token. Each gateway
 * instance makes its own, used only on its event loop.
 */
public final class TokenVerifier {

  /** Cached verifications: a token stays valid until its exp (+ leeway), the only thing that can change. */
  static final int CACHED_TOKENS = 10_000;

  private final TokenRules rules;
  /**
   * Tokens already verified, most recently used last. Saves the parse and the HMAC on every
   * request of a pilot's session; a token is cached only once every check passed, and each hit
   * re-checks its expiry. One verifier per event loop: not thread-safe.
   */
  private final Map<String, Pilot> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pilot> eldest) {
      return size() > CACHED_TOKENS;
    }
  };
  private final JWTAuth jwt;
  private final long leewaySeconds;

  private TokenVerifier(TokenRules rules, JWTAuth jwt, long leewaySeconds) {
    this.rules = rules;
    this.jwt = jwt;
    this.leewaySeconds = leewaySeconds;
  }

  /** A verifier for the resolved {@code auth} configuration. */
  public static TokenVerifier create(Vertx vertx, JsonObject auth) {
    TokenRules rules = new TokenRules(new TokenRules.Policy(auth.getString("algorithm"),
      auth.getInteger("leeway_seconds"), auth.getInteger("max_lifetime_seconds"),
      auth.getString("issuer"), auth.getString("audience")));
    return new TokenVerifier(rules, JwtKeys.verifier(vertx, auth), auth.getInteger("leeway_seconds"));
  }

  /**
   * The pilot a token names, {@code {pilot_id, role, valid_until_ms}} ({@code valid_until_ms}: the
   * token's {@code exp} plus the leeway), or a failed future with a 401 {@link Failure} saying why.
   */
  public Future<JsonObject> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new Failure(401, "missing token"));
    }
    return pilot(token)
      .map(pilot -> pilot.toJson().put("valid_until_ms", (pilot.expiresAt() + leewaySeconds) * 1000))
      .recover(err -> Future.failedFuture(err instanceof AuthFailure
        ? new Failure(401, "invalid token: " + err.getMessage()) : err));
  }

  /** The pilot, or a failed future with an {@link AuthFailure} whose message says why. */
  public Future<Pilot> pilot(String token) {
    long now = System.currentTimeMillis() / 1000;
    Pilot known = verified.get(token);
    if (known != null && now <= known.expiresAt() + leewaySeconds) {
      return Future.succeededFuture(known);
    }
    Pilot pilot;
    try {
      pilot = rules.check(token, now);
    } catch (AuthFailure e) {
      return Future.failedFuture(e);
    }
    return jwt.authenticate(new TokenCredentials(token))
      .transform(ar -> {
        if (ar.failed()) {
          return Future.failedFuture(new AuthFailure("invalid token"));
        }
        verified.put(token, pilot);
        return Future.succeededFuture(pilot);
      });
  }
}
