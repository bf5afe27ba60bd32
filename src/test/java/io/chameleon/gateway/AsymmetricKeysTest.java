package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.auth.JwtKeys;
import io.chameleon.support.Jwts;
import io.chameleon.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RS256 and ES256: tokens from an external identity provider, verified with a configured PEM
 * public key — and nothing else verifies: not an HS256 token, not one signed by another key.
 */
class AsymmetricKeysTest {

  @TempDir
  Path dataDir;

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private void assertOnlyTheConfiguredKeyVerifies(String algorithm, KeyPair trusted, KeyPair other) {
    JsonObject auth = new JsonObject().put("algorithm", algorithm)
      .put("public_key", pem("PUBLIC KEY", trusted.getPublic().getEncoded()));
    try (TestNode node = TestNode.start(dataDir, new JsonObject().put("auth", auth))) {
      Vertx vertx = node.vertx;
      String good = JwtKeys.mint(JwtKeys.signer(vertx, algorithm, pem("PRIVATE KEY", trusted.getPrivate().getEncoded())),
        algorithm, "idp-pilot", "VIEWER", 600);
      assertEquals(200, node.http.get("/api/guardians", good).status(), algorithm + " token from the trusted key");
      String forged = JwtKeys.mint(JwtKeys.signer(vertx, algorithm, pem("PRIVATE KEY", other.getPrivate().getEncoded())),
        algorithm, "idp-pilot", "ADMIN", 600);
      assertEquals(401, node.http.get("/api/guardians", forged).status(), "a token signed by another key");
      String hmac = Jwts.hs256(TestNode.SECRET, Jwts.claims("idp-pilot", "ADMIN", 600));
      assertEquals(401, node.http.get("/api/guardians", hmac).status(), "an HS256 token on an " + algorithm + " server");
      String confused = Jwts.sign(pem("PUBLIC KEY", trusted.getPublic().getEncoded()), "HmacSHA256",
        "{\"alg\":\"HS256\"}", Jwts.claims("idp-pilot", "ADMIN", 600).encode());
      assertEquals(401, node.http.get("/api/guardians", confused).status(), "HMAC keyed with the public key");
    }
  }

  /** Verifies that with RS256 only tokens signed by the configured key's private half are accepted. */
  @Test
  void rs256() throws Exception {
    assertOnlyTheConfiguredKeyVerifies("RS256", rsa(), rsa());
  }

  /** Verifies that with ES256 only tokens signed by the configured key's private half are accepted. */
  @Test
  void es256() throws Exception {
    assertOnlyTheConfiguredKeyVerifies("ES256", ec(), ec());
  }
}
