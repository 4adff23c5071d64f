package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlayPlugin.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlayPlugin.SERVICE_ACCOUNT_JSON;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Renewals;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * A Google Play subscription as the Play Developer API reports and changes it, with the account's
 * service account: its state for {@link Renewals}, and refunding its charge and stopping its
 * renewals for {@link CancelAndRefund}. Subscriptions are looked up by the purchase token the
 * plugin records as external subscription id.
 */
final class PlaySubscriptions implements Renewals, CancelAndRefund {

  private final PlayDeveloperApi api;
  private final Clock clock;

  PlaySubscriptions(PlayDeveloperApi api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  /**
   * The subscription as {@code purchases.subscriptionsv2.get} reports it. Active means the
   * subscriber has access now: active, in grace period, or cancelled but not yet expired. The
   * period end is the latest line item's expiry.
   */
  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    try {
      return subscriptionOf(
              account(credentials), credentials.require(PACKAGE_NAME), externalSubscriptionId)
          .map(
              sub -> {
                boolean entitled =
                    PlayPurchases.ENTITLED_STATES.contains(sub.state())
                        && sub.expiry() != null
                        && sub.expiry().isAfter(clock.instant());
                return new SubscriptionState(externalSubscriptionId, entitled, sub.expiry());
              });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Refunds the charge's order with {@code orders.refund?revoke=true}, which also ends the
   * subscription's access and future payments, then makes sure renewals stopped, calling {@code
   * purchases.subscriptions.cancel} if the subscription would still renew (when the refunded order
   * was not the latest one). Idempotent: an order already refunded (or being refunded) is not
   * refunded again, and a subscription that no longer renews is not cancelled again.
   */
  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    try {
      String orderId = charge.externalPaymentId();
      String token = charge.externalSubscriptionId();
      if (orderId == null || token == null) {
        return Future.failedFuture(
            new IllegalArgumentException(
                "the charge needs its order id (externalPaymentId) and purchase token"
                    + " (externalSubscriptionId)"));
      }
      ServiceAccount account = account(credentials);
      String packageName = credentials.require(PACKAGE_NAME);
      return api.order(account, packageName, orderId)
          .compose(
              json -> {
                PlayPurchases.Order order =
                    PlayResolver.read("orders.get", json, PlayPurchases.Order::read);
                boolean alreadyRefunded =
                    "REFUNDED".equals(order.state()) || "PENDING_REFUND".equals(order.state());
                boolean refundable =
                    PlayResolver.read("orders.get", order, PlayPurchases.Order::paid)
                        && !alreadyRefunded;
                return refundable
                    ? api.refundOrder(account, packageName, orderId, true)
                    : Future.<Void>succeededFuture();
              })
          .compose(refunded -> subscriptionOf(account, packageName, token))
          .compose(
              sub -> {
                boolean renews =
                    PlayPurchases.RENEWING_STATES.contains(sub.state()) && sub.autoRenewing();
                if (!renews || sub.productId() == null) {
                  return Future.<Void>succeededFuture();
                }
                return api.cancelSubscription(account, packageName, sub.productId(), token);
              });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<PlayPurchases.Subscription> subscriptionOf(
      ServiceAccount account, String packageName, String token) {
    return api.subscription(account, packageName, token)
        .map(
            json ->
                PlayResolver.read(
                    "purchases.subscriptionsv2.get", json, PlayPurchases.Subscription::read));
  }

  private static ServiceAccount account(Credentials credentials) {
    String key = credentials.get(SERVICE_ACCOUNT_JSON);
    if (key == null) {
      throw new InvalidCredentialsException(
          SERVICE_ACCOUNT_JSON,
          "the Google Play account has no service account key ('"
              + SERVICE_ACCOUNT_JSON
              + "'), which reading subscriptions and refunding orders require");
    }
    try {
      return ServiceAccount.parse(key);
    } catch (ServiceAccount.InvalidServiceAccountException e) {
      throw new InvalidCredentialsException(
          SERVICE_ACCOUNT_JSON, "the account's serviceAccountJson is unusable: " + e.getMessage());
    }
  }
}
