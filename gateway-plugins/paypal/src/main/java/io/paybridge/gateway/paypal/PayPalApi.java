package io.paybridge.gateway.paypal;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The few PayPal REST calls the plugin makes, on {@link GatewayHttp}: an OAuth 2 access token per
 * REST app; the lookups that confirm what a webhook claims (a capture, a refund or reversal, a
 * sale, a sale's refund, a dispute, a subscription); cancelling a subscription and refunding a sale
 * or a capture.
 *
 * <p>Access tokens are cached per API base, client id and (a hash of the) client secret, so an
 * account that names another tenant's client id without its secret never borrows that tenant's
 * token; a token is reused until a minute before PayPal says it expires (or half its lifetime for
 * short-lived ones), concurrent callers share one token request, and an API answer of 401 drops the
 * token and retries the call once with a fresh one.
 */
final class PayPalApi {

  /** Tokens cached at most; one per REST app in use. */
  static final int MAX_TOKENS = 1024;

  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long TOKEN_MARGIN_SECONDS = 60;

  private final GatewayHttp http;
  private final String baseOverride;
  private final long timeoutMs;
  private final Clock clock;
  private final Map<String, CachedToken> tokens =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedToken> eldest) {
          return size() > MAX_TOKENS;
        }
      };

  private record CachedToken(Future<Token> token) {}

  private record Token(String value, Instant refreshAt) {}

  /**
   * @param baseOverride a base URL used for every account instead of PayPal's (tests, staging), or
   *     {@code null}
   */
  PayPalApi(GatewayHttp http, String baseOverride, long timeoutMs, Clock clock) {
    this.http = http;
    this.baseOverride = baseOverride;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  /** The REST API base URL for the account. */
  String base(Credentials credentials) {
    if (baseOverride != null) {
      return baseOverride;
    }
    return PayPalEnvironment.of(credentials).apiBase();
  }

  /** {@code GET /v1/billing/subscriptions/{id}}. */
  Future<JsonObject> subscription(String subscriptionId, Credentials credentials) {
    return lookup("subscription lookup", "/v1/billing/subscriptions/", subscriptionId, credentials);
  }

  /** {@code GET /v2/payments/captures/{id}}: a captured payment. */
  Future<JsonObject> capture(String captureId, Credentials credentials) {
    return lookup("capture lookup", "/v2/payments/captures/", captureId, credentials);
  }

  /** {@code GET /v2/payments/refunds/{id}}: a refund or a reversal of a captured payment. */
  Future<JsonObject> captureRefund(String refundId, Credentials credentials) {
    return lookup("refund lookup", "/v2/payments/refunds/", refundId, credentials);
  }

  /** {@code GET /v1/payments/sale/{id}}: a sale (a subscription's charge, a v1 payment). */
  Future<JsonObject> sale(String saleId, Credentials credentials) {
    return lookup("sale lookup", "/v1/payments/sale/", saleId, credentials);
  }

  /** {@code GET /v1/payments/refund/{id}}: a refund or a reversal of a sale. */
  Future<JsonObject> saleRefund(String refundId, Credentials credentials) {
    return lookup("sale refund lookup", "/v1/payments/refund/", refundId, credentials);
  }

  /** {@code GET /v1/customer/disputes/{id}}. */
  Future<JsonObject> dispute(String disputeId, Credentials credentials) {
    return lookup("dispute lookup", "/v1/customer/disputes/", disputeId, credentials);
  }

  /** A GET of one resource by id under {@code collection}, with the account's token. */
  private Future<JsonObject> lookup(
      String operation, String collection, String id, Credentials credentials) {
    return guarded(
        () -> {
          String url = base(credentials) + collection + resourceId(id);
          return authorized(
                  credentials, token -> send(operation, HttpMethod.GET, url, bearer(token), null))
              .map(r -> json(r, operation));
        });
  }

  /** {@code POST /v1/billing/subscriptions/{id}/cancel}; PayPal answers 204. */
  Future<Void> cancelSubscription(String subscriptionId, String reason, Credentials credentials) {
    return guarded(
        () -> {
          String url =
              base(credentials)
                  + "/v1/billing/subscriptions/"
                  + resourceId(subscriptionId)
                  + "/cancel";
          Buffer body = new JsonObject().put("reason", reason).toBuffer();
          return authorized(
                  credentials,
                  token ->
                      send(
                          "subscription cancel",
                          HttpMethod.POST,
                          url,
                          jsonHeaders(token, null),
                          body))
              .mapEmpty();
        });
  }

  /**
   * A full refund of a sale ({@code POST /v1/payments/sale/{id}/refund}) or of a capture ({@code
   * POST /v2/payments/captures/{id}/refund}), under an idempotency key derived from the payment, so
   * repeating the call never refunds twice.
   */
  Future<JsonObject> refund(boolean capture, String paymentId, Credentials credentials) {
    return guarded(
        () -> {
          String id = resourceId(paymentId);
          String operation = capture ? "capture refund" : "sale refund";
          String url =
              base(credentials)
                  + (capture ? "/v2/payments/captures/" + id : "/v1/payments/sale/" + id)
                  + "/refund";
          String requestId = refundRequestId(capture, id);
          Buffer body = new JsonObject().toBuffer();
          return authorized(
                  credentials,
                  token ->
                      send(operation, HttpMethod.POST, url, jsonHeaders(token, requestId), body))
              .map(r -> json(r, operation));
        });
  }

  /**
   * A call with the account's token to {@code path} under the account's API base, answered with its
   * headers (PayPal names each answer with a {@code Paypal-Debug-Id}). A call with a body sends it
   * as JSON, under {@code PayPal-Request-Id} {@code requestId} when one is given, so that PayPal
   * answers a repeated call with the first one's result.
   */
  Future<GatewayHttp.Response> exchange(
      String operation,
      HttpMethod method,
      String path,
      Buffer body,
      String requestId,
      Credentials credentials) {
    return guarded(
        () -> {
          String url = base(credentials) + path;
          return authorized(
              credentials,
              token ->
                  send(
                      operation,
                      method,
                      url,
                      body == null ? bearer(token) : jsonHeaders(token, requestId),
                      body));
        });
  }

  /**
   * A POST of {@code body} to {@code path} with the account's token and {@code requestId} as {@code
   * PayPal-Request-Id}, asking for the whole resource back ({@code Prefer: return=representation});
   * the answer as a JSON object.
   */
  Future<JsonObject> post(
      String operation, String path, String requestId, JsonObject body, Credentials credentials) {
    return guarded(
        () -> {
          String url = base(credentials) + path;
          return authorized(
                  credentials,
                  token -> {
                    Map<String, String> headers = jsonHeaders(token, requestId);
                    headers.put("Prefer", "return=representation");
                    return send(operation, HttpMethod.POST, url, headers, body.toBuffer());
                  })
              .map(r -> json(r, operation));
        });
  }

  /** The idempotency key of the full refund of a payment: the same for every attempt. */
  static String refundRequestId(boolean capture, String paymentId) {
    return "paybridge-refund-" + (capture ? "capture-" : "sale-") + paymentId;
  }

  /** An access token for the account's REST app, from the cache or PayPal. */
  Future<String> accessToken(Credentials credentials) {
    return guarded(
        () -> {
          String key = tokenKey(credentials);
          Instant now = clock.instant();
          CachedToken cached;
          synchronized (tokens) {
            cached = tokens.get(key);
            boolean usable =
                cached != null
                    && (!cached.token().isComplete()
                        || (cached.token().succeeded()
                            && now.isBefore(cached.token().result().refreshAt())));
            if (!usable) {
              cached = new CachedToken(requestToken(credentials));
              tokens.put(key, cached);
            }
          }
          CachedToken requested = cached;
          return requested.token().onFailure(err -> forget(key, requested)).map(Token::value);
        });
  }

  /** Drops the account's cached token if it is still {@code rejected}, so the next call renews. */
  private void invalidateToken(Credentials credentials, String rejected) {
    String key = tokenKey(credentials);
    synchronized (tokens) {
      CachedToken cached = tokens.get(key);
      if (cached != null
          && cached.token().succeeded()
          && cached.token().result().value().equals(rejected)) {
        tokens.remove(key);
      }
    }
  }

  private void forget(String key, CachedToken token) {
    synchronized (tokens) {
      tokens.remove(key, token);
    }
  }

  private Future<Token> requestToken(Credentials credentials) {
    String operation = "access token";
    Instant requestedAt = clock.instant();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(
        "Authorization",
        GatewayHttp.basic(
            credentials.require(PayPalPlugin.CLIENT_ID),
            credentials.require(PayPalPlugin.CLIENT_SECRET)));
    headers.put("Accept", "application/json");
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    Buffer form = Buffer.buffer(GatewayHttp.formEncode(Map.of("grant_type", "client_credentials")));
    return send(operation, HttpMethod.POST, base(credentials) + "/v1/oauth2/token", headers, form)
        .compose(
            r -> {
              JsonObject answer = r.json(PayPalPlugin.ID, operation);
              String value = answer.getValue("access_token") instanceof String s ? s : null;
              Object type = answer.getValue("token_type");
              Object expiresIn = answer.getValue("expires_in");
              if (value == null
                  || value.isBlank()
                  || !(type instanceof String t && t.equalsIgnoreCase("Bearer"))
                  || !(expiresIn instanceof Number lifetime)
                  || lifetime.longValue() <= 0) {
                return Future.failedFuture(
                    new GatewayApiException(
                        PayPalPlugin.ID,
                        operation,
                        r.status(),
                        "the answer has no bearer access_token with an expires_in"));
              }
              long seconds = lifetime.longValue();
              long reuse = Math.max(seconds - TOKEN_MARGIN_SECONDS, seconds / 2);
              return Future.succeededFuture(new Token(value, requestedAt.plusSeconds(reuse)));
            });
  }

  /**
   * Runs a call with the account's token; when the call (not the token request) answers 401, once
   * more with a fresh token.
   */
  private Future<GatewayHttp.Response> authorized(
      Credentials credentials, Function<String, Future<GatewayHttp.Response>> call) {
    return accessToken(credentials)
        .compose(
            token ->
                call.apply(token)
                    .recover(
                        err -> {
                          if (err instanceof GatewayApiException api && api.status() == 401) {
                            invalidateToken(credentials, token);
                            return accessToken(credentials).compose(call);
                          }
                          return Future.failedFuture(err);
                        }));
  }

  /** The call's future, or a failed one when preparing the call threw (a bad id, a bad account). */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<GatewayHttp.Response> send(
      String operation, HttpMethod method, String url, Map<String, String> headers, Buffer body) {
    return http.send(operation, method, url, headers, body, timeoutMs);
  }

  private static JsonObject json(GatewayHttp.Response response, String operation) {
    if (response.body().length() == 0) {
      return new JsonObject();
    }
    return response.json(PayPalPlugin.ID, operation);
  }

  private static Map<String, String> bearer(String token) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token);
    headers.put("Accept", "application/json");
    return headers;
  }

  private static Map<String, String> jsonHeaders(String token, String requestId) {
    Map<String, String> headers = bearer(token);
    headers.put("Content-Type", "application/json");
    if (requestId != null) {
      headers.put("PayPal-Request-Id", requestId);
    }
    return headers;
  }

  /** A PayPal resource id, refused when it could not be one (it goes into a URL path). */
  static String resourceId(String id) {
    if (id == null || !RESOURCE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not a PayPal resource id");
    }
    return id;
  }

  private String tokenKey(Credentials credentials) {
    return base(credentials)
        + '\n'
        + credentials.require(PayPalPlugin.CLIENT_ID)
        + '\n'
        + sha256(credentials.require(PayPalPlugin.CLIENT_SECRET));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
