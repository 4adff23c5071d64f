package io.paybridge.gateway.stripe;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a Stripe refund names, {@code payment_intent} or {@code charge}, found from the payment id a
 * charge was booked under or, for an invoice, from the invoice's paid payment.
 *
 * @param parameter the refund's parameter, {@code payment_intent} or {@code charge}
 * @param id the payment intent's or charge's id
 */
record StripeRefundTarget(String parameter, String id) {

  /**
   * The payment intent or charge a payment id names, or {@code null} for an invoice ({@code in_…}):
   * charges parsed from an invoice on API version 2025-03-31 or later carry the invoice id, because
   * such invoices no longer name their payment intent, so the invoice's paid payment is looked up.
   *
   * @throws IllegalArgumentException when the id is none of these
   */
  static StripeRefundTarget of(String payment) {
    if (payment.startsWith("pi_")) {
      return new StripeRefundTarget("payment_intent", payment);
    }
    if (payment.startsWith("ch_") || payment.startsWith("py_")) {
      return new StripeRefundTarget("charge", payment);
    }
    if (payment.startsWith("in_")) {
      return null;
    }
    throw new IllegalArgumentException(
        "'"
            + payment
            + "' is neither a Stripe payment intent (pi_), charge (ch_, py_) nor invoice (in_)");
  }

  /**
   * The payment intent or charge of the first paid invoice payment in Stripe's list of an invoice's
   * payments.
   *
   * @throws io.paybridge.spi.PermanentGatewayException when the list is malformed or names none
   */
  static StripeRefundTarget paidPaymentOf(String invoice, JsonObject list) {
    try {
      JsonArray data = Json.optArray(list, "data");
      for (int i = 0; data != null && i < data.size(); i++) {
        if (!(data.getValue(i) instanceof JsonObject invoicePayment)) {
          throw new MalformedWebhookException("'data[" + i + "]' should be an object");
        }
        if (!"paid".equals(Json.optString(invoicePayment, "status"))) {
          continue;
        }
        String intent = Json.optString(invoicePayment, "payment.payment_intent");
        if (intent != null && !intent.isBlank()) {
          return new StripeRefundTarget("payment_intent", intent);
        }
        String charge = Json.optString(invoicePayment, "payment.charge");
        if (charge != null && !charge.isBlank()) {
          return new StripeRefundTarget("charge", charge);
        }
      }
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(
          StripeApi.LIST_INVOICE_PAYMENTS, "Stripe's answer is malformed: " + e.getMessage());
    }
    throw StripeApi.permanent(
        StripeApi.LIST_INVOICE_PAYMENTS,
        "invoice " + invoice + " has no paid payment intent or charge at Stripe to refund");
  }
}
