package io.paybridge.gateway.razorpay;

import static io.paybridge.gateway.razorpay.RazorpayEntities.amount;
import static io.paybridge.gateway.razorpay.RazorpayEntities.currency;
import static io.paybridge.gateway.razorpay.RazorpayEntities.email;
import static io.paybridge.gateway.razorpay.RazorpayEntities.first;
import static io.paybridge.gateway.razorpay.RazorpayEntities.isCaptured;
import static io.paybridge.gateway.razorpay.RazorpayEntities.notesValue;
import static io.paybridge.gateway.razorpay.RazorpayMapping.require;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.gateway.razorpay.RazorpayMapping.Delivery;
import io.paybridge.gateway.razorpay.RazorpayMapping.Outcome;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;

/**
 * What Razorpay's refund and dispute events book: money leaving the merchant, and, when it comes
 * back (a failed refund, a dispute won), the reversal that nets it to zero in whatever order the
 * events arrive.
 */
final class RazorpayWithdrawals {

  private RazorpayWithdrawals() {}

  /**
   * {@code refund.processed}: the refund, keyed {@code refund:<id>}. {@code refund.failed}: the
   * same refund and its reversal ({@code refund_reversal:<id>}), so the ledger nets to zero
   * whichever of the two events arrives first. Razorpay also refunds payments it never captured
   * (auto-refunds, {@code payment.captured} false): nothing was booked for those, so they book
   * nothing.
   */
  static Outcome refund(Delivery d, boolean failed) {
    JsonObject refund = require(d.refund(), "refund");
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund);
    JsonObject payment = d.payment() == null ? new JsonObject() : d.payment();
    String paymentId = first(Json.optString(refund, "payment_id"), Json.optString(payment, "id"));
    if (d.payment() != null && payment.getValue("captured") != null && !isCaptured(payment)) {
      return Outcome.ignored(
          "refund "
              + id
              + " is Razorpay's auto-refund of payment "
              + paymentId
              + ", which was never captured: neither the payment nor its refund is booked");
    }
    if (amount == 0) {
      return Outcome.ignored("refund " + id + " is for 0 " + currency + ": nothing to book");
    }
    String key = d.customerRefKey();
    String customerRef =
        first(
            notesValue(refund, key),
            notesValue(payment, key),
            Json.optString(payment, "customer_id"));
    PaymentEvent booked =
        PaymentEvent.builder(REFUND, "refund:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email(payment))
            .contact(Json.optString(payment, "contact"))
            .build();
    if (!failed) {
      return Outcome.books(booked);
    }
    return Outcome.books(
        booked,
        PaymentEvent.builder(REFUND_REVERSED, "refund_reversal:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build());
  }

  /**
   * A dispute's debit, keyed {@code dispute:<id>}: Razorpay deducts the disputed amount from the
   * balance when the dispute is raised (Deduct at Onset), so {@code payment.dispute.created} books
   * it, and {@code payment.dispute.lost} books the same key in case it arrives first. When the
   * dispute is won the amount comes back: {@code payment.dispute.won} books the debit and its
   * reversal ({@code dispute_reversal:<id>}), so the ledger nets to zero whatever the order.
   */
  static Outcome dispute(Delivery d, boolean reinstated) {
    JsonObject dispute = require(d.dispute(), "dispute");
    String id = Json.requireString(dispute, "id");
    String currency = currency(dispute);
    long amount = amount(dispute);
    if (amount == 0) {
      return Outcome.ignored("dispute " + id + " is for 0 " + currency + ": nothing to book");
    }
    JsonObject payment = d.payment() == null ? new JsonObject() : d.payment();
    String paymentId = first(Json.optString(dispute, "payment_id"), Json.optString(payment, "id"));
    String customerRef =
        first(notesValue(payment, d.customerRefKey()), Json.optString(payment, "customer_id"));
    PaymentEvent debit =
        PaymentEvent.builder(EventKind.DISPUTE, "dispute:" + id, d.occurredAt())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build();
    if (!reinstated) {
      return Outcome.books(debit);
    }
    return Outcome.books(
        debit,
        PaymentEvent.builder(EventKind.DISPUTE_REVERSED, "dispute_reversal:" + id, d.occurredAt())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .build());
  }

  /**
   * {@code payment.dispute.closed} ends a fraud-phase dispute without a chargeback (the merchant
   * explained the payment or refunded it, and a refund is booked on its own): the amount deducted
   * at onset comes back, as when a dispute is won. Should the closed dispute report an {@code
   * amount_deducted}, Razorpay kept the money, and only the debit is booked.
   */
  static Outcome disputeClosed(Delivery d) {
    Long deducted = Json.optLong(require(d.dispute(), "dispute"), "amount_deducted");
    return dispute(d, deducted == null || deducted == 0);
  }
}
