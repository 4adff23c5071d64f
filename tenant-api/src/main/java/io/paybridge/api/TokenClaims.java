package io.paybridge.api;

import io.paybridge.core.security.ApiScopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The checks every access token's claims pass once its signature is good, whoever issued it: its
 * lifetime (with a few seconds' leeway for clocks that differ), its audience, the tenant it names
 * and the scopes it grants. Each failure says precisely what is wrong.
 */
final class TokenClaims {

  /** How far clocks of the issuer and of this node may differ. */
  static final Duration LEEWAY = Duration.ofSeconds(5);

  private TokenClaims() {}

  /**
   * Refuses a token that has no expiry, has expired, or is not valid yet.
   *
   * @param renew what the partner does to get a new token, ending the detail
   */
  static void checkLifetime(JsonObject claims, Instant now, String renew) {
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw TokenRefusal.invalid("the token has no expiry (exp)");
    }
    Instant expires = Instant.ofEpochSecond(exp.longValue());
    if (now.isAfter(expires.plus(LEEWAY))) {
      throw new TokenRefusal(
          TokenRefusal.Reason.EXPIRED, "the token expired at " + expires + "; " + renew);
    }
    for (String claim : new String[] {"nbf", "iat"}) {
      if (claims.getValue(claim) instanceof Number t
          && Instant.ofEpochSecond(t.longValue()).isAfter(now.plus(LEEWAY))) {
        throw TokenRefusal.invalid(
            "the token is not valid before "
                + Instant.ofEpochSecond(t.longValue())
                + " ("
                + claim
                + ")");
      }
    }
  }

  /** Refuses a token whose {@code aud} (a string or an array) does not name {@code audience}. */
  static void checkAudience(JsonObject claims, String audience) {
    Object aud = claims.getValue("aud");
    boolean named =
        aud instanceof String s
            ? s.equals(audience)
            : aud instanceof JsonArray a && a.getList().contains(audience);
    if (!named) {
      throw new TokenRefusal(
          TokenRefusal.Reason.WRONG_AUDIENCE,
          aud == null
              ? "the token names no audience; this API accepts tokens for '" + audience + "'"
              : "the token is meant for "
                  + (aud instanceof String ? "'" + aud + "'" : aud)
                  + ", not for this API ('"
                  + audience
                  + "')");
    }
  }

  /** The tenant id in {@code claim}; a token without one is not a token of this API. */
  static UUID tenant(JsonObject claims, String claim) {
    if (claims.getValue(claim) instanceof String s) {
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        throw TokenRefusal.invalid("the token's " + claim + " claim is not a tenant id");
      }
    }
    throw TokenRefusal.invalid("the token names no tenant (" + claim + ")");
  }

  /** The API's scopes among the space-separated {@code scope} claim; others are ignored. */
  static Set<String> scopes(JsonObject claims) {
    Set<String> out = new LinkedHashSet<>();
    if (claims.getValue("scope") instanceof String s) {
      for (String scope : s.strip().split("\\s+")) {
        if (ApiScopes.ALL.contains(scope)) {
          out.add(scope);
        }
      }
    }
    return out;
  }
}
