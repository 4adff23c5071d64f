package io.paybridge.gateway.googleplay;

import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * What a voided-purchase notification books, as the Play Developer API confirms it: the order's
 * processed refunds, negative, keyed {@code refund:<order id>} (per partial refund, {@code
 * refund:<order id>:<created>}), for the customer of the purchase it voided. A one-time purchase's
 * refunds carry its purchase reference, so they are booked for the customer an app's backend handed
 * the purchase over for ({@link PlayPurchaseHandOver}).
 */
final class PlayVoidedPurchases {

  private PlayVoidedPurchases() {}

  /**
   * The refunds of a voided purchase, each under its own key, for the amounts the order's refund
   * history gives; nothing for an order cancelled before it took money. Fails, for Pub/Sub to
   * deliver again, while the order shows no processed refund yet.
   */
  static Future<ParsedWebhook> resolve(PlayCall c) {
    PlayNotification n = c.n();
    return c.order(n.orderId())
        .compose(
            o -> {
              if (o.purchaseToken() != null && !o.purchaseToken().equals(n.purchaseToken())) {
                return Future.failedFuture(
                    new MalformedWebhookException(
                        "order "
                            + o.orderId()
                            + " belongs to another purchase than the notification's"));
              }
              List<PlayPurchases.Refund> refunds =
                  PlayResolver.read(
                      "orders.get", o, order -> order.paid() ? order.refunds(n.eventTime()) : null);
              if (refunds == null) {
                return Future.succeededFuture(
                    c.nothing(
                        "order "
                            + o.orderId()
                            + " is "
                            + o.state()
                            + ": it was cancelled before any money was taken, so nothing was"
                            + " refunded"));
              }
              if (refunds.isEmpty()) {
                return Future.failedFuture(
                    new GatewayApiException(
                        GooglePlayPlugin.ID,
                        "orders.get",
                        0,
                        "order "
                            + o.orderId()
                            + " shows no processed refund yet (state "
                            + o.state()
                            + "); the notification will be retried"));
              }
              return voidedCustomer(c, o)
                  .map(
                      customer -> {
                        List<PaymentEvent> events = new ArrayList<>();
                        for (PlayPurchases.Refund r : refunds) {
                          events.add(
                              PaymentEvent.builder(REFUND, r.entryKey(), r.occurredAt())
                                  .amount(-r.minor(), r.currency())
                                  .externalPaymentId(o.orderId())
                                  .externalSubscriptionId(
                                      n.productType()
                                              == PlayNotification.VOIDED_PRODUCT_TYPE_SUBSCRIPTION
                                          ? n.purchaseToken()
                                          : null)
                                  .customerRef(customer)
                                  .purchaseRef(
                                      n.productType()
                                              == PlayNotification.VOIDED_PRODUCT_TYPE_ONE_TIME
                                          ? PlayResolver.digest(n.purchaseToken())
                                          : null)
                                  .build());
                        }
                        return c.with(events);
                      });
            });
  }

  /**
   * The customer of a voided purchase, from the purchase it voided. Google answers 404 or 410 for
   * purchases too old to look up; the refund is then booked without a customer rather than never.
   */
  private static Future<String> voidedCustomer(PlayCall c, PlayPurchases.Order order) {
    Future<String> lookup;
    if (c.n().productType() == PlayNotification.VOIDED_PRODUCT_TYPE_SUBSCRIPTION) {
      lookup = c.subscription().map(PlayPurchases.Subscription::customerRef);
    } else {
      String productId = order.firstProductId();
      if (productId == null) {
        return Future.succeededFuture(null);
      }
      lookup = c.product(productId).map(PlayPurchases.Product::customerRef);
    }
    return lookup.recover(
        err ->
            err instanceof GatewayApiException api && (api.status() == 404 || api.status() == 410)
                ? Future.succeededFuture(null)
                : Future.failedFuture(err));
  }
}
