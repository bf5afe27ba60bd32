package io.chameleon.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds tokens byte by byte, so tests can forge exactly the malformed ones an attacker would. */
public final class Jwts {

  private Jwts() {
  }

  public static JsonObject claims(String sub, String role, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", sub).put("role", role).put("iat", now).put("exp", now + ttlSeconds);
  }

  public static String hs256(String secret, JsonObject claims) {
    return sign(secret, "HmacSHA256", new JsonObject().put("alg", "HS256").put("typ", "JWT").encode(), claims.encode());
  }

  /** Signs raw header and payload texts with an HMAC of the given JCA name. */
  public static String sign(String secret, String hmac, String headerJson, String payloadJson) {
    String signingInput = b64(headerJson) + "." + b64(payloadJson);
    return signingInput + "." + b64(hmac(secret, hmac, signingInput));
  }

  public static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] hmac(String secret, String algorithm, String input) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
