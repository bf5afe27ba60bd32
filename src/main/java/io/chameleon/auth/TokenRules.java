package io.chameleon.auth;

import io.chameleon.bus.Failure;
import io.chameleon.bus.Role;
import io.chameleon.bus.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The checks a token must pass before (and besides) its signature, as plain Java: three segments,
 * the configured algorithm, no critical extensions, and the claims SPEC §2 requires with the right
 * types. vertx-auth-jwt makes {@code exp} and {@code sub} optional, accepts {@code alg: none} when
 * no key matches, and throws ClassCastException on a non-numeric {@code exp}; this class is why
 * none of that reaches a pilot endpoint.
 */
public final class TokenRules {

  /** What a token must satisfy; times in seconds. */
  public record Policy(String algorithm, long leewaySeconds, long maxLifetimeSeconds, String issuer, String audience) {
  }

  private final Policy policy;

  public TokenRules(Policy policy) {
    this.policy = policy;
  }

  /** Returns the pilot the token names, or throws a 401 {@link AuthFailure} saying why. */
  public Pilot check(String token, long nowSeconds) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new AuthFailure("malformed token");
    }
    Map<String, Object> header = segment(parts[0], "header");
    Map<String, Object> claims = segment(parts[1], "payload");
    if (!policy.algorithm().equals(header.get("alg"))) {
      throw new AuthFailure("unexpected token algorithm");
    }
    if (header.containsKey("crit")) {
      throw new AuthFailure("unsupported critical header");
    }
    String sub = nonEmptyString(claims, "sub");
    if (sub.length() > Pilot.MAX_ID_LENGTH) {
      throw new AuthFailure("claim 'sub' is longer than " + Pilot.MAX_ID_LENGTH + " characters");
    }
    Role role = Role.parse(claims.get("role"))
      .orElseThrow(() -> new AuthFailure("claim 'role' must be one of ADMIN, OPERATOR, VIEWER"));
    double exp = number(claims, "exp", true);
    Double nbf = claims.containsKey("nbf") ? number(claims, "nbf", false) : null;
    Double iat = claims.containsKey("iat") ? number(claims, "iat", false) : null;
    long leeway = policy.leewaySeconds();
    if (exp + leeway < nowSeconds) {
      throw new AuthFailure("token expired");
    }
    if (nbf != null && nbf - leeway > nowSeconds) {
      throw new AuthFailure("token not yet valid (nbf)");
    }
    if (iat != null && iat - leeway > nowSeconds) {
      throw new AuthFailure("token issued in the future (iat)");
    }
    double issued = iat != null ? iat : nowSeconds;
    if (exp - issued > policy.maxLifetimeSeconds()) {
      throw new AuthFailure("token lifetime exceeds " + policy.maxLifetimeSeconds() + " s");
    }
    if (policy.issuer() != null && !policy.issuer().equals(claims.get("iss"))) {
      throw new AuthFailure("claim 'iss' does not match");
    }
    if (policy.audience() != null && !audienceMatches(claims.get("aud"))) {
      throw new AuthFailure("claim 'aud' does not match");
    }
    return new Pilot(sub, role, (long) exp);
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return s.equals(policy.audience());
    }
    if (aud instanceof List<?> list) {
      return list.stream().allMatch(a -> a instanceof String) && list.contains(policy.audience());
    }
    return false;
  }

  private static Map<String, Object> segment(String encoded, String what) {
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(encoded.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new AuthFailure("malformed token " + what);
    }
    try {
      return StrictJson.parseObject(json);
    } catch (Failure e) {
      throw new AuthFailure("malformed token " + what);
    }
  }

  private static String nonEmptyString(Map<String, Object> claims, String name) {
    if (claims.get(name) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new AuthFailure("claim '" + name + "' is missing or not a non-empty string");
  }

  private static double number(Map<String, Object> claims, String name, boolean required) {
    Object value = claims.get(name);
    if (value == null && required) {
      throw new AuthFailure("claim '" + name + "' is missing");
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw new AuthFailure("claim '" + name + "' must be a number");
  }

  /** A token that does not authenticate; always a 401. */
  public static final class AuthFailure extends RuntimeException {
    public AuthFailure(String message) {
      super(message, null, false, false);
    }
  }
}
