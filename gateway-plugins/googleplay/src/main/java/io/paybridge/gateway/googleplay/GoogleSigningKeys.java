package io.paybridge.gateway.googleplay;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's rotating public keys for the OpenID Connect tokens it signs (a JWK set, by default at
 * {@value #DEFAULT_URL}), fetched through {@link GatewayHttp} and cached by key id.
 *
 * <p>The set is kept as long as the answer's {@code Cache-Control: max-age} (less its {@code Age})
 * says, within {@link #MIN_LIFETIME} and {@link #MAX_LIFETIME}. A token naming a key id the fresh
 * set does not hold makes the set be fetched again at once, because Google may have just rotated;
 * but at most once per {@link #MIN_LIFETIME}, so tokens with made-up key ids cannot turn each
 * delivery into a call to Google. Concurrent callers share one fetch. A failed fetch is not retried
 * within {@link #MIN_LIFETIME} either; tokens are then refused, and the sender retries.
 *
 * <p>Safe to use from several event loops: the cached set is an immutable snapshot, and the
 * bookkeeping of the fetch in flight is guarded by this object's monitor (no I/O inside).
 */
final class GoogleSigningKeys {

  /** Where Google publishes the keys its OpenID Connect ID tokens are signed with. */
  static final String DEFAULT_URL = "https://www.googleapis.com/oauth2/v3/certs";

  /** Shortest time a fetched set is kept, and the shortest interval between two fetches. */
  static final Duration MIN_LIFETIME = Duration.ofSeconds(60);

  /** Longest time a fetched set is kept, whatever the answer says. */
  static final Duration MAX_LIFETIME = Duration.ofHours(24);

  /** How long a set is kept when the answer has no usable {@code max-age}. */
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  /** Keys shorter than this are not accepted from the set. */
  private static final int MIN_MODULUS_BITS = 2048;

  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d+)");

  private final GatewayHttp http;
  private final String url;
  private final Clock clock;
  private final long timeoutMs;

  private volatile KeySet current = KeySet.EMPTY;
  private Future<KeySet> inFlight;
  private Instant lastFetch;

  GoogleSigningKeys(GatewayHttp http, String url, Clock clock, long timeoutMs) {
    this.http = http;
    this.url = url;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** The fetched keys and until when they may be used. */
  record KeySet(Map<String, RSAPublicKey> keys, Instant expiresAt) {
    static final KeySet EMPTY = new KeySet(Map.of(), Instant.MIN);

    KeySet {
      keys = Map.copyOf(keys);
    }
  }

  /** A key id that is not, or could not be confirmed to be, one of Google's current keys. */
  static final class UnknownKeyException extends RuntimeException {
    UnknownKeyException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The public key with the given id; fails with {@link UnknownKeyException} when Google does not
   * publish it, or with {@link GatewayApiException} when the keys could not be fetched.
   */
  Future<RSAPublicKey> key(String kid) {
    Instant now = clock.instant();
    KeySet set = current;
    if (now.isBefore(set.expiresAt())) {
      RSAPublicKey key = set.keys().get(kid);
      if (key != null) {
        return Future.succeededFuture(key);
      }
    }
    return refresh(now)
        .compose(
            fresh -> {
              RSAPublicKey key = fresh.keys().get(kid);
              return key != null
                  ? Future.succeededFuture(key)
                  : Future.failedFuture(
                      new UnknownKeyException("Google publishes no signing key with this kid"));
            });
  }

  /** The set as cached now, for tests and diagnostics. */
  KeySet cached() {
    return current;
  }

  private synchronized Future<KeySet> refresh(Instant now) {
    if (inFlight != null) {
      return inFlight;
    }
    KeySet set = current;
    if (lastFetch != null && now.isBefore(lastFetch.plus(MIN_LIFETIME))) {
      if (now.isBefore(set.expiresAt())) {
        // Fresh set, unknown kid, and the set was fetched moments ago: do not fetch again.
        return Future.succeededFuture(set);
      }
      return Future.failedFuture(
          new UnknownKeyException(
              "Google's signing keys could not be fetched recently; next attempt after "
                  + lastFetch.plus(MIN_LIFETIME)));
    }
    lastFetch = now;
    Future<KeySet> fetch = fetch();
    inFlight = fetch;
    return fetch.andThen(
        done -> {
          synchronized (this) {
            inFlight = null;
            if (done.succeeded()) {
              current = done.result();
            }
          }
        });
  }

  private Future<KeySet> fetch() {
    return http.get("signing keys (JWKS)", url, "application/json", timeoutMs)
        .map(
            response -> {
              Map<String, RSAPublicKey> keys =
                  parse(response.json(GooglePlayPlugin.ID, "signing keys (JWKS)"));
              Duration lifetime =
                  lifetime(response.headers().get("Cache-Control"), response.headers().get("Age"));
              return new KeySet(keys, clock.instant().plus(lifetime));
            });
  }

  /** The usable RS256 signing keys of a JWK set, by key id. */
  static Map<String, RSAPublicKey> parse(JsonObject jwks) {
    Object list = jwks.getValue("keys");
    if (!(list instanceof JsonArray keys)) {
      throw new GatewayApiException(
          GooglePlayPlugin.ID, "signing keys (JWKS)", 200, "the answer has no 'keys' array");
    }
    Map<String, RSAPublicKey> out = new HashMap<>();
    for (Object entry : keys) {
      if (entry instanceof JsonObject jwk) {
        RSAPublicKey key = rsaKey(jwk);
        if (key != null) {
          out.put(jwk.getString("kid"), key);
        }
      }
    }
    return out;
  }

  private static RSAPublicKey rsaKey(JsonObject jwk) {
    if (!"RSA".equals(jwk.getValue("kty"))
        || !(jwk.getValue("kid") instanceof String kid)
        || kid.isEmpty()
        || !(jwk.getValue("n") instanceof String n)
        || !(jwk.getValue("e") instanceof String e)) {
      return null;
    }
    Object alg = jwk.getValue("alg");
    Object use = jwk.getValue("use");
    if ((alg != null && !"RS256".equals(alg)) || (use != null && !"sig".equals(use))) {
      return null;
    }
    try {
      BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(n));
      BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(e));
      if (modulus.bitLength() < MIN_MODULUS_BITS) {
        return null;
      }
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    } catch (IllegalArgumentException | GeneralSecurityException ex) {
      return null;
    }
  }

  /** How long to keep a set, from the answer's {@code Cache-Control} and {@code Age} headers. */
  static Duration lifetime(String cacheControl, String age) {
    Duration lifetime = DEFAULT_LIFETIME;
    if (cacheControl != null) {
      String directives = cacheControl.toLowerCase(Locale.ROOT);
      Matcher m = MAX_AGE.matcher(directives);
      if (directives.contains("no-store") || directives.contains("no-cache")) {
        lifetime = Duration.ZERO;
      } else if (m.find()) {
        lifetime = Duration.ofSeconds(parseSeconds(m.group(1)));
      }
    }
    if (age != null && age.strip().matches("\\d{1,12}")) {
      lifetime = lifetime.minusSeconds(Long.parseLong(age.strip()));
    }
    if (lifetime.compareTo(MIN_LIFETIME) < 0) {
      return MIN_LIFETIME;
    }
    return lifetime.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : lifetime;
  }

  private static long parseSeconds(String digits) {
    return digits.length() > 12 ? MAX_LIFETIME.toSeconds() : Long.parseLong(digits);
  }
}
