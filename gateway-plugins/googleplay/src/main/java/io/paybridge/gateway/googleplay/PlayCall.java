package io.paybridge.gateway.googleplay;

import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import java.util.List;

/**
 * One notification being resolved for one account: what it asks of the Play Developer API, read
 * into {@link PlayPurchases}, and the delivery it resolves to.
 *
 * @param n the notification
 * @param account the account's service account, which every call authenticates as
 * @param packageName the account's app
 * @param api the Play Developer API
 */
record PlayCall(
    PlayNotification n, ServiceAccount account, String packageName, PlayDeveloperApi api) {

  /** Books nothing, saying why in the tenant's words. */
  ParsedWebhook nothing(String why) {
    return ParsedWebhook.ignored(n.messageId(), n.typeName(), n.typeName() + ": " + why);
  }

  ParsedWebhook with(List<PaymentEvent> events) {
    return new ParsedWebhook(n.messageId(), n.typeName(), events);
  }

  /** The subscription the notification's purchase token names. */
  Future<PlayPurchases.Subscription> subscription() {
    return api.subscription(account, packageName, n.purchaseToken())
        .map(
            json ->
                PlayResolver.read(
                    "purchases.subscriptionsv2.get", json, PlayPurchases.Subscription::read));
  }

  /** The one-time purchase of {@code productId} under the notification's purchase token. */
  Future<PlayPurchases.Product> product(String productId) {
    return api.product(account, packageName, productId, n.purchaseToken())
        .map(
            json -> PlayResolver.read("purchases.products.get", json, PlayPurchases.Product::read));
  }

  Future<PlayPurchases.Order> order(String orderId) {
    return api.order(account, packageName, orderId)
        .map(json -> PlayResolver.read("orders.get", json, PlayPurchases.Order::read));
  }
}
