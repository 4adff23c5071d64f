package io.paybridge.gateway.googleplay;

import static io.paybridge.spi.JwsAlgorithm.RS256;

import io.paybridge.spi.CompactJws;
import io.paybridge.spi.JwsException;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the OpenID Connect token Cloud Pub/Sub puts in {@code Authorization: Bearer …} when a push
 * subscription has authentication enabled: an RS256 JWT signed by Google, issued to the service
 * account the subscription pushes as, for the audience the subscription names.
 *
 * <p>Checked, in this order (cheap checks first, so garbage never causes a key fetch): the token's
 * shape and canonical encoding; {@code alg} is exactly {@code RS256} and a {@code kid} is named;
 * {@code iss} is Google's; {@code aud} is the configured audience; {@code email} is the configured
 * service account and {@code email_verified} is {@code true}; {@code iat} is not in the future and
 * {@code exp} not in the past, each judged against the time the platform received the delivery with
 * {@link #LEEWAY}; then the signature, against Google's published key with that {@code kid}.
 *
 * <p>What the token does not cover: the request body. Pub/Sub signs who is calling, not what it
 * sends, so the plugin never takes an amount, state or customer from the body; it re-reads them
 * from the Play Developer API.
 */
final class PushTokenVerifier {

  /** How far a token's {@code iat} and {@code exp} may be off the receiving time. */
  static final Duration LEEWAY = Duration.ofSeconds(60);

  /** The issuers Google's ID tokens carry. */
  static final Set<String> ISSUERS = Set.of("accounts.google.com", "https://accounts.google.com");

  /** Google's ID tokens are about 1 KB; this bounds the work a caller can cause. */
  static final int MAX_LENGTH = 8 * 1024;

  private final GoogleSigningKeys keys;

  PushTokenVerifier(GoogleSigningKeys keys) {
    this.keys = keys;
  }

  /** The verdict on a bearer token; never a failed future. */
  Future<Verdict> verify(String token, String audience, String email, Instant receivedAt) {
    CompactJws jwt;
    JsonObject header;
    String problem;
    try {
      jwt = CompactJws.parse(token, "JWT", MAX_LENGTH);
      jwt.requireAlgorithm(RS256);
      header = jwt.header();
      problem = checkHeaderAndClaims(header, jwt.payload(), audience, email, receivedAt);
    } catch (JwsException e) {
      return Future.succeededFuture(Verdict.rejected("push token: " + e.getMessage()));
    }
    if (problem != null) {
      return Future.succeededFuture(
          Verdict.rejected(RejectionCause.WRONG_ACCOUNT, "push token: " + problem));
    }
    String kid = header.getString("kid");
    return keys.key(kid)
        .map(key -> signedBy(jwt, key, kid))
        .otherwise(
            err ->
                Verdict.rejected(
                    "push token: Google's signing key "
                        + kid
                        + " is unavailable: "
                        + err.getMessage()));
  }

  private static Verdict signedBy(CompactJws jwt, RSAPublicKey key, String kid) {
    try {
      return jwt.signedBy(key, RS256)
          ? Verdict.ok()
          : Verdict.rejected(
              RejectionCause.WRONG_SECRET,
              "push token: the signature does not match Google's key " + kid);
    } catch (JwsException e) {
      return Verdict.rejected("push token: " + e.getMessage());
    }
  }

  /** The first problem with the header (past its {@code alg}) or the claims, or {@code null}. */
  private static String checkHeaderAndClaims(
      JsonObject header, JsonObject claims, String audience, String email, Instant receivedAt) {
    if (!(header.getValue("kid") instanceof String kid) || kid.isEmpty() || kid.length() > 128) {
      return "the header names no usable kid";
    }
    if (!(claims.getValue("iss") instanceof String iss) || !ISSUERS.contains(iss)) {
      return "iss is not Google's: " + describe(claims.getValue("iss"));
    }
    if (!audienceMatches(claims.getValue("aud"), audience)) {
      return "aud is not the push audience configured for this account";
    }
    if (!(claims.getValue("email") instanceof String tokenEmail)
        || !tokenEmail.toLowerCase(Locale.ROOT).equals(email.toLowerCase(Locale.ROOT))) {
      return "email is not the push service account configured for this account";
    }
    if (!Boolean.TRUE.equals(claims.getValue("email_verified"))) {
      return "email_verified is not true";
    }
    Long iat = epochSeconds(claims.getValue("iat"));
    Long exp = epochSeconds(claims.getValue("exp"));
    if (iat == null || exp == null) {
      return "iat and exp must be whole seconds since 1970";
    }
    long now = receivedAt.getEpochSecond();
    long leeway = LEEWAY.toSeconds();
    if (iat > now + leeway) {
      return "issued " + (iat - now) + " s in the future (leeway " + leeway + " s)";
    }
    if (exp < now - leeway) {
      return "expired " + (now - exp) + " s ago (leeway " + leeway + " s)";
    }
    if (exp < iat) {
      return "exp is before iat";
    }
    return null;
  }

  private static boolean audienceMatches(Object aud, String expected) {
    if (aud instanceof String single) {
      return single.equals(expected);
    }
    if (aud instanceof JsonArray many) {
      return many.contains(expected);
    }
    return false;
  }

  private static Long epochSeconds(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      long seconds = ((Number) value).longValue();
      return seconds >= 0 ? seconds : null;
    }
    return null;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    String text = String.valueOf(value);
    return text.length() > 40 ? "'" + text.substring(0, 40) + "…'" : "'" + text + "'";
  }
}
