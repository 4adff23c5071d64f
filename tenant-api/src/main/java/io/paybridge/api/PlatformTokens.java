package io.paybridge.api;

import io.paybridge.core.security.TokenKeys;
import io.paybridge.core.tenant.TenantStore.ApiClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The platform's own access tokens, issued at {@code /oauth/token}: HS256 JWTs under the current
 * token key (named by {@code kid}, checked only by that key while it is accepted, see {@link
 * KeyedJwt}) carrying the tenant, the granted scopes and the generation of the client secret that
 * bought them, so a token bought with a secret that was rotated away stops when that secret does.
 * Times come from the node's clock.
 */
final class PlatformTokens {

  static final String ISSUER = "paybridge";
  static final String AUDIENCE = "paybridge-api";
  static final String TENANT_CLAIM = "tid";

  /** The generation of the client secret a token was bought with; absent on older tokens: 1. */
  static final String GENERATION_CLAIM = "gen";

  private static final String RENEW = "request a new one at /oauth/token";

  /** A token as {@code /oauth/token} hands it out. */
  record Issued(String token, long expiresIn) {}

  private final TokenKeys keys;
  private final KeyedJwt jwt;
  private final Duration ttl;
  private final Clock clock;

  PlatformTokens(Vertx vertx, TokenKeys keys, Duration ttl, Clock clock) {
    this.keys = keys;
    this.jwt = new KeyedJwt(vertx, keys, KeyedJwt.signatureOnly());
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A token for the client, granting {@code scopes} (a subset of the client's). */
  Issued issue(ApiClient client, List<String> scopes) {
    long now = clock.instant().getEpochSecond();
    long seconds = ttl.toSeconds();
    JsonObject claims =
        new JsonObject()
            .put("iss", ISSUER)
            .put("aud", new JsonArray().add(AUDIENCE))
            .put("sub", client.clientId())
            .put("iat", now)
            .put("exp", now + seconds)
            .put(TENANT_CLAIM, client.tenantId().toString())
            .put("scope", String.join(" ", scopes))
            .put(GENERATION_CLAIM, client.generation());
    String token =
        jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
    return new Issued(token, seconds);
  }

  /**
   * Checks a token of this platform: algorithm, key, signature, then lifetime and audience against
   * the node's clock; fails with a {@link TokenRefusal} saying which. Whether its client still
   * accepts it is the caller's next check.
   */
  Future<Checked> check(String token, JwtParts parts) {
    try {
      if (!"HS256".equals(parts.algorithm())) {
        throw TokenRefusal.invalid(
            "this platform's tokens are signed with HS256; a token with the algorithm '"
                + parts.algorithm()
                + "' is refused");
      }
      String kid = parts.keyId();
      if (kid == null || keys.verifying(kid) == null) {
        throw TokenRefusal.invalid(
            "the token names no signing key this platform accepts (keys are retired a token"
                + " lifetime after they are replaced); "
                + RENEW);
      }
      if (!(parts.claims().getValue("exp") instanceof Number)) {
        throw TokenRefusal.invalid("the token has no expiry (exp)");
      }
    } catch (TokenRefusal refused) {
      return Future.failedFuture(refused);
    }
    Future<?> verified;
    try {
      verified = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException unreadable) {
      verified = Future.failedFuture(unreadable);
    }
    return verified
        .recover(
            bad ->
                Future.failedFuture(TokenRefusal.invalid("the token's signature does not verify")))
        .map(
            signed -> {
              JsonObject claims = parts.claims();
              TokenClaims.checkLifetime(claims, clock.instant(), RENEW);
              TokenClaims.checkAudience(claims, AUDIENCE);
              if (!(claims.getValue("sub") instanceof String subject)) {
                throw TokenRefusal.invalid("the token names no client (sub)");
              }
              int generation =
                  claims.getValue(GENERATION_CLAIM) instanceof Number n ? n.intValue() : 1;
              return new Checked(
                  new Caller(
                      TokenClaims.tenant(claims, TENANT_CLAIM),
                      subject,
                      TokenClaims.scopes(claims),
                      false),
                  generation);
            });
  }

  /** A platform token that passed: its caller and the secret generation it was bought with. */
  record Checked(Caller caller, int generation) {}

  /** The node's clock, for the checks that follow. */
  Instant now() {
    return clock.instant();
  }
}
