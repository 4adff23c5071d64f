package io.paybridge.gateway.paypal;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Renewals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A PayPal billing subscription as PayPal's REST API reports and ends it, with the account's client
 * credentials: its state for {@link Renewals}, and cancelling it and refunding its charge for
 * {@link CancelAndRefund}.
 */
final class PayPalSubscriptions implements Renewals, CancelAndRefund {

  private final PayPalApi api;

  PayPalSubscriptions(PayPalApi api) {
    this.api = api;
  }

  /**
   * The subscription from {@code GET /v1/billing/subscriptions/{id}}: active when its status is
   * {@code ACTIVE}; the period ends at {@code billing_info.next_billing_time}, if PayPal sends one.
   */
  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    return api.subscription(externalSubscriptionId, credentials)
        .map(
            subscription -> {
              String next =
                  subscription.getValue("billing_info") instanceof JsonObject billing
                          && billing.getValue("next_billing_time") instanceof String s
                      ? s
                      : null;
              return new SubscriptionState(
                  externalSubscriptionId,
                  "ACTIVE".equals(subscription.getValue("status")),
                  next == null || next.isBlank() ? null : apiTime(next));
            });
  }

  /**
   * Cancels the charge's subscription ({@code POST /v1/billing/subscriptions/{id}/cancel}) and
   * refunds the charge in full: a sale through {@code POST /v1/payments/sale/{id}/refund}, a
   * capture (an entry keyed {@code capture:}) through {@code POST
   * /v2/payments/captures/{id}/refund}.
   *
   * <p>Safe to repeat: a subscription PayPal reports as no longer cancellable (422 {@code
   * SUBSCRIPTION_STATUS_INVALID}, or any 422 while the subscription is already {@code CANCELLED} or
   * {@code EXPIRED}) counts as cancelled; the refund carries a {@code PayPal-Request-Id} derived
   * from the payment id, so PayPal answers a repeat with the first refund instead of making
   * another, and a payment PayPal says is already fully refunded counts as refunded.
   */
  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    String subscriptionId = charge.externalSubscriptionId();
    String paymentId = charge.externalPaymentId();
    if (subscriptionId == null || paymentId == null) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "a charge to cancel and refund needs its subscription id and payment id"));
    }
    boolean capture = charge.entryKey().startsWith("capture:");
    return cancel(subscriptionId, credentials)
        .compose(done -> refund(capture, paymentId, credentials));
  }

  private Future<Void> cancel(String subscriptionId, Credentials credentials) {
    return api.cancelSubscription(subscriptionId, PayPalPlugin.CANCEL_REASON, credentials)
        .recover(
            err -> {
              if (!(err instanceof GatewayApiException e) || e.status() != 422) {
                return Future.failedFuture(err);
              }
              if (e.getMessage().contains("SUBSCRIPTION_STATUS_INVALID")) {
                return Future.succeededFuture();
              }
              return api.subscription(subscriptionId, credentials)
                  .compose(
                      subscription -> {
                        Object status = subscription.getValue("status");
                        return "CANCELLED".equals(status) || "EXPIRED".equals(status)
                            ? Future.<Void>succeededFuture()
                            : Future.<Void>failedFuture(err);
                      });
            });
  }

  private Future<Void> refund(boolean capture, String paymentId, Credentials credentials) {
    return api.refund(capture, paymentId, credentials)
        .<Void>mapEmpty()
        .recover(
            err -> {
              if (err instanceof GatewayApiException e && alreadyRefunded(e, capture)) {
                return Future.succeededFuture();
              }
              return Future.failedFuture(err);
            });
  }

  /** PayPal's answers for a payment that has been refunded in full already. */
  private static boolean alreadyRefunded(GatewayApiException e, boolean capture) {
    return capture
        ? e.status() == 422 && e.getMessage().contains("CAPTURE_FULLY_REFUNDED")
        : e.status() == 400 && e.getMessage().contains("TRANSACTION_ALREADY_REFUNDED");
  }

  private static Instant apiTime(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new GatewayApiException(
          PayPalPlugin.ID,
          "subscription lookup",
          200,
          "next_billing_time '" + text + "' is not a date");
    }
  }
}
