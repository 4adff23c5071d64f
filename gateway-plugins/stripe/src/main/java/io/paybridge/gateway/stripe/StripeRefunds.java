package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.amount;
import static io.paybridge.gateway.stripe.StripeFields.chargeEmail;
import static io.paybridge.gateway.stripe.StripeFields.currency;
import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;
import static io.paybridge.gateway.stripe.StripeFields.objects;
import static io.paybridge.gateway.stripe.StripeFields.optBoolean;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.spi.Json;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What Stripe's refund events book: each succeeded refund under {@code refund:<refund id>},
 * whichever event announces it, and for a refund that failed or was canceled, its reversal under
 * {@code refund_reversal:<refund id>} as well, so the pair nets to zero whether or not the refund
 * was booked before. A charge's refunds that its event does not list are listed with Stripe's API.
 */
final class StripeRefunds {

  private StripeRefunds() {}

  /** {@code refund.created} and {@code refund.updated}: what the refund's status says. */
  static ParsedWebhook refundChanged(StripeDelivery d, JsonObject refund) {
    String id = Json.requireString(refund, "id");
    String status = Json.optString(refund, "status");
    if ("succeeded".equals(status)) {
      return refundEntries(d, refund, null, false);
    }
    if ("failed".equals(status) || "canceled".equals(status)) {
      return refundEntries(d, refund, null, true);
    }
    return d.ignored(
        "refund "
            + id
            + " is "
            + (status == null ? "without a status" : status)
            + ": it books once Stripe reports it succeeded, with refund.updated");
  }

  /** {@code refund.failed}: the refund and its reversal, which net to zero in any order. */
  static ParsedWebhook refundUndone(StripeDelivery d, JsonObject refund) {
    return refundEntries(d, refund, null, true);
  }

  private static ParsedWebhook refundEntries(
      StripeDelivery d, JsonObject refund, JsonObject charge, boolean undone) {
    List<PaymentEvent> events = refundEvents(d, refund, charge, undone);
    return events.isEmpty()
        ? d.ignored("refund " + Json.requireString(refund, "id") + " is for a zero amount")
        : d.books(events);
  }

  /**
   * A refund's entry ({@code refund:<id>}, negative), and with {@code undone} its reversal ({@code
   * refund_reversal:<id>}, positive); {@code charge} is the refunded charge when the refund came
   * with it. Empty for a zero amount.
   */
  private static List<PaymentEvent> refundEvents(
      StripeDelivery d, JsonObject refund, JsonObject charge, boolean undone) {
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund, "amount", currency);
    if (amount == 0) {
      return List.of();
    }
    String paymentId = first(idOf(refund, "payment_intent"), idOf(refund, "charge"));
    String customerRef = d.metadataValue(refund, "metadata");
    String email = null;
    if (charge != null) {
      paymentId = first(paymentId, idOf(charge, "payment_intent"), Json.optString(charge, "id"));
      customerRef = first(customerRef, d.customerRef(charge));
      email = chargeEmail(charge);
    }
    PaymentEvent booked =
        PaymentEvent.builder(REFUND, "refund:" + id, d.created())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email)
            .build();
    if (!undone) {
      return List.of(booked);
    }
    PaymentEvent reversal =
        PaymentEvent.builder(REFUND_REVERSED, "refund_reversal:" + id, d.created())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email)
            .build();
    return List.of(booked, reversal);
  }

  /**
   * {@code charge.refunded}: the charge's succeeded refunds. The event lists them itself only on
   * API versions before 2022-11-15 (and then at most a page of them); otherwise Stripe is asked.
   */
  static Reading chargeRefunded(StripeDelivery d, JsonObject charge) {
    String id = Json.requireString(charge, "id");
    JsonObject list = Json.optObject(charge, "refunds");
    JsonArray data = list == null ? null : Json.optArray(list, "data");
    if (data != null && !Boolean.TRUE.equals(optBoolean(list, "has_more"))) {
      return Reading.of(refundsOfCharge(d, charge, objects(data, "refunds.data")));
    }
    return d.awaiting(
        new Reading.Lookup(
            "list the refunds of charge " + id + " (GET /v1/refunds?charge=" + id + ")",
            StripeApi.LIST_REFUNDS,
            (api, apiKey) -> api.refundsOfCharge(id, apiKey),
            refunds -> refundsOfCharge(d, charge, refunds)));
  }

  /** Every succeeded refund of the charge, each under its own key. */
  private static ParsedWebhook refundsOfCharge(
      StripeDelivery d, JsonObject charge, List<JsonObject> refunds) {
    String id = Json.requireString(charge, "id");
    List<PaymentEvent> events = new ArrayList<>();
    for (JsonObject refund : refunds) {
      if ("succeeded".equals(Json.optString(refund, "status"))) {
        events.addAll(refundEvents(d, refund, charge, false));
      }
    }
    if (!events.isEmpty()) {
      return d.books(events);
    }
    return d.ignored(
        refunds.isEmpty()
            ? "charge.refunded with nothing left to book: Stripe lists no refunds of charge " + id
            : "charge.refunded with nothing left to book: none of the "
                + refunds.size()
                + " refunds of charge "
                + id
                + " has succeeded (a pending refund books with refund.updated once it succeeds)");
  }
}
