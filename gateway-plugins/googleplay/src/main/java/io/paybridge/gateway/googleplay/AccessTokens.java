package io.paybridge.gateway.googleplay;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth 2.0 access tokens for the Play Developer API, obtained with a service account's signed
 * assertion (grant type {@value #GRANT_TYPE}) and cached per service account until {@link
 * #REFRESH_MARGIN} before they expire. Concurrent callers for one account share one exchange; a
 * failed exchange is not cached.
 *
 * <p>The cache key is the account's {@code client_email} together with a fingerprint of its private
 * key, so only a caller holding the key gets a token minted with it.
 *
 * <p>An exchange Google refuses (400, 401 or 403: the key was deleted or disabled, or the service
 * account removed) fails with a {@link ServiceAccountRefusedException}.
 */
final class AccessTokens {

  static final String SCOPE = "https://www.googleapis.com/auth/androidpublisher";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** A token is renewed this long before Google says it expires. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  static final String OPERATION = "oauth2 token";

  private final GatewayHttp http;
  private final Clock clock;
  private final String tokenUriOverride;
  private final long timeoutMs;
  private final Map<String, Future<Token>> cache = new ConcurrentHashMap<>();

  /**
   * @param tokenUriOverride the token endpoint to use instead of the key file's (tests point it at
   *     a simulator), or {@code null}
   */
  AccessTokens(GatewayHttp http, Clock clock, String tokenUriOverride, long timeoutMs) {
    this.http = http;
    this.clock = clock;
    this.tokenUriOverride = tokenUriOverride;
    this.timeoutMs = timeoutMs;
  }

  private record Token(String value, Instant refreshAt) {}

  /** A valid access token for the account, from the cache or a fresh exchange. */
  Future<String> token(ServiceAccount account) {
    String key = account.cacheKey();
    Instant now = clock.instant();
    Future<Token> token =
        cache.compute(key, (k, cached) -> usable(cached, now) ? cached : exchange(account, now));
    if (token.succeeded()) {
      // A fresh future: the cached one would run the caller's next steps on the event loop that
      // fetched the token.
      return Future.succeededFuture(token.result().value());
    }
    return token
        .recover(
            err -> {
              cache.remove(key, token);
              return Future.failedFuture(err);
            })
        .map(Token::value);
  }

  /** Forgets the account's token, after the API refused it. */
  void evict(ServiceAccount account) {
    cache.remove(account.cacheKey());
  }

  /** The endpoint assertions of this account go to (and name as their audience). */
  String endpoint(ServiceAccount account) {
    return tokenUriOverride != null ? tokenUriOverride : account.tokenUri();
  }

  private static boolean usable(Future<Token> cached, Instant now) {
    if (cached == null || cached.failed()) {
      return false;
    }
    return !cached.isComplete() || now.isBefore(cached.result().refreshAt());
  }

  private Future<Token> exchange(ServiceAccount account, Instant now) {
    String endpoint = endpoint(account);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GRANT_TYPE);
    form.put("assertion", account.assertion(SCOPE, endpoint, now));
    return http.send(
            OPERATION,
            HttpMethod.POST,
            endpoint,
            Map.of(
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
            Buffer.buffer(GatewayHttp.formEncode(form)),
            timeoutMs)
        .recover(
            err -> {
              // Google answers 400 invalid_grant (or 401 unauthorized_client) for a key it no
              // longer accepts: no retry helps until the tenant saves a working key.
              if (err instanceof GatewayApiException api
                  && !(err instanceof ServiceAccountRefusedException)
                  && (api.status() == 400 || api.status() == 401 || api.status() == 403)) {
                return Future.failedFuture(
                    new ServiceAccountRefusedException(
                        OPERATION, api.status(), ServiceAccountRefusedException.detail(api)));
              }
              return Future.failedFuture(err);
            })
        .map(
            response -> {
              JsonObject body = response.json(GooglePlayPlugin.ID, OPERATION);
              if (!(body.getValue("access_token") instanceof String value) || value.isBlank()) {
                throw unusable(response.status(), "the answer has no access_token");
              }
              Object type = body.getValue("token_type");
              if (type != null && !"bearer".equalsIgnoreCase(String.valueOf(type))) {
                throw unusable(response.status(), "the token type is not Bearer");
              }
              long expiresIn =
                  body.getValue("expires_in") instanceof Number n ? n.longValue() : 3600;
              Instant refreshAt =
                  clock.instant().plusSeconds(Math.max(0, expiresIn)).minus(REFRESH_MARGIN);
              return new Token(value, refreshAt);
            });
  }

  private static GatewayApiException unusable(int status, String detail) {
    return new GatewayApiException(GooglePlayPlugin.ID, OPERATION, status, detail);
  }
}
