package io.chameleon.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;

/**
 * Builds the JWT provider from the resolved {@code auth} configuration: the one configured key
 * (HS256 secret or RS256/ES256 PEM public key) and nothing else, so a token's
 * {@code kid}/{@code jku}/{@code x5u}/{@code jwk} header can never bring its own key.
 */
public final class JwtKeys {

  private JwtKeys() {
  }

  /** A verifier for the configured key. */
  public static JWTAuth verifier(Vertx vertx, JsonObject auth) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(key(auth.getString("algorithm"), keyMaterial(auth)))
      .setJWTOptions(verifyOptions(auth)));
  }

  /** A signer: the HS256 secret, or a PEM private key for RS256/ES256. */
  public static JWTAuth signer(Vertx vertx, String algorithm, String secretOrPrivatePem) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key(algorithm, secretOrPrivatePem)));
  }

  /** Mints a token with the claims Chameleon requires. */
  public static String mint(JWTAuth signer, String algorithm, String subject, String role, long ttlSeconds) {
    return signer.generateToken(
      new JsonObject().put("sub", subject).put("role", role),
      new JWTOptions().setAlgorithm(algorithm).setExpiresInSeconds((int) ttlSeconds));
  }

  static String keyMaterial(JsonObject auth) {
    return "HS256".equals(auth.getString("algorithm")) ? auth.getString("secret") : auth.getString("public_key");
  }

  private static PubSecKeyOptions key(String algorithm, String material) {
    return new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(material);
  }

  private static JWTOptions verifyOptions(JsonObject auth) {
    JWTOptions options = new JWTOptions().setLeeway(auth.getInteger("leeway_seconds", 30));
    if (auth.getString("issuer") != null) {
      options.setIssuer(auth.getString("issuer"));
    }
    if (auth.getString("audience") != null) {
      options.setAudience(List.of(auth.getString("audience")));
    }
    return options;
  }
}
