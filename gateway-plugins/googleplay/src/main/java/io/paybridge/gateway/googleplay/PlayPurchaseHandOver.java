package io.paybridge.gateway.googleplay;

import static io.paybridge.spi.EventKind.PAYMENT;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PurchaseVerification.PurchaseOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A one-time product purchase an app's backend hands over ({@code packageName}, {@code productId},
 * {@code purchaseToken}, as Play Billing gives them to the app), confirmed with the Play Developer
 * API under the account's service account and package before anything is booked.
 *
 * <ul>
 *   <li>{@code purchases.products.get} says what the purchase is: {@code purchaseState} 0
 *       (purchased) books, 2 (pending: a cash or bank payment not made yet) is held until the
 *       notification {@code ONE_TIME_PRODUCT_PURCHASED} says it is paid, 1 (cancelled) is refused.
 *   <li>A purchased product is priced as its notification prices it: {@code orders.get}'s {@code
 *       total} for its {@code orderId}, booked as a payment keyed {@code order:<orderId>}, so the
 *       notification books nothing a second time.
 *   <li>Its purchase reference is a digest of the token ({@link PlayResolver#digest}): the
 *       notification's entries for the same token carry it too, so the platform books them for the
 *       customer the purchase was handed over for.
 *   <li>A purchase not yet acknowledged is acknowledged once booked ({@code
 *       purchases.products.acknowledge}); Google refunds a purchase nobody acknowledged within
 *       three days.
 * </ul>
 *
 * Tokens are never logged in full: a log line names the product and the token's first characters.
 * The Play Developer API returns no request id, so none is logged.
 */
final class PlayPurchaseHandOver {

  static final String PACKAGE_NAME = "packageName";
  static final String PRODUCT_ID = "productId";
  static final String PURCHASE_TOKEN = "purchaseToken";

  /** The members of a purchase handed over. */
  static final List<String> FIELDS = List.of(PACKAGE_NAME, PRODUCT_ID, PURCHASE_TOKEN);

  static final String ACKNOWLEDGE = "purchases.products.acknowledge";

  private static final Logger LOG = Logger.getLogger(PlayPurchaseHandOver.class.getName());

  /** Product ids: letters, digits, underscores and periods, as Play Console allows, at most 150. */
  private static final Pattern PRODUCT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._]{0,149}");

  /** Tokens are a few hundred URL-safe characters; anything else is not one. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=:-]{1,4096}");

  private final PlayDeveloperApi api;
  private final Clock clock;

  PlayPurchaseHandOver(PlayDeveloperApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  /** What the purchase means, as the Play Developer API confirms it. */
  Future<PurchaseOutcome> verify(JsonObject purchase, Credentials credentials) {
    String packageName = purchase.getString(PACKAGE_NAME);
    String productId = purchase.getString(PRODUCT_ID);
    String token = purchase.getString(PURCHASE_TOKEN);
    String account = credentials.get(GooglePlayPlugin.PACKAGE_NAME);
    if (!packageName.equals(account)) {
      return refused(
          "other_package",
          "the purchase is for the app "
              + packageName
              + ", and this Google Play account is for "
              + account,
          PACKAGE_NAME);
    }
    if (!PRODUCT.matcher(productId).matches()) {
      return refused(
          "invalid_product",
          "'productId' is not a Play product id (letters, digits, '_' and '.', at most 150)",
          PRODUCT_ID);
    }
    if (!TOKEN.matcher(token).matches()) {
      return refused(
          "invalid_token",
          "'purchaseToken' is not a Play purchase token (up to 4096 URL-safe characters)",
          PURCHASE_TOKEN);
    }
    ServiceAccount serviceAccount;
    try {
      serviceAccount = serviceAccount(credentials, "purchases.products.get");
    } catch (PermanentGatewayException e) {
      return refused("needs_api_credentials", e.getMessage(), null);
    }
    String what = productId + " (token " + abbreviated(token) + ")";
    return product(serviceAccount, packageName, productId, token)
        .compose(
            product ->
                product == null
                    ? refused(
                        "unknown_purchase",
                        "Google Play does not know purchase " + what + " of this app",
                        PURCHASE_TOKEN)
                    : outcome(serviceAccount, packageName, productId, token, product))
        .recover(err -> refusal(err, serviceAccount))
        .onSuccess(
            outcome ->
                LOG.info(
                    () ->
                        "Google Play purchase "
                            + what
                            + " of "
                            + packageName
                            + " handed over: "
                            + outcome.status()
                            + (outcome.code() == null ? "" : " (" + outcome.code() + ")")))
        .onFailure(
            err ->
                LOG.warning(
                    () ->
                        "Google Play purchase "
                            + what
                            + " of "
                            + packageName
                            + " could not be confirmed: "
                            + err.getMessage()));
  }

  /**
   * The purchase, or {@code null} when Google does not know it (400 for a token that is none, 404
   * or 410 for one it does not have, or no longer has).
   */
  private Future<PlayPurchases.Product> product(
      ServiceAccount account, String packageName, String productId, String token) {
    return api.product(account, packageName, productId, token)
        .map(json -> PlayResolver.read("purchases.products.get", json, PlayPurchases.Product::read))
        .recover(
            err ->
                err instanceof GatewayApiException e
                        && !ServiceAccountRefusedException.refuses(err)
                        && (e.status() == 400 || e.status() == 404 || e.status() == 410)
                    ? Future.succeededFuture(null)
                    : Future.failedFuture(err));
  }

  private Future<PurchaseOutcome> outcome(
      ServiceAccount account,
      String packageName,
      String productId,
      String token,
      PlayPurchases.Product product) {
    String ref = PlayResolver.digest(token);
    JsonObject acknowledgement =
        product.acknowledged()
            ? null
            : new JsonObject()
                .put(PACKAGE_NAME, packageName)
                .put(PRODUCT_ID, productId)
                .put(PURCHASE_TOKEN, token);
    switch (product.purchaseState()) {
      case PlayPurchases.Product.PENDING -> {
        return Future.succeededFuture(pending(ref, acknowledgement));
      }
      case PlayPurchases.Product.CANCELED -> {
        return refused(
            "cancelled",
            "Google Play reports the purchase cancelled (purchaseState 1): no money was taken",
            PURCHASE_TOKEN);
      }
      case PlayPurchases.Product.PURCHASED -> {
        if (product.orderId() == null) {
          return refused(
              "nothing_to_book",
              "the purchase has no order (a promo code was redeemed): no money was taken",
              PURCHASE_TOKEN);
        }
      }
      default -> {
        return refused(
            "unknown_state",
            "Google Play reports purchaseState "
                + product.purchaseState()
                + ", which it does not document: nothing booked",
            PURCHASE_TOKEN);
      }
    }
    return api.order(account, packageName, product.orderId())
        .map(json -> PlayResolver.read("orders.get", json, PlayPurchases.Order::read))
        .compose(
            order -> {
              PlayResolver.Charge charge =
                  PlayResolver.charge(
                      product.purchasedAt() != null ? product.purchasedAt() : clock.instant(),
                      order,
                      PAYMENT,
                      builder -> builder.customerRef(product.customerRef()).purchaseRef(ref));
              if (charge.event() != null) {
                return Future.succeededFuture(
                    PurchaseOutcome.book(charge.event(), acknowledgement));
              }
              if ("PENDING".equals(order.state())) {
                return Future.succeededFuture(pending(ref, acknowledgement));
              }
              return refused(
                  "CANCELED".equals(order.state()) ? "cancelled" : "nothing_to_book",
                  charge.why(),
                  PURCHASE_TOKEN);
            });
  }

  /** A refusal of the service account itself; any other failure stays one, retryable or not. */
  private static Future<PurchaseOutcome> refusal(Throwable err, ServiceAccount account) {
    if (!ServiceAccountRefusedException.refuses(err)) {
      return Future.failedFuture(err);
    }
    GatewayApiException e = (GatewayApiException) err;
    return refused(
        "credentials_refused",
        "Google refused the service account "
            + account.clientEmail()
            + " (HTTP "
            + e.status()
            + ": "
            + ServiceAccountRefusedException.detail(e)
            + "); give it 'View financial data' and 'Manage orders and subscriptions' for this"
            + " app in Play Console, or save a new JSON key, then hand the purchase over again",
        null);
  }

  /**
   * Acknowledges a booked purchase. Google answers an acknowledgement of a purchase already
   * acknowledged (or consumed) with an error; the purchase is then read back, and an acknowledged
   * one counts as done. A 409 (another update under way) is retryable.
   */
  Future<Void> acknowledge(JsonObject acknowledgement, Credentials credentials) {
    String packageName = acknowledgement.getString(PACKAGE_NAME);
    String productId = acknowledgement.getString(PRODUCT_ID);
    String token = acknowledgement.getString(PURCHASE_TOKEN);
    ServiceAccount account;
    try {
      account = serviceAccount(credentials, ACKNOWLEDGE);
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    String what = productId + " (token " + abbreviated(token) + ") of " + packageName;
    return api.acknowledgeProduct(account, packageName, productId, token)
        .recover(
            err -> {
              if (err instanceof GatewayApiException e
                  && !ServiceAccountRefusedException.refuses(err)
                  && (e.status() == 400 || e.status() == 409)) {
                return api.product(account, packageName, productId, token)
                    .map(json -> PlayResolver.read(ACKNOWLEDGE, json, PlayPurchases.Product::read))
                    .compose(
                        product ->
                            product.acknowledged()
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(
                                    e.status() == 409 ? new ConcurrentUpdate(e) : e));
              }
              return Future.failedFuture(err);
            })
        .onSuccess(v -> LOG.info(() -> "Google Play purchase " + what + " acknowledged"))
        .onFailure(
            err ->
                LOG.warning(
                    () ->
                        "Google Play purchase " + what + " not acknowledged: " + err.getMessage()));
  }

  private static ServiceAccount serviceAccount(Credentials credentials, String operation) {
    String key = credentials.get(GooglePlayPlugin.SERVICE_ACCOUNT_JSON);
    if (key == null) {
      throw new PermanentGatewayException(
          GooglePlayPlugin.ID,
          operation,
          "the Google Play account has no service account key, and purchases are confirmed with"
              + " the Play Developer API: add the key in 'Service account key (JSON)'"
              + " (serviceAccountJson), then hand the purchase over again");
    }
    try {
      return ServiceAccount.parse(key);
    } catch (ServiceAccount.InvalidServiceAccountException e) {
      throw new PermanentGatewayException(
          GooglePlayPlugin.ID,
          operation,
          "the saved service account key cannot be used ("
              + e.getMessage()
              + "); paste the JSON key file into serviceAccountJson again");
    }
  }

  private static PurchaseOutcome pending(String ref, JsonObject acknowledgement) {
    return PurchaseOutcome.pending(
        ref,
        acknowledgement,
        "pending_payment",
        "the purchase awaits payment (purchaseState 2, e.g. cash at a store): nothing is booked"
            + " until Google Play's ONE_TIME_PRODUCT_PURCHASED notification says it is paid, and"
            + " that notification books it for this customer");
  }

  private static Future<PurchaseOutcome> refused(String code, String reason, String field) {
    return Future.succeededFuture(PurchaseOutcome.refused(code, reason, field));
  }

  /** The first characters of a token: enough to find it in Play Console, not to use it. */
  static String abbreviated(String token) {
    return token.length() <= 8 ? "…" : token.substring(0, 8) + "…";
  }

  /** Google is updating the purchase (409): trying again shortly succeeds. */
  private static final class ConcurrentUpdate extends GatewayApiException {
    ConcurrentUpdate(GatewayApiException cause) {
      super(GooglePlayPlugin.ID, ACKNOWLEDGE, cause.status(), cause.getMessage());
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }
}
