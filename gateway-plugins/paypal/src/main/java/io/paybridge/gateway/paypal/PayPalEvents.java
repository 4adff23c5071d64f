package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalEventTable.CAPTURE_COMPLETED;
import static io.paybridge.gateway.paypal.PayPalEventTable.CAPTURE_REFUNDED;
import static io.paybridge.gateway.paypal.PayPalEventTable.CAPTURE_REVERSED;
import static io.paybridge.gateway.paypal.PayPalEventTable.DISPUTE_RESOLVED;
import static io.paybridge.gateway.paypal.PayPalEventTable.SALE_COMPLETED;
import static io.paybridge.gateway.paypal.PayPalEventTable.SALE_REFUNDED;
import static io.paybridge.gateway.paypal.PayPalEventTable.SALE_REVERSED;
import static io.paybridge.gateway.paypal.PayPalResources.amount;
import static io.paybridge.gateway.paypal.PayPalResources.blankToNull;
import static io.paybridge.gateway.paypal.PayPalResources.describe;
import static io.paybridge.gateway.paypal.PayPalResources.email;
import static io.paybridge.gateway.paypal.PayPalResources.fee;
import static io.paybridge.gateway.paypal.PayPalResources.first;
import static io.paybridge.gateway.paypal.PayPalResources.isIn;
import static io.paybridge.gateway.paypal.PayPalResources.time;
import static io.paybridge.gateway.paypal.PayPalResources.timeOrNull;
import static io.paybridge.gateway.paypal.PayPalResources.upper;
import static io.paybridge.spi.EventKind.DISPUTE;
import static io.paybridge.spi.EventKind.DISPUTE_REVERSED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;

import io.paybridge.gateway.paypal.PayPalEventTable.Lookup;
import io.paybridge.gateway.paypal.PayPalResources.Amount;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What PayPal's webhook events mean for the ledger: the mapping from a PayPal resource (a v2
 * capture or refund, a v1 sale or refund, a dispute, a billing subscription) to ledger entries. The
 * events table is {@link PayPalEventTable}; refunds and reversals are mapped by {@link
 * PayPalWithdrawals}.
 *
 * <p>Events are {@code {"id":"WH-…", "event_type":…, "create_time":…, "resource":{…}}}. The same
 * mapping serves two sources: {@link #parse} applies it to the resource in the delivery's body
 * (what the delivery <em>claims</em>), and {@link #confirmed} applies it to the resource as
 * PayPal's REST API returns it. Only the second is booked: PayPal signs the body through its CRC32
 * only, so a body can be rewritten without breaking the signature (see {@link PayPalResolver}).
 * From the body, only the event id, the event type and the resource id are used.
 *
 * <p>Amounts are decimal strings in major units ({@code amount.value} and {@code
 * amount.currency_code} in v2 resources and disputes, {@code amount.total} and {@code
 * amount.currency} in v1 ones), converted with {@link Money}. The customer reference is the
 * resource's field named by the account's {@code customerRefKey} (dots reach into nested objects),
 * then, for v1 sales, the sale's {@code custom} field, then the payer id PayPal sends ({@code
 * payer.payer_id}, {@code subscriber.payer_id} or {@code payer.payer_info.payer_id}); for a
 * dispute, the disputed transaction's {@code custom}.
 */
final class PayPalEvents {

  /** Capture statuses of a capture that completed (and may have been refunded since). */
  private static final Set<String> CAPTURED = Set.of("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED");

  /** Sale states of a sale that completed (and may have been refunded since). */
  private static final Set<String> SOLD = Set.of("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED");

  /** Subscription statuses of a subscription that no longer charges. */
  private static final Set<String> ENDED = Set.of("CANCELLED", "SUSPENDED", "EXPIRED");

  /** Dispute outcomes that leave the funds with the merchant. */
  private static final Set<String> MERCHANT_KEEPS =
      Set.of("RESOLVED_SELLER_FAVOUR", "CANCELED_BY_BUYER");

  /** What a PayPal resource id looks like; it goes into an API path. */
  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private PayPalEvents() {}

  /**
   * What a delivery names, read from its body: the event, its type, when PayPal created it, and the
   * id of the resource to look up (for types that book).
   *
   * @param resourceId {@code null} for types that never book
   */
  record Claim(String eventId, String eventType, Instant createdAt, String resourceId) {

    Lookup lookup() {
      return PayPalEventTable.lookup(eventType);
    }
  }

  /**
   * The delivery's event id and type, and for types that book, its creation time and resource id.
   *
   * @throws MalformedWebhookException when the body is not a PayPal event
   */
  static Claim claim(Buffer body) {
    JsonObject event = Json.object(body);
    String id = Json.requireString(event, "id");
    String type = Json.requireString(event, "event_type");
    Lookup lookup = PayPalEventTable.lookup(type);
    if (lookup == null) {
      return new Claim(id, type, null, null);
    }
    try {
      Instant createdAt = time(Json.requireString(event, "create_time"), "create_time");
      JsonObject resource = Json.requireObject(event, "resource");
      String resourceId =
          Json.requireString(resource, lookup == Lookup.DISPUTE ? "dispute_id" : "id");
      if (!RESOURCE_ID.matcher(resourceId).matches()) {
        throw new MalformedWebhookException("the resource id is not a PayPal id");
      }
      return new Claim(id, type, createdAt, resourceId);
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "PayPal event " + id + " (" + type + "): " + e.getMessage(), e);
    }
  }

  /**
   * What the delivery's body claims, mapped as PayPal's API answer would be. Never booked as such:
   * {@link PayPalResolver} replaces it with what the API confirms.
   *
   * @throws MalformedWebhookException when the body is not what PayPal sends
   */
  static ParsedWebhook parse(Buffer body, String customerRefKey) {
    Claim claim = claim(body);
    if (claim.lookup() == null) {
      return ParsedWebhook.ignored(
          claim.eventId(), claim.eventType(), PayPalEventTable.whyIgnored(claim.eventType()));
    }
    JsonObject resource = Json.object(body).getJsonObject("resource");
    try {
      return map(claim, resource, customerRefKey);
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "PayPal event " + claim.eventId() + " (" + claim.eventType() + "): " + e.getMessage(), e);
    }
  }

  /**
   * The delivery as PayPal's API confirms it: {@code resource} is the answer of the claim's {@link
   * Lookup}; nothing of the body but the claim's ids and type is used.
   *
   * @throws MalformedWebhookException when the API's answer is not what PayPal's API returns
   */
  static ParsedWebhook confirmed(Claim claim, JsonObject resource, String customerRefKey) {
    String idField = claim.lookup() == Lookup.DISPUTE ? "dispute_id" : "id";
    if (!claim.resourceId().equals(Json.optString(resource, idField))) {
      throw new MalformedWebhookException(
          "the " + claim.lookup().noun() + " PayPal returned is not " + claim.resourceId());
    }
    return map(claim, resource, customerRefKey);
  }

  private static ParsedWebhook map(Claim claim, JsonObject resource, String customerRefKey) {
    PayPalDelivery d = new PayPalDelivery(claim, customerRefKey);
    return switch (claim.eventType()) {
      case CAPTURE_COMPLETED -> captureCompleted(resource, d);
      case CAPTURE_REFUNDED -> PayPalWithdrawals.captureRefunded(resource, d);
      case CAPTURE_REVERSED -> PayPalWithdrawals.captureReversed(resource, d);
      case SALE_COMPLETED -> saleCompleted(resource, d);
      case SALE_REFUNDED, SALE_REVERSED -> PayPalWithdrawals.saleRefunded(resource, d);
      case DISPUTE_RESOLVED -> disputeResolved(resource, d);
      default -> subscriptionEnded(resource, d);
    };
  }

  private static ParsedWebhook captureCompleted(JsonObject capture, PayPalDelivery d) {
    return received(
        d,
        "capture",
        capture,
        "status",
        CAPTURED,
        "seller_receivable_breakdown.paypal_fee",
        r -> null);
  }

  private static ParsedWebhook saleCompleted(JsonObject sale, PayPalDelivery d) {
    return received(
        d,
        "sale",
        sale,
        "state",
        SOLD,
        "transaction_fee",
        r -> blankToNull(Json.optString(r, "billing_agreement_id")));
  }

  /**
   * Money a capture or sale brought in, keyed {@code <noun>:<id>}, once PayPal reports it done: a
   * payment, or a recurring charge when it names the subscription that charged it.
   *
   * @param done the states that mean done
   * @param feePath where the resource states PayPal's fee
   * @param subscription the subscription the resource names, or {@code null}
   */
  private static ParsedWebhook received(
      PayPalDelivery d,
      String noun,
      JsonObject resource,
      String stateField,
      Set<String> done,
      String feePath,
      Function<JsonObject, String> subscription) {
    ParsedWebhook unbooked =
        d.unbookable(
            noun,
            resource,
            stateField,
            state -> isIn(done, state),
            "nothing is booked until it completes.",
            () -> amount(resource, "amount").minor());
    if (unbooked != null) {
      return unbooked;
    }
    String id = Json.requireString(resource, "id");
    Amount amount = amount(resource, "amount");
    String agreement = subscription.apply(resource);
    return d.booked(
        List.of(
            PaymentEvent.builder(
                    agreement != null ? RECURRING_CHARGED : PAYMENT,
                    noun + ":" + id,
                    d.occurredAt(resource, "create_time"))
                .amount(amount.minor(), amount.currency())
                .externalPaymentId(id)
                .externalSubscriptionId(agreement)
                .customerRef(d.customerRef(resource))
                .email(email(resource))
                .feeMinor(fee(resource, feePath, amount.currency()))
                .build()));
  }

  private static ParsedWebhook disputeResolved(JsonObject dispute, PayPalDelivery d) {
    String id = Json.requireString(dispute, "dispute_id");
    String status = upper(Json.optString(dispute, "status"));
    if (!"RESOLVED".equals(status)) {
      return d.reportedAs("dispute", id, status, ", not resolved: nothing has been reinstated.");
    }
    String outcome = upper(Json.optString(dispute, "dispute_outcome.outcome_code"));
    if (!isIn(MERCHANT_KEEPS, outcome)) {
      return d.ignored(
          "Dispute "
              + id
              + " was resolved with outcome "
              + describe(outcome)
              + ", not in the merchant's favour: no funds come back, and any PayPal took are"
              + " booked from PAYMENT.CAPTURE.REVERSED or the refund.");
    }
    JsonArray transactions = Json.optArray(dispute, "disputed_transactions");
    JsonObject transaction =
        transactions != null
                && transactions.size() == 1
                && transactions.getValue(0) instanceof JsonObject only
            ? only
            : null;
    String transactionId =
        transaction == null
            ? null
            : blankToNull(Json.optString(transaction, "seller_transaction_id"));
    if (transactionId == null) {
      return d.ignored(
          "Dispute "
              + id
              + " was resolved in the merchant's favour but does not name exactly one disputed"
              + " transaction of the merchant's: reinstate its funds by hand.");
    }
    Amount amount = amount(dispute, "dispute_amount");
    if (amount.minor() <= 0) {
      return d.ignored("Dispute " + id + " is of a zero amount: there is nothing to book.");
    }
    Instant at = d.occurredAt(dispute, "update_time");
    String customer = blankToNull(Json.optString(transaction, "custom"));
    return d.booked(
        List.of(
            PaymentEvent.builder(DISPUTE, "dispute:" + transactionId, at)
                .amount(-amount.minor(), amount.currency())
                .externalPaymentId(transactionId)
                .customerRef(customer)
                .build(),
            PaymentEvent.builder(DISPUTE_REVERSED, "dispute_reversal:" + transactionId, at)
                .amount(amount.minor(), amount.currency())
                .externalPaymentId(transactionId)
                .customerRef(customer)
                .build()));
  }

  private static ParsedWebhook subscriptionEnded(JsonObject subscription, PayPalDelivery d) {
    String id = Json.requireString(subscription, "id");
    String status = upper(Json.optString(subscription, "status"));
    if (!isIn(ENDED, status)) {
      return d.reportedAs(
          "subscription", id, status, ": it has not ended, so no cancellation is booked.");
    }
    String next = blankToNull(Json.optString(subscription, "billing_info.next_billing_time"));
    Instant at =
        first(
            timeOrNull(subscription, "status_update_time"),
            timeOrNull(subscription, "update_time"),
            d.claim().createdAt());
    return d.booked(
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.type(), at)
                .externalSubscriptionId(id)
                .customerRef(d.customerRef(subscription))
                .email(email(subscription))
                .periodEnd(next == null ? null : time(next, "billing_info.next_billing_time"))
                .build()));
  }
}
