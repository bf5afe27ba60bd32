package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.chameleon.gateway.TokenRules.AuthFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

/**
 * The one way a token becomes a pilot: {@link TokenRules} first (shape, algorithm, claims, times),
 * then the signature with the configured key only. The HTTP gateway and the dashboard socket both
 * use it, so the two doors apply exactly the same rules. Never logs the token.
 */
public final class TokenVerifier {

  private final TokenRules rules;
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
  Future<Pilot> pilot(String token) {
    Pilot pilot;
    try {
      pilot = rules.check(token, System.currentTimeMillis() / 1000);
    } catch (AuthFailure e) {
      return Future.failedFuture(e);
    }
    return jwt.authenticate(new TokenCredentials(token))
      .transform(ar -> ar.succeeded() ? Future.succeededFuture(pilot)
        : Future.failedFuture(new AuthFailure("invalid token")));
  }
}
