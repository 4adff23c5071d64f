package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.amount;
import static io.paybridge.gateway.stripe.StripeFields.currency;
import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;
import static io.paybridge.gateway.stripe.StripeFields.objects;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;

import io.paybridge.spi.Json;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What Stripe's invoice and subscription events book: a paid invoice's charge under {@code
 * invoice:<invoice id>}, recurring when the invoice belongs to a subscription, and a subscription's
 * end.
 */
final class StripeInvoices {

  private StripeInvoices() {}

  static ParsedWebhook invoicePaid(StripeDelivery d, JsonObject invoice) {
    String id = Json.requireString(invoice, "id");
    String status = Json.optString(invoice, "status");
    if (status != null && !"paid".equals(status)) {
      return d.ignored(
          "invoice " + id + " is " + status + ": it books once it is paid, with invoice.paid");
    }
    List<PaymentEvent> events = invoiceCharge(d, invoice);
    return events.isEmpty()
        ? d.ignored("invoice " + id + " was paid with a zero amount (a trial or a full discount)")
        : d.books(events);
  }

  /**
   * A paid invoice's charge under {@code invoice:<id>}: recurring when it belongs to a subscription
   * ({@code subscription} before API 2025-03-31, {@code parent.subscription_details.subscription}
   * from then on), else a payment. Empty for a zero amount.
   */
  static List<PaymentEvent> invoiceCharge(StripeDelivery d, JsonObject invoice) {
    String id = Json.requireString(invoice, "id");
    String currency = currency(invoice);
    long amount = amount(invoice, "amount_paid", currency);
    if (amount == 0) {
      return List.of();
    }
    JsonObject parentDetails = Json.optObject(invoice, "parent.subscription_details");
    String subscription =
        first(
            idOf(invoice, "subscription"),
            parentDetails == null ? null : idOf(parentDetails, "subscription"));
    String customerRef =
        first(
            d.metadataValue(invoice, "parent.subscription_details.metadata"),
            d.metadataValue(invoice, "subscription_details.metadata"),
            d.metadataValue(invoice, "metadata"),
            idOf(invoice, "customer"));
    return List.of(
        PaymentEvent.builder(
                subscription != null ? RECURRING_CHARGED : PAYMENT, "invoice:" + id, d.created())
            .amount(amount, currency)
            .externalPaymentId(first(idOf(invoice, "payment_intent"), id))
            .externalSubscriptionId(subscription)
            .customerRef(customerRef)
            .email(Json.optString(invoice, "customer_email"))
            .periodEnd(invoicePeriodEnd(invoice))
            .build());
  }

  /**
   * The end of the period the invoice pays for: that of its first subscription line, else of its
   * first line. The invoice's own {@code period_end} is not it: for a renewal it is the end of the
   * period that just closed.
   */
  private static Instant invoicePeriodEnd(JsonObject invoice) {
    JsonArray lines = Json.optArray(invoice, "lines.data");
    if (lines == null || lines.isEmpty()) {
      return null;
    }
    JsonObject chosen = null;
    for (JsonObject line : objects(lines, "lines.data")) {
      if (chosen == null) {
        chosen = line;
      }
      if ("subscription".equals(Json.optString(line, "type"))
          || Json.optObject(line, "parent.subscription_item_details") != null) {
        chosen = line;
        break;
      }
    }
    Long end = Json.optLong(chosen, "period.end");
    return end == null ? null : StripeEvent.epochSecond(end, "lines.data.period.end");
  }

  static ParsedWebhook subscriptionDeleted(StripeDelivery d, JsonObject subscription) {
    String id = Json.requireString(subscription, "id");
    Long end = Json.optLong(subscription, "current_period_end");
    if (end == null) {
      JsonArray items = Json.optArray(subscription, "items.data");
      if (items != null && !items.isEmpty() && items.getValue(0) instanceof JsonObject item) {
        end = Json.optLong(item, "current_period_end");
      }
    }
    return d.books(
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id, d.created())
                .externalSubscriptionId(id)
                .customerRef(d.customerRef(subscription))
                .periodEnd(end == null ? null : StripeEvent.epochSecond(end, "current_period_end"))
                .build()));
  }
}
