package io.paybridge.gateway.stripe;

import static io.paybridge.spi.EventKind.DISPUTE;
import static io.paybridge.spi.EventKind.DISPUTE_REVERSED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one Stripe event means for the ledger. Reads the event's body only; what only Stripe's API
 * can tell (the refunds of a charge, the invoice a payment pays) is returned as a {@link
 * Reading.Lookup}, which turns the API's answer into events with the same rules. No I/O of its own.
 *
 * <p>One money movement has one ledger key, whichever of Stripe's events announces it: {@code
 * payment:<payment intent>}, {@code invoice:<invoice>}, {@code refund:<refund>}, {@code
 * dispute:<dispute>}. The undoing of a movement has a key of its own ({@code
 * refund_reversal:<refund>}, {@code dispute_reversal:<dispute>}), and the event that announces it
 * books the movement too: the ledger keeps the first entry under each key, so the pair nets right
 * whether or not the movement was booked before.
 */
final class StripeMapping {

  private final StripeEvent event;
  private final String customerRefKey;

  /**
   * @param customerRefKey the metadata key under which the account keeps its customer reference
   */
  StripeMapping(StripeEvent event, String customerRefKey) {
    this.event = event;
    this.customerRefKey = customerRefKey;
  }

  /**
   * What the event means.
   *
   * @throws MalformedWebhookException naming the event and the offending field
   */
  Reading read() {
    JsonObject object = event.object();
    try {
      return switch (event.type()) {
        case "payment_intent.succeeded" -> paymentIntentSucceeded(object);
        case "charge.succeeded" -> chargeSucceeded(object);
        case "checkout.session.completed" -> Reading.of(checkoutSessionCompleted(object));
        case "charge.refunded" -> chargeRefunded(object);
        case "refund.created", "refund.updated" -> Reading.of(refundChanged(object));
        case "refund.failed" -> Reading.of(refundUndone(object));
        case "invoice.paid", "invoice.payment_succeeded" -> Reading.of(invoicePaid(object));
        case "customer.subscription.deleted" -> Reading.of(subscriptionDeleted(object));
        case "charge.dispute.funds_withdrawn" -> Reading.of(disputeFundsWithdrawn(object));
        case "charge.dispute.funds_reinstated" -> Reading.of(disputeFundsReinstated(object));
        case "payment_intent.amount_capturable_updated" ->
            Reading.of(ignored(StripeEventTable.AUTHORIZATION_ONLY));
        case "review.closed" -> Reading.of(ignored(StripeEventTable.REVIEW_CLOSED));
        case "charge.dispute.created" -> Reading.of(ignored(StripeEventTable.DISPUTE_CREATED));
        case "charge.dispute.updated" -> Reading.of(ignored(StripeEventTable.DISPUTE_UPDATED));
        case "charge.dispute.closed" -> Reading.of(ignored(StripeEventTable.DISPUTE_CLOSED));
        default -> Reading.of(ParsedWebhook.ignored(event.id(), event.type()));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Stripe event "
              + event.id()
              + " ("
              + event.type()
              + "), in data.object: "
              + e.getMessage(),
          e);
    }
  }

  // ---- payments

  private Reading paymentIntentSucceeded(JsonObject intent) {
    String id = Json.requireString(intent, "id");
    String currency = currency(intent);
    String field = intent.getValue("amount_received") != null ? "amount_received" : "amount";
    long amount = amount(intent, field, currency);
    if (amount == 0) {
      return Reading.of(ignored("payment intent " + id + " succeeded for a zero amount"));
    }
    PaymentEvent payment =
        PaymentEvent.builder(PAYMENT, "payment:" + id, event.created())
            .amount(amount, currency)
            .externalPaymentId(id)
            .customerRef(customerRef(intent))
            .email(Json.optString(intent, "receipt_email"))
            .build();
    return paymentOrInvoice(intent, id, payment);
  }

  private Reading chargeSucceeded(JsonObject charge) {
    String id = Json.requireString(charge, "id");
    if (Boolean.FALSE.equals(optBoolean(charge, "captured"))) {
      return Reading.of(
          ignored(
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
      return Reading.of(ignored("charge " + id + " is for a zero amount"));
    }
    String intent = idOf(charge, "payment_intent");
    String paymentId = first(intent, id);
    PaymentEvent payment =
        PaymentEvent.builder(PAYMENT, "payment:" + paymentId, event.created())
            .amount(amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef(charge))
            .email(chargeEmail(charge))
            .build();
    return paymentOrInvoice(charge, intent, payment);
  }

  /**
   * A payment intent's or charge's payment, which may pay an invoice. Before API 2025-03-31 the
   * object names its invoice: such a payment is left to the invoice's own events, and one that
   * names none is a plain payment. From 2025-03-31 no payment names its invoice, so Stripe is asked
   * which invoice, if any, the payment intent pays. A charge without a payment intent cannot be
   * asked about (Stripe lists invoice payments by payment intent) and is a plain payment.
   */
  private Reading paymentOrInvoice(JsonObject object, String paymentIntent, PaymentEvent payment) {
    String invoice = idOf(object, "invoice");
    if (invoice != null) {
      return Reading.of(ignored(bookedFromInvoice(List.of(invoice))));
    }
    if (paymentIntent == null || !event.basilOrLater()) {
      return Reading.of(books(List.of(payment)));
    }
    return lookup(new InvoicesOfPayment(paymentIntent, payment));
  }

  /**
   * The invoice payments Stripe lists for a payment intent, with their invoices expanded: each paid
   * invoice books as its {@code invoice.paid} does, under the invoice's key; a payment of no
   * invoice books as a payment.
   */
  ParsedWebhook paymentOfInvoices(
      String paymentIntent, PaymentEvent payment, List<JsonObject> invoicePayments) {
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
      return books(List.of(payment));
    }
    List<PaymentEvent> events = new ArrayList<>();
    for (JsonObject invoice : invoices.values()) {
      if ("paid".equals(Json.optString(invoice, "status"))) {
        events.addAll(invoiceCharge(invoice));
      }
    }
    return events.isEmpty() ? ignored(bookedFromInvoice(invoices.keySet())) : books(events);
  }

  private static String bookedFromInvoice(Collection<String> invoices) {
    return "booked from invoice.paid: this payment pays invoice " + String.join(", ", invoices);
  }

  private ParsedWebhook checkoutSessionCompleted(JsonObject session) {
    String id = Json.requireString(session, "id");
    String status = Json.optString(session, "payment_status");
    if ("no_payment_required".equals(status)) {
      return ignored("checkout session " + id + " needed no payment");
    }
    if (!"paid".equals(status)) {
      return ignored(
          "checkout session "
              + id
              + " is "
              + (status == null ? "without a payment status" : status)
              + ": the payment books when it succeeds, with payment_intent.succeeded");
    }
    String currency = currency(session);
    long amount = amount(session, "amount_total", currency);
    if (amount == 0) {
      return ignored("checkout session " + id + " is for a zero amount");
    }
    String invoice = idOf(session, "invoice");
    String subscription = idOf(session, "subscription");
    String paymentId = first(idOf(session, "payment_intent"), invoice, id);
    String entryKey =
        "subscription".equals(Json.optString(session, "mode")) && invoice != null
            ? "invoice:" + invoice
            : "payment:" + paymentId;
    return books(
        List.of(
            PaymentEvent.builder(PAYMENT, entryKey, event.created())
                .amount(amount, currency)
                .externalPaymentId(paymentId)
                .externalSubscriptionId(subscription)
                .customerRef(
                    first(
                        metadataValue(session, "metadata"),
                        Json.optString(session, "client_reference_id"),
                        idOf(session, "customer")))
                .email(
                    first(
                        Json.optString(session, "customer_details.email"),
                        Json.optString(session, "customer_email")))
                .build()));
  }

  // ---- refunds

  /** {@code refund.created} and {@code refund.updated}: what the refund's status says. */
  private ParsedWebhook refundChanged(JsonObject refund) {
    String id = Json.requireString(refund, "id");
    String status = Json.optString(refund, "status");
    if ("succeeded".equals(status)) {
      return refundEntries(refund, null, false);
    }
    if ("failed".equals(status) || "canceled".equals(status)) {
      return refundEntries(refund, null, true);
    }
    return ignored(
        "refund "
            + id
            + " is "
            + (status == null ? "without a status" : status)
            + ": it books once Stripe reports it succeeded, with refund.updated");
  }

  /** {@code refund.failed}: the refund and its reversal, which net to zero in any order. */
  private ParsedWebhook refundUndone(JsonObject refund) {
    return refundEntries(refund, null, true);
  }

  private ParsedWebhook refundEntries(JsonObject refund, JsonObject charge, boolean undone) {
    List<PaymentEvent> events = refundEvents(refund, charge, undone);
    return events.isEmpty()
        ? ignored("refund " + Json.requireString(refund, "id") + " is for a zero amount")
        : books(events);
  }

  /**
   * A refund's entry ({@code refund:<id>}, negative), and with {@code undone} its reversal ({@code
   * refund_reversal:<id>}, positive); {@code charge} is the refunded charge when the refund came
   * with it. Empty for a zero amount.
   */
  private List<PaymentEvent> refundEvents(JsonObject refund, JsonObject charge, boolean undone) {
    String id = Json.requireString(refund, "id");
    String currency = currency(refund);
    long amount = amount(refund, "amount", currency);
    if (amount == 0) {
      return List.of();
    }
    String paymentId = first(idOf(refund, "payment_intent"), idOf(refund, "charge"));
    String customerRef = metadataValue(refund, "metadata");
    String email = null;
    if (charge != null) {
      paymentId = first(paymentId, idOf(charge, "payment_intent"), Json.optString(charge, "id"));
      customerRef = first(customerRef, customerRef(charge));
      email = chargeEmail(charge);
    }
    PaymentEvent booked =
        PaymentEvent.builder(REFUND, "refund:" + id, event.created())
            .amount(-amount, currency)
            .externalPaymentId(paymentId)
            .customerRef(customerRef)
            .email(email)
            .build();
    if (!undone) {
      return List.of(booked);
    }
    PaymentEvent reversal =
        PaymentEvent.builder(REFUND_REVERSED, "refund_reversal:" + id, event.created())
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
  private Reading chargeRefunded(JsonObject charge) {
    String id = Json.requireString(charge, "id");
    JsonObject list = Json.optObject(charge, "refunds");
    JsonArray data = list == null ? null : Json.optArray(list, "data");
    if (data != null && !Boolean.TRUE.equals(optBoolean(list, "has_more"))) {
      return Reading.of(refundsOfCharge(charge, objects(data, "refunds.data")));
    }
    return lookup(new RefundsOfCharge(id, charge));
  }

  /** Every succeeded refund of the charge, each under its own key. */
  ParsedWebhook refundsOfCharge(JsonObject charge, List<JsonObject> refunds) {
    String id = Json.requireString(charge, "id");
    List<PaymentEvent> events = new ArrayList<>();
    for (JsonObject refund : refunds) {
      if ("succeeded".equals(Json.optString(refund, "status"))) {
        events.addAll(refundEvents(refund, charge, false));
      }
    }
    if (!events.isEmpty()) {
      return books(events);
    }
    return ignored(
        refunds.isEmpty()
            ? "charge.refunded with nothing left to book: Stripe lists no refunds of charge " + id
            : "charge.refunded with nothing left to book: none of the "
                + refunds.size()
                + " refunds of charge "
                + id
                + " has succeeded (a pending refund books with refund.updated once it succeeds)");
  }

  // ---- invoices and subscriptions

  private ParsedWebhook invoicePaid(JsonObject invoice) {
    String id = Json.requireString(invoice, "id");
    String status = Json.optString(invoice, "status");
    if (status != null && !"paid".equals(status)) {
      return ignored(
          "invoice " + id + " is " + status + ": it books once it is paid, with invoice.paid");
    }
    List<PaymentEvent> events = invoiceCharge(invoice);
    return events.isEmpty()
        ? ignored("invoice " + id + " was paid with a zero amount (a trial or a full discount)")
        : books(events);
  }

  /**
   * A paid invoice's charge under {@code invoice:<id>}: recurring when it belongs to a subscription
   * ({@code subscription} before API 2025-03-31, {@code parent.subscription_details.subscription}
   * from then on), else a payment. Empty for a zero amount.
   */
  private List<PaymentEvent> invoiceCharge(JsonObject invoice) {
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
            metadataValue(invoice, "parent.subscription_details.metadata"),
            metadataValue(invoice, "subscription_details.metadata"),
            metadataValue(invoice, "metadata"),
            idOf(invoice, "customer"));
    return List.of(
        PaymentEvent.builder(
                subscription != null ? RECURRING_CHARGED : PAYMENT,
                "invoice:" + id,
                event.created())
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

  private ParsedWebhook subscriptionDeleted(JsonObject subscription) {
    String id = Json.requireString(subscription, "id");
    Long end = Json.optLong(subscription, "current_period_end");
    if (end == null) {
      JsonArray items = Json.optArray(subscription, "items.data");
      if (items != null && !items.isEmpty() && items.getValue(0) instanceof JsonObject item) {
        end = Json.optLong(item, "current_period_end");
      }
    }
    return books(
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id, event.created())
                .externalSubscriptionId(id)
                .customerRef(customerRef(subscription))
                .periodEnd(end == null ? null : StripeEvent.epochSecond(end, "current_period_end"))
                .build()));
  }

  // ---- disputes

  private ParsedWebhook disputeFundsWithdrawn(JsonObject dispute) {
    DisputeMoney money = disputeMoney(dispute);
    return books(List.of(disputeEntry(dispute, money)));
  }

  /** The withdrawal and the reinstatement, so the pair nets right in any order. */
  private ParsedWebhook disputeFundsReinstated(JsonObject dispute) {
    DisputeMoney money = disputeMoney(dispute);
    PaymentEvent reversal =
        disputeEvent(
                dispute,
                DISPUTE_REVERSED,
                "dispute_reversal:" + Json.requireString(dispute, "id"),
                money.reinstated(),
                money.currency())
            .build();
    return books(List.of(disputeEntry(dispute, money), reversal));
  }

  private PaymentEvent disputeEntry(JsonObject dispute, DisputeMoney money) {
    return disputeEvent(
            dispute,
            DISPUTE,
            "dispute:" + Json.requireString(dispute, "id"),
            -money.withdrawn(),
            money.currency())
        .feeMinor(money.fee())
        .build();
  }

  private PaymentEvent.Builder disputeEvent(
      JsonObject dispute, EventKind kind, String key, long amount, String currency) {
    return PaymentEvent.builder(kind, key, event.created())
        .amount(amount, currency)
        .externalPaymentId(first(idOf(dispute, "payment_intent"), idOf(dispute, "charge")))
        .customerRef(
            first(
                metadataValue(dispute, "metadata"),
                expandedCustomerRef(dispute, "payment_intent"),
                expandedCustomerRef(dispute, "charge")));
  }

  /**
   * The money a dispute moved, in the disputed payment's currency.
   *
   * @param withdrawn what was taken from the merchant, positive
   * @param reinstated what was given back, positive
   * @param fee Stripe's dispute fee on the withdrawal, or {@code null}
   */
  private record DisputeMoney(String currency, long withdrawn, long reinstated, Long fee) {}

  /**
   * What the dispute's balance transactions (one withdrawal, and one reinstatement once won) moved.
   * When they are absent, or settled in another currency than the disputed payment's (they would
   * not net against it), the disputed {@code amount} stands for both.
   */
  private static DisputeMoney disputeMoney(JsonObject dispute) {
    String currency = currency(dispute);
    long disputed = amount(dispute, "amount", currency);
    if (disputed == 0) {
      throw new MalformedWebhookException("'amount' of a dispute is zero");
    }
    JsonArray transactions = Json.optArray(dispute, "balance_transactions");
    if (transactions == null || transactions.isEmpty()) {
      return new DisputeMoney(currency, disputed, disputed, null);
    }
    long withdrawn = 0;
    long reinstated = 0;
    Long fee = null;
    for (int i = 0; i < transactions.size(); i++) {
      if (!(transactions.getValue(i) instanceof JsonObject transaction)
          || !currency.equals(currency(transaction))) {
        return new DisputeMoney(currency, disputed, disputed, null);
      }
      long moved = Json.requireLong(transaction, "amount");
      String field = "balance_transactions[" + i + "].amount";
      if (moved < 0) {
        withdrawn = Math.addExact(withdrawn, StripeAmounts.toIsoMinor(-moved, currency, field));
        Long charged = Json.optLong(transaction, "fee");
        if (charged != null && charged > 0) {
          fee = StripeAmounts.toIsoMinor(charged, currency, "balance_transactions[" + i + "].fee");
        }
      } else {
        reinstated = Math.addExact(reinstated, StripeAmounts.toIsoMinor(moved, currency, field));
      }
    }
    return new DisputeMoney(
        currency,
        withdrawn > 0 ? withdrawn : disputed,
        reinstated > 0 ? reinstated : disputed,
        fee);
  }

  private String expandedCustomerRef(JsonObject object, String field) {
    return object.getValue(field) instanceof JsonObject expanded ? customerRef(expanded) : null;
  }

  // ---- lookups

  /** A delivery that waits on Stripe's API: held for want of a key until the lookup runs. */
  private Reading lookup(Reading.Lookup lookup) {
    return new Reading(
        ParsedWebhook.held(
            event.id(),
            event.type(),
            ParsedWebhook.NEEDS_API_CREDENTIALS,
            event.type()
                + " is booked with Stripe's API, to "
                + lookup.question()
                + ", which needs the account's apiKey: add a secret (sk_) or restricted (rk_)"
                + " key with read access, and the delivery books"),
        lookup);
  }

  /** {@code GET /v1/refunds?charge=}: every refund of the charge, all pages. */
  private final class RefundsOfCharge implements Reading.Lookup {
    private final String chargeId;
    private final JsonObject charge;

    RefundsOfCharge(String chargeId, JsonObject charge) {
      this.chargeId = chargeId;
      this.charge = charge;
    }

    @Override
    public String question() {
      return "list the refunds of charge "
          + chargeId
          + " (GET /v1/refunds?charge="
          + chargeId
          + ")";
    }

    @Override
    public Future<ParsedWebhook> run(StripeApi api, String apiKey) {
      return api.refundsOfCharge(chargeId, apiKey)
          .map(refunds -> answer(StripeApi.LIST_REFUNDS, () -> refundsOfCharge(charge, refunds)));
    }
  }

  /** {@code GET /v1/invoice_payments}: the invoices a payment intent pays, if any. */
  private final class InvoicesOfPayment implements Reading.Lookup {
    private final String paymentIntent;
    private final PaymentEvent payment;

    InvoicesOfPayment(String paymentIntent, PaymentEvent payment) {
      this.paymentIntent = paymentIntent;
      this.payment = payment;
    }

    @Override
    public String question() {
      return "find the invoice that payment intent "
          + paymentIntent
          + " pays, if any (GET /v1/invoice_payments)";
    }

    @Override
    public Future<ParsedWebhook> run(StripeApi api, String apiKey) {
      return api.invoicePaymentsOf(paymentIntent, apiKey)
          .map(
              invoicePayments ->
                  answer(
                      StripeApi.LIST_INVOICE_PAYMENTS,
                      () -> paymentOfInvoices(paymentIntent, payment, invoicePayments)));
    }
  }

  /** Reads an API answer: what does not fit is Stripe's fault, not the webhook's. */
  private static ParsedWebhook answer(String operation, Supplier<ParsedWebhook> reading) {
    try {
      return reading.get();
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(operation, "Stripe's answer cannot be booked: " + e.getMessage());
    }
  }

  // ---- results

  private ParsedWebhook books(List<PaymentEvent> events) {
    return new ParsedWebhook(event.id(), event.type(), events);
  }

  private ParsedWebhook ignored(String reason) {
    return ParsedWebhook.ignored(event.id(), event.type(), reason);
  }

  // ---- reading Stripe objects

  private String customerRef(JsonObject object) {
    return first(metadataValue(object, "metadata"), idOf(object, "customer"));
  }

  private static String chargeEmail(JsonObject charge) {
    return first(
        Json.optString(charge, "receipt_email"), Json.optString(charge, "billing_details.email"));
  }

  private static String currency(JsonObject object) {
    return Money.currency(Json.requireString(object, "currency"));
  }

  /** An amount field in ISO minor units of {@code currency}; zero or more. */
  private static long amount(JsonObject object, String field, String currency) {
    return StripeAmounts.toIsoMinor(Json.requireLong(object, field), currency, field);
  }

  /**
   * The account's customer reference in a metadata object, read without path splitting because
   * metadata keys may contain dots; {@code null} when the metadata or the key is absent or the
   * value is empty.
   */
  private String metadataValue(JsonObject object, String metadataPath) {
    JsonObject metadata = Json.optObject(object, metadataPath);
    Object value = metadata == null ? null : metadata.getValue(customerRefKey);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String s = value.toString();
      return s.isBlank() ? null : s;
    }
    throw new MalformedWebhookException(
        "'" + metadataPath + "." + customerRefKey + "' should be a string");
  }

  /** A reference to another Stripe object: its id, or the object itself when expanded. */
  private static String idOf(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s.isBlank() ? null : s;
    }
    if (value instanceof JsonObject expanded) {
      return Json.requireString(expanded, "id");
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be an id but is " + value.getClass().getSimpleName());
  }

  private static Boolean optBoolean(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be a boolean but is " + value.getClass().getSimpleName());
  }

  /** The elements of a JSON array of objects. */
  static List<JsonObject> objects(JsonArray array, String path) {
    List<JsonObject> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw new MalformedWebhookException("'" + path + "[" + i + "]' should be an object");
      }
      out.add(o);
    }
    return out;
  }

  private static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank()) {
        return c;
      }
    }
    return null;
  }
}
