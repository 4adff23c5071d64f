package io.paybridge.gateway.googleplay;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Android Publisher API v3 calls the plugin makes, each authorized with the account's access
 * token and bounded by the configured timeout. Every failure is a {@link GatewayApiException}
 * naming the operation. A 401 drops the cached access token and the call is made once more with a
 * new one (a token can be revoked before it expires); a second 401, or a 403, means Google refuses
 * the service account itself and fails with a {@link ServiceAccountRefusedException}.
 *
 * <ul>
 *   <li>{@code purchases.subscriptionsv2.get}: a subscription purchase by purchase token.
 *   <li>{@code purchases.products.get}: a one-time product purchase by product id and token.
 *   <li>{@code purchases.products.acknowledge}: tells Google a one-time purchase was delivered.
 *   <li>{@code orders.get}: an order with what the buyer paid ({@code total}) and its refunds.
 *   <li>{@code orders.refund}: refunds an order, optionally revoking what it bought.
 *   <li>{@code purchases.subscriptions.cancel}: stops a subscription's renewals.
 * </ul>
 */
final class PlayDeveloperApi {

  /** The API's root; configuration may point it at a simulator. */
  static final String DEFAULT_BASE = "https://androidpublisher.googleapis.com";

  private final GatewayHttp http;
  private final AccessTokens tokens;
  private final String base;
  private final long timeoutMs;

  PlayDeveloperApi(GatewayHttp http, AccessTokens tokens, String base, long timeoutMs) {
    this.http = http;
    this.tokens = tokens;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.timeoutMs = timeoutMs;
  }

  Future<JsonObject> subscription(ServiceAccount account, String packageName, String token) {
    return json(
        "purchases.subscriptionsv2.get",
        HttpMethod.GET,
        app(packageName) + "/purchases/subscriptionsv2/tokens/" + segment(token),
        account);
  }

  Future<JsonObject> product(
      ServiceAccount account, String packageName, String productId, String token) {
    return json(
        "purchases.products.get",
        HttpMethod.GET,
        purchase(packageName, "products", productId, token),
        account);
  }

  /** Acknowledges a one-time purchase; an empty answer on success. */
  Future<Void> acknowledgeProduct(
      ServiceAccount account, String packageName, String productId, String token) {
    return call(
            PlayPurchaseHandOver.ACKNOWLEDGE,
            HttpMethod.POST,
            purchase(packageName, "products", productId, token) + ":acknowledge",
            account)
        .mapEmpty();
  }

  Future<JsonObject> order(ServiceAccount account, String packageName, String orderId) {
    return json(
        "orders.get", HttpMethod.GET, app(packageName) + "/orders/" + segment(orderId), account);
  }

  Future<Void> refundOrder(
      ServiceAccount account, String packageName, String orderId, boolean revoke) {
    return call(
            "orders.refund",
            HttpMethod.POST,
            app(packageName) + "/orders/" + segment(orderId) + ":refund?revoke=" + revoke,
            account)
        .mapEmpty();
  }

  Future<Void> cancelSubscription(
      ServiceAccount account, String packageName, String subscriptionId, String token) {
    return call(
            "purchases.subscriptions.cancel",
            HttpMethod.POST,
            purchase(packageName, "subscriptions", subscriptionId, token) + ":cancel",
            account)
        .mapEmpty();
  }

  private String app(String packageName) {
    return base + "/androidpublisher/v3/applications/" + segment(packageName);
  }

  /** The URL of one purchase: {@code …/purchases/<kind>/<product id>/tokens/<token>}. */
  private String purchase(String packageName, String kind, String productId, String token) {
    return app(packageName)
        + "/purchases/"
        + kind
        + "/"
        + segment(productId)
        + "/tokens/"
        + segment(token);
  }

  private Future<JsonObject> json(
      String operation, HttpMethod method, String url, ServiceAccount account) {
    return call(operation, method, url, account)
        .map(response -> response.json(GooglePlayPlugin.ID, operation));
  }

  private Future<GatewayHttp.Response> call(
      String operation, HttpMethod method, String url, ServiceAccount account) {
    return attempt(operation, method, url, account)
        .recover(
            err -> {
              if (err instanceof GatewayApiException api
                  && api.status() == 401
                  && !(err instanceof ServiceAccountRefusedException)) {
                tokens.evict(account);
                return attempt(operation, method, url, account);
              }
              return Future.failedFuture(err);
            })
        .recover(
            err -> {
              if (err instanceof GatewayApiException api
                  && !(err instanceof ServiceAccountRefusedException)
                  && (api.status() == 401 || api.status() == 403)) {
                tokens.evict(account);
                return Future.failedFuture(
                    new ServiceAccountRefusedException(
                        operation, api.status(), ServiceAccountRefusedException.detail(api)));
              }
              return Future.failedFuture(err);
            });
  }

  private Future<GatewayHttp.Response> attempt(
      String operation, HttpMethod method, String url, ServiceAccount account) {
    return tokens
        .token(account)
        .compose(
            token ->
                http.send(
                    operation,
                    method,
                    url,
                    Map.of("Authorization", "Bearer " + token, "Accept", "application/json"),
                    method == HttpMethod.POST ? Buffer.buffer() : null,
                    timeoutMs));
  }

  /** Percent-encodes one path segment: everything but RFC 3986's unreserved characters. */
  static String segment(String value) {
    if (value.isEmpty() || value.equals(".") || value.equals("..")) {
      // Never let an id become an empty or relative path segment.
      return value.isEmpty() ? "%20" : value.replace(".", "%2E");
    }
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
