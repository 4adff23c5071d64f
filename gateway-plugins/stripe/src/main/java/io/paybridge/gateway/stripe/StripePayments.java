package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.amount;
import static io.paybridge.gateway.stripe.StripeFields.chargeEmail;
import static io.paybridge.gateway.stripe.StripeFields.currency;
import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;
import static io.paybridge.gateway.stripe.StripeFields.optBoolean;
import static io.paybridge.spi.EventKind.PAYMENT;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Stripe's payment events book: a succeeded payment intent or charge under {@code
 * payment:<payment intent>}, unless it pays an invoice, which books as the invoice does (asking
 * Stripe which invoice from API 2025-03-31 on); and a paid checkout session.
 */
final class StripePayments {

  private StripePayments() {}

  static Reading paymentIntentSucceeded(StripeDelivery d, JsonObject intent) {
    String id = Json.requireString(intent, "id");
    String currency = currency(intent);
    String field = intent.getValue("amount_received") != null ? "amount_received" : "amount";
    long amount = amount(intent, field, currency);
    if (amount == 0) {
      return Reading.of(d.ignored("payment intent " + id + " succeeded for a zero amount"));
    }
    PaymentEvent payment =
        PaymentEvent.builder(PAYMENT, "payment:" + id, d.created())
            .amount(amount, currency)
            .externalPaymentId(id)
            .customerRef(d.customerRef(intent))
            .email(Json.optString(intent, "receipt_email"))
            .build();
    return paymentOrInvoice(d, intent, id, payment);
  }

  static Reading chargeSucceeded(StripeDelivery d, JsonObject charge) {
    String id = Json.requireString(charge, "id");
    if (Boolean.FALSE.equals(optBoolean(charge, "captured"))) {
      return Reading.of(
          d.ignored(
              "charge "
                  + id
                  + " is authorized, not captured: the payment books when it is captured, with"
                  + " payment_intent.succeeded"));
    }
    String currency = currency(charge);
    Long captured = Json.optLong(charge, "amount_captured");
    long amount =
        captured != null && captured > 0
            ? amount(charge, "amount_captured", currency)
            : amount(charge, "amount", currency);
    if (amount == 0) {
      return Reading.of(d.ignored("charge " + id + " is for a zero amount"));
    }
    String intent = idOf(charge, "payment_intent");
    String paymentId = first(intent, id);
    PaymentEvent payment =
        PaymentEvent.builder(PAYMENT, "payment:" + paymentId, d.created())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(d.customerRef(charge))
            .email(chargeEmail(charge))
            .build();
    return paymentOrInvoice(d, charge, intent, payment);
  }

  /**
   * A payment intent's or charge's payment, which may pay an invoice. Before API 2025-03-31 the
   * object names its invoice: such a payment is left to the invoice's own events, and one that
   * names none is a plain payment. From 2025-03-31 no payment names its invoice, so Stripe is asked
   * which invoice, if any, the payment intent pays. A charge without a payment intent cannot be
   * asked about (Stripe lists invoice payments by payment intent) and is a plain payment.
   */
  private static Reading paymentOrInvoice(
      StripeDelivery d, JsonObject object, String paymentIntent, PaymentEvent payment) {
    String invoice = idOf(object, "invoice");
    if (invoice != null) {
      return Reading.of(d.ignored(bookedFromInvoice(List.of(invoice))));
    }
    if (paymentIntent == null || !d.event().basilOrLater()) {
      return Reading.of(d.books(List.of(payment)));
    }
    return d.awaiting(
        new Reading.Lookup(
            "find the invoice that payment intent "
                + paymentIntent
                + " pays, if any (GET /v1/invoice_payments)",
            StripeApi.LIST_INVOICE_PAYMENTS,
            (api, apiKey) -> api.invoicePaymentsOf(paymentIntent, apiKey),
            invoicePayments -> paymentOfInvoices(d, paymentIntent, payment, invoicePayments)));
  }

  /**
   * The invoice payments Stripe lists for a payment intent, with their invoices expanded: each paid
   * invoice books as its {@code invoice.paid} does, under the invoice's key; a payment of no
   * invoice books as a payment.
   */
  private static ParsedWebhook paymentOfInvoices(
      StripeDelivery d,
      String paymentIntent,
      PaymentEvent payment,
      List<JsonObject> invoicePayments) {
    Map<String, JsonObject> invoices = new LinkedHashMap<>();
    for (JsonObject invoicePayment : invoicePayments) {
      if ("canceled".equals(Json.optString(invoicePayment, "status"))) {
        continue;
      }
      if (!(invoicePayment.getValue("invoice") instanceof JsonObject invoice)) {
        throw new MalformedWebhookException(
            "the invoice of invoice payment "
                + Json.optString(invoicePayment, "id")
                + " of payment intent "
                + paymentIntent
                + " is not expanded");
      }
      invoices.putIfAbsent(Json.requireString(invoice, "id"), invoice);
    }
    if (invoices.isEmpty()) {
      return d.books(List.of(payment));
    }
    List<PaymentEvent> events = new ArrayList<>();
    for (JsonObject invoice : invoices.values()) {
      if ("paid".equals(Json.optString(invoice, "status"))) {
        events.addAll(StripeInvoices.invoiceCharge(d, invoice));
      }
    }
    return events.isEmpty() ? d.ignored(bookedFromInvoice(invoices.keySet())) : d.books(events);
  }

  private static String bookedFromInvoice(Collection<String> invoices) {
    return "booked from invoice.paid: this payment pays invoice " + String.join(", ", invoices);
  }

  static ParsedWebhook checkoutSessionCompleted(StripeDelivery d, JsonObject session) {
    String id = Json.requireString(session, "id");
    String status = Json.optString(session, "payment_status");
    if ("no_payment_required".equals(status)) {
      return d.ignored("checkout session " + id + " needed no payment");
    }
    if (!"paid".equals(status)) {
      return d.ignored(
          "checkout session "
              + id
              + " is "
              + (status == null ? "without a payment status" : status)
              + ": the payment books when it succeeds, with payment_intent.succeeded");
    }
    String currency = currency(session);
    long amount = amount(session, "amount_total", currency);
    if (amount == 0) {
      return d.ignored("checkout session " + id + " is for a zero amount");
    }
    String invoice = idOf(session, "invoice");
    String subscription = idOf(session, "subscription");
    String paymentId = first(idOf(session, "payment_intent"), invoice, id);
    String entryKey =
        "subscription".equals(Json.optString(session, "mode")) && invoice != null
            ? "invoice:" + invoice
            : "payment:" + paymentId;
    return d.books(
        List.of(
            PaymentEvent.builder(PAYMENT, entryKey, d.created())
                .amount(amount, currency)
                .externalPaymentId(paymentId)
                .externalSubscriptionId(subscription)
                .customerRef(
                    first(
                        d.metadataValue(session, "metadata"),
                        Json.optString(session, "client_reference_id"),
                        idOf(session, "customer")))
                .email(
                    first(
                        Json.optString(session, "customer_details.email"),
                        Json.optString(session, "customer_email")))
                .build()));
  }
}
