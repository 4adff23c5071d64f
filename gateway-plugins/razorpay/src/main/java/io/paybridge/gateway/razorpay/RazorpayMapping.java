package io.paybridge.gateway.razorpay;

import static io.paybridge.gateway.razorpay.RazorpayEntities.amount;
import static io.paybridge.gateway.razorpay.RazorpayEntities.currency;
import static io.paybridge.gateway.razorpay.RazorpayEntities.epochSecond;
import static io.paybridge.gateway.razorpay.RazorpayEntities.first;
import static io.paybridge.gateway.razorpay.RazorpayEntities.isCaptured;
import static io.paybridge.gateway.razorpay.RazorpayEntities.notesValue;
import static io.paybridge.gateway.razorpay.RazorpayEntities.optEpochSecond;
import static io.paybridge.gateway.razorpay.RazorpayEntities.paymentDetails;
import static io.paybridge.gateway.razorpay.RazorpayEntities.shorten;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_ACTION_REQUIRED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_CLOSED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_CREATED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_LOST;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_UNDER_REVIEW;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.DISPUTE_WON;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.ORDER_PAID;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.PAYMENT_AUTHORIZED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.PAYMENT_CAPTURED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.PAYMENT_FAILED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.REFUND_CREATED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.REFUND_FAILED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.REFUND_PROCESSED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.REFUND_SPEED_CHANGED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_ACTIVATED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_AUTHENTICATED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_CANCELLED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_CHARGED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_COMPLETED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_HALTED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_PAUSED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_PENDING;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_RESUMED;
import static io.paybridge.gateway.razorpay.RazorpayEventTable.SUBSCRIPTION_UPDATED;
import static io.paybridge.spi.EventKind.AUTHORIZED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one Razorpay delivery means for the ledger: its dedupe key from the signed body, and what
 * its event books (payments, authorizations and subscription charges here; refunds and disputes in
 * {@link RazorpayWithdrawals}) or why it books nothing. {@link RazorpayPlugin} explains the keys
 * and the customer reference.
 */
final class RazorpayMapping {

  /** What the subscription events that move no money say happened. */
  private static final Map<String, String> SUBSCRIPTION_NOTES =
      Map.of(
          SUBSCRIPTION_AUTHENTICATED,
              "the customer authorised the mandate, and nothing is charged yet",
          SUBSCRIPTION_ACTIVATED, "it became active, which moves no money",
          SUBSCRIPTION_PENDING, "a charge failed and Razorpay will retry it, so no money moved",
          SUBSCRIPTION_UPDATED, "its plan or quantity changed, which moves no money",
          SUBSCRIPTION_PAUSED, "it was paused, which moves no money",
          SUBSCRIPTION_RESUMED, "it was resumed, which moves no money");

  private RazorpayMapping() {}

  /**
   * What a delivery books, or why it books nothing, with its dedupe key.
   *
   * @param customerRefKey the {@code notes} key under which the account keeps its customer
   *     reference
   * @throws MalformedWebhookException when the body is not what Razorpay sends
   */
  static ParsedWebhook parse(Buffer body, String customerRefKey) {
    JsonObject root = Json.object(body);
    String event = Json.requireString(root, "event");
    JsonObject payload = Json.requireObject(root, "payload");
    long createdAt = Json.requireLong(root, "created_at");
    Delivery d =
        new Delivery(
            event,
            epochSecond(createdAt, "created_at"),
            customerRefKey,
            entity(root, "payment"),
            entity(root, "order"),
            entity(root, "subscription"),
            entity(root, "refund"),
            entity(root, "dispute"));
    String eventId = eventId(payload, event, createdAt);
    Outcome outcome;
    try {
      outcome = outcome(d);
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Razorpay " + event + " " + eventId + ": " + e.getMessage(), e);
    }
    return new ParsedWebhook(eventId, event, outcome.events(), outcome.reason(), null);
  }

  /** What a delivery books, or why it books nothing. */
  record Outcome(List<PaymentEvent> events, String reason) {
    static Outcome books(PaymentEvent... events) {
      return new Outcome(List.of(events), null);
    }

    static Outcome ignored(String reason) {
      return new Outcome(List.of(), reason);
    }
  }

  private static Outcome outcome(Delivery d) {
    return switch (d.event()) {
      case PAYMENT_AUTHORIZED -> payment(d, AUTHORIZED, "authorized:");
      case PAYMENT_CAPTURED, ORDER_PAID -> captured(d);
      case PAYMENT_FAILED ->
          Outcome.ignored(
              "payment " + paymentId(d) + " failed: Razorpay collected no money for it");
      case SUBSCRIPTION_CHARGED -> subscriptionCharged(d);
      case SUBSCRIPTION_HALTED, SUBSCRIPTION_CANCELLED, SUBSCRIPTION_COMPLETED ->
          subscriptionEnded(d);
      case SUBSCRIPTION_AUTHENTICATED,
              SUBSCRIPTION_ACTIVATED,
              SUBSCRIPTION_PENDING,
              SUBSCRIPTION_UPDATED,
              SUBSCRIPTION_PAUSED,
              SUBSCRIPTION_RESUMED ->
          Outcome.ignored(
              "subscription "
                  + subscriptionId(d)
                  + ": "
                  + SUBSCRIPTION_NOTES.get(d.event())
                  + "; its charges arrive as subscription.charged");
      case REFUND_PROCESSED -> RazorpayWithdrawals.refund(d, false);
      case REFUND_FAILED -> RazorpayWithdrawals.refund(d, true);
      case REFUND_CREATED ->
          Outcome.ignored(
              "refund "
                  + refundId(d)
                  + " was created: it is booked when Razorpay reports it processed"
                  + " (refund.processed), and reversed if it fails (refund.failed)");
      case REFUND_SPEED_CHANGED ->
          Outcome.ignored(
              "refund " + refundId(d) + " changed speed (instant to normal): no money moved");
      case DISPUTE_CREATED, DISPUTE_LOST -> RazorpayWithdrawals.dispute(d, false);
      case DISPUTE_WON -> RazorpayWithdrawals.dispute(d, true);
      case DISPUTE_CLOSED -> RazorpayWithdrawals.disputeClosed(d);
      case DISPUTE_UNDER_REVIEW ->
          Outcome.ignored(
              "dispute "
                  + disputeId(d)
                  + " is under review with the evidence submitted: no money moved");
      case DISPUTE_ACTION_REQUIRED ->
          Outcome.ignored(
              "dispute "
                  + disputeId(d)
                  + " needs more evidence before it can be contested: no money moved");
      default ->
          Outcome.ignored(
              "Razorpay event "
                  + shorten(d.event())
                  + " is not in Paybridge's events table for Razorpay, so nothing is booked");
    };
  }

  /** One delivery's event name, time, the account's notes key and the entities it carries. */
  record Delivery(
      String event,
      Instant occurredAt,
      String customerRefKey,
      JsonObject payment,
      JsonObject order,
      JsonObject subscription,
      JsonObject refund,
      JsonObject dispute) {}

  static JsonObject require(JsonObject entity, String name) {
    if (entity == null) {
      throw new MalformedWebhookException("'payload." + name + ".entity' is missing");
    }
    return entity;
  }

  /** The entity of one kind the delivery carries, at {@code payload.<name>.entity}. */
  private static JsonObject entity(JsonObject root, String name) {
    return Json.optObject(root, "payload." + name + ".entity");
  }

  private static String paymentId(Delivery d) {
    return Json.requireString(require(d.payment(), "payment"), "id");
  }

  private static String subscriptionId(Delivery d) {
    return Json.requireString(require(d.subscription(), "subscription"), "id");
  }

  private static String refundId(Delivery d) {
    return Json.requireString(require(d.refund(), "refund"), "id");
  }

  private static String disputeId(Delivery d) {
    return Json.requireString(require(d.dispute(), "dispute"), "id");
  }

  /**
   * The receipt's dedupe key, from the signed body only: the event name, the id of every entity the
   * payload carries (in the order of their names), and the event's {@code created_at}, as {@code
   * <event>:<id>[:<id>…]@<created_at>}. Razorpay retries an event with the same body, so the key is
   * stable across retries; entity ids and the event's creation time tell apart distinct events,
   * including a second {@code subscription.halted} of the same subscription. The unsigned {@code
   * x-razorpay-event-id} header is not used: a signed body replayed under fresh ids is still the
   * same event.
   */
  static String eventId(JsonObject payload, String event, long createdAt) {
    StringBuilder key = new StringBuilder(event);
    for (String name : new TreeSet<>(payload.fieldNames())) {
      Object wrapper = payload.getValue(name);
      if (!(wrapper instanceof JsonObject w) || !(w.getValue("entity") instanceof JsonObject e)) {
        continue;
      }
      String id = Json.optString(e, "id");
      if (id != null && !id.isBlank()) {
        key.append(':').append(id);
      }
    }
    return key.append('@').append(createdAt).toString();
  }

  private static Outcome captured(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    if (!isCaptured(payment)) {
      return Outcome.ignored(
          d.event()
              + " reports payment "
              + Json.requireString(payment, "id")
              + " as not captured (captured="
              + payment.getValue("captured")
              + "): no money is collected until it is");
    }
    return payment(d, PAYMENT, "payment:");
  }

  private static Outcome payment(Delivery d, EventKind kind, String keyPrefix) {
    JsonObject payment = require(d.payment(), "payment");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return Outcome.ignored("payment " + id + " is for 0 " + currency + ": nothing to book");
    }
    return Outcome.books(
        paymentDetails(PaymentEvent.builder(kind, keyPrefix + id, d.occurredAt()), payment)
            .amount(amount, currency)
            .externalPaymentId(id)
            .customerRef(
                first(
                    notesValue(payment, d.customerRefKey()),
                    d.order() == null ? null : notesValue(d.order(), d.customerRefKey()),
                    Json.optString(payment, "customer_id")))
            .build());
  }

  private static Outcome subscriptionCharged(Delivery d) {
    JsonObject payment = require(d.payment(), "payment");
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(payment, "id");
    String currency = currency(payment);
    long amount = amount(payment);
    if (amount == 0) {
      return Outcome.ignored(
          "subscription charge " + id + " is for 0 " + currency + ": nothing to book");
    }
    String key = d.customerRefKey();
    return Outcome.books(
        paymentDetails(
                PaymentEvent.builder(RECURRING_CHARGED, "payment:" + id, d.occurredAt()), payment)
            .amount(amount, currency)
            .externalPaymentId(id)
            .externalSubscriptionId(Json.requireString(subscription, "id"))
            .customerRef(
                first(
                    notesValue(payment, key),
                    notesValue(subscription, key),
                    Json.optString(payment, "customer_id"),
                    Json.optString(subscription, "customer_id")))
            .periodEnd(optEpochSecond(subscription, "current_end"))
            .build());
  }

  private static Outcome subscriptionEnded(Delivery d) {
    JsonObject subscription = require(d.subscription(), "subscription");
    String id = Json.requireString(subscription, "id");
    return Outcome.books(
        PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.event(), d.occurredAt())
            .externalSubscriptionId(id)
            .customerRef(
                first(
                    notesValue(subscription, d.customerRefKey()),
                    Json.optString(subscription, "customer_id")))
            .periodEnd(optEpochSecond(subscription, "current_end"))
            .build());
  }
}
