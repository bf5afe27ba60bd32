package io.chameleon.bench;

import io.chameleon.auth.JwtKeys;
import io.chameleon.auth.Pilot;
import io.chameleon.auth.TokenRules;
import io.chameleon.auth.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Token verification on one thread, HS256, a valid token minted by {@link JwtKeys#mint} (the
 * {@code chameleon token} path) and verified by {@link JwtKeys#verifier} (the gateway's provider).
 *
 * <ul>
 *   <li>{@code baselineHmacOnly}: one HMAC-SHA256 over the token's signing input with a reused
 *       {@link Mac} — the cryptographic floor;</li>
 *   <li>{@code jwtAuthenticate}: {@code JWTAuth.authenticate} alone (the reference the issue asks
 *       for);</li>
 *   <li>{@code tokenRulesCheck}: our plain-Java checks alone (split, 2× base64url + strict JSON
 *       parse, claim checks);</li>
 *   <li>{@code fullCheck}: {@code TokenRules.check} then {@code JWTAuth.authenticate}, by hand;</li>
 *   <li>{@code tokenVerifierPilot}: {@code TokenVerifier.pilot} — the same two steps as the gateway
 *       and the dashboard socket run them per request (plus the future's transform).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JwtBench {

  private static final String SECRET = "bench-only-7f3c1a9e5d2b4c6a8e0f1d3b5a7c9e1f";

  Vertx vertx;
  JWTAuth verifier;
  TokenRules rules;
  TokenVerifier tokenVerifier;
  String token;
  TokenCredentials credentials;
  Mac mac;
  byte[] signingInput;

  @Setup
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    JsonObject auth = new JsonObject()
      .put("algorithm", "HS256")
      .put("secret", SECRET)
      .put("leeway_seconds", 30)
      .put("max_lifetime_seconds", 86400);
    verifier = JwtKeys.verifier(vertx, auth);
    tokenVerifier = TokenVerifier.create(vertx, auth);
    token = JwtKeys.mint(JwtKeys.signer(vertx, "HS256", SECRET), "HS256", "bench-pilot", "OPERATOR", 3600);
    rules = new TokenRules(new TokenRules.Policy("HS256", 30, 86400, null, null));
    credentials = new TokenCredentials(token);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    // sanity: the token passes both, and authenticate completes synchronously
    Future<User> f = verifier.authenticate(new TokenCredentials(token));
    if (!f.isComplete() || f.failed()) {
      throw new IllegalStateException("authenticate did not succeed synchronously: " + f.cause());
    }
    if (!"OPERATOR".equals(f.result().get("role"))) {
      throw new IllegalStateException("role claim not found in user attributes");
    }
    rules.check(token, System.currentTimeMillis() / 1000);
    Future<Pilot> p = tokenVerifier.pilot(token);
    if (!p.isComplete() || p.failed()) {
      throw new IllegalStateException("TokenVerifier.pilot did not succeed synchronously: " + p.cause());
    }
  }

  @TearDown
  public void tearDown() {
    vertx.close();
  }

  @Benchmark
  public byte[] baselineHmacOnly() {
    return mac.doFinal(signingInput);
  }

  @Benchmark
  public User jwtAuthenticate() {
    return verifier.authenticate(new TokenCredentials(token)).result();
  }

  @Benchmark
  public Pilot tokenRulesCheck() {
    return rules.check(token, System.currentTimeMillis() / 1000);
  }

  @Benchmark
  public User fullCheck() {
    Pilot pilot = rules.check(token, System.currentTimeMillis() / 1000);
    User user = verifier.authenticate(new TokenCredentials(token)).result();
    return pilot == null ? null : user;
  }

  @Benchmark
  public Pilot tokenVerifierPilot() {
    return tokenVerifier.pilot(token).result();
  }
}
