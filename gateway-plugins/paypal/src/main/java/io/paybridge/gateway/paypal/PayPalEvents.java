package io.paybridge.gateway.paypal;

import static io.paybridge.spi.EventKind.DISPUTE;
import static io.paybridge.spi.EventKind.DISPUTE_REVERSED;
import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What PayPal's webhook events mean for the ledger: the events table, and the mapping from a PayPal
 * resource (a v2 capture or refund, a v1 sale or refund, a dispute, a billing subscription) to
 * ledger entries.
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

  static final String CAPTURE_COMPLETED = "PAYMENT.CAPTURE.COMPLETED";
  static final String CAPTURE_REFUNDED = "PAYMENT.CAPTURE.REFUNDED";
  static final String CAPTURE_REVERSED = "PAYMENT.CAPTURE.REVERSED";
  static final String SALE_COMPLETED = "PAYMENT.SALE.COMPLETED";
  static final String SALE_REFUNDED = "PAYMENT.SALE.REFUNDED";
  static final String SALE_REVERSED = "PAYMENT.SALE.REVERSED";
  static final String DISPUTE_RESOLVED = "CUSTOMER.DISPUTE.RESOLVED";
  static final String SUBSCRIPTION_CANCELLED = "BILLING.SUBSCRIPTION.CANCELLED";
  static final String SUBSCRIPTION_SUSPENDED = "BILLING.SUBSCRIPTION.SUSPENDED";
  static final String SUBSCRIPTION_EXPIRED = "BILLING.SUBSCRIPTION.EXPIRED";

  /** The PayPal API resource that confirms an event type that books. */
  enum Lookup {
    /** {@code GET /v2/payments/captures/{id}}. */
    CAPTURE("capture"),
    /** {@code GET /v2/payments/refunds/{id}}: refunds and reversals of captures. */
    CAPTURE_REFUND("refund"),
    /** {@code GET /v1/payments/sale/{id}}. */
    SALE("sale"),
    /** {@code GET /v1/payments/refund/{id}}: refunds and reversals of sales. */
    SALE_REFUND("sale refund"),
    /** {@code GET /v1/customer/disputes/{id}}. */
    DISPUTE("dispute"),
    /** {@code GET /v1/billing/subscriptions/{id}}. */
    SUBSCRIPTION("subscription");

    private final String noun;

    Lookup(String noun) {
      this.noun = noun;
    }

    /** What the resource is called in reasons: "capture", "refund", … */
    String noun() {
      return noun;
    }
  }

  private record Row(EventRule rule, Lookup lookup) {}

  private static final String HELD_NOTE =
      " Held until the account has a client ID and secret PayPal accepts.";

  private static final Map<String, Row> ROWS = new LinkedHashMap<>();

  static {
    books(
        CAPTURE_COMPLETED,
        Lookup.CAPTURE,
        "PAYMENT keyed capture:<capture id>, with the amount, currency, custom_id and fee that GET"
            + " /v2/payments/captures/{id} returns; books only a capture PayPal reports as"
            + " COMPLETED (or as refunded since, which it completed before).");
    books(
        CAPTURE_REFUNDED,
        Lookup.CAPTURE_REFUND,
        "REFUND (negative) keyed refund:<refund id>, with the amount GET /v2/payments/refunds/{id}"
            + " returns; books only a COMPLETED refund.");
    books(
        CAPTURE_REVERSED,
        Lookup.CAPTURE_REFUND,
        "DISPUTE (negative) keyed dispute:<capture id>: PayPal took the capture's funds back (a"
            + " chargeback or reversal); the amount and the capture come from GET"
            + " /v2/payments/refunds/{reversal id}, which must be COMPLETED.");
    books(
        DISPUTE_RESOLVED,
        Lookup.DISPUTE,
        "When GET /v1/customer/disputes/{id} reports the dispute RESOLVED in the merchant's favour"
            + " (RESOLVED_SELLER_FAVOUR or CANCELED_BY_BUYER): DISPUTE (negative) keyed"
            + " dispute:<transaction id> and DISPUTE_REVERSED (positive) keyed"
            + " dispute_reversal:<transaction id>, both of the disputed amount, so the funds"
            + " reinstated net out the reversal whichever delivery arrives first. Any other outcome"
            + " is ignored with the reason.");
    books(
        SALE_COMPLETED,
        Lookup.SALE,
        "RECURRING_CHARGED keyed sale:<sale id> when GET /v1/payments/sale/{id} names a"
            + " billing_agreement_id (the subscription), else PAYMENT; books only a sale PayPal"
            + " reports as completed (or as refunded since).");
    books(
        SALE_REFUNDED,
        Lookup.SALE_REFUND,
        "REFUND (negative) keyed refund:<refund id>, with the amount GET /v1/payments/refund/{id}"
            + " returns; books only a completed refund.");
    books(
        SALE_REVERSED,
        Lookup.SALE_REFUND,
        "REFUND (negative) keyed refund:<reversal id>: PayPal took a sale's money back; the"
            + " amount comes from GET /v1/payments/refund/{id}, which must be completed.");
    for (String type :
        List.of(SUBSCRIPTION_CANCELLED, SUBSCRIPTION_SUSPENDED, SUBSCRIPTION_EXPIRED)) {
      books(
          type,
          Lookup.SUBSCRIPTION,
          "RECURRING_CANCELLED keyed cancel:<subscription id>:"
              + type
              + ", when GET /v1/billing/subscriptions/{id} reports the subscription CANCELLED,"
              + " SUSPENDED or EXPIRED.");
    }
    ignores(
        "PAYMENT.CAPTURE.PENDING",
        "A pending capture has moved no money yet; PayPal sends PAYMENT.CAPTURE.COMPLETED when it"
            + " completes, and that books it.");
    ignores("PAYMENT.CAPTURE.DENIED", "A denied capture moved no money.");
    ignores("PAYMENT.CAPTURE.DECLINED", "A declined capture moved no money.");
    ignores(
        "PAYMENT.AUTHORIZATION.CREATED",
        "An authorization only reserves the buyer's funds; its capture (PAYMENT.CAPTURE.COMPLETED)"
            + " books the payment.");
    ignores("PAYMENT.AUTHORIZATION.VOIDED", "A voided authorization moved no money.");
    ignores(
        "CHECKOUT.ORDER.APPROVED",
        "The buyer approved an order; no money moves until it is captured, and the capture"
            + " (PAYMENT.CAPTURE.COMPLETED) books the payment.");
    ignores(
        "CHECKOUT.ORDER.COMPLETED",
        "An order's payments are booked from their own PAYMENT.CAPTURE.COMPLETED events.");
    ignores(
        "PAYMENT.SALE.PENDING",
        "A pending sale has moved no money yet; PayPal sends PAYMENT.SALE.COMPLETED when it"
            + " completes, and that books it.");
    ignores("PAYMENT.SALE.DENIED", "A denied sale moved no money.");
    ignores(
        "BILLING.SUBSCRIPTION.CREATED",
        "A new subscription has not been charged; each charge arrives as PAYMENT.SALE.COMPLETED.");
    ignores(
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "Activating a subscription moves no money; each charge arrives as"
            + " PAYMENT.SALE.COMPLETED.");
    ignores("BILLING.SUBSCRIPTION.UPDATED", "A changed subscription moves no money.");
    ignores(
        "BILLING.SUBSCRIPTION.PAYMENT.FAILED",
        "A failed subscription charge moved no money; PayPal retries it as the plan says and"
            + " suspends the subscription (BILLING.SUBSCRIPTION.SUSPENDED) when it gives up.");
    for (String type :
        List.of(
            "BILLING.PLAN.CREATED",
            "BILLING.PLAN.UPDATED",
            "BILLING.PLAN.ACTIVATED",
            "BILLING.PLAN.DEACTIVATED",
            "BILLING.PLAN.PRICING-CHANGE.ACTIVATED")) {
      ignores(type, "A billing plan change moves no money.");
    }
    ignores("CATALOG.PRODUCT.CREATED", "A catalog product change moves no money.");
    ignores("CATALOG.PRODUCT.UPDATED", "A catalog product change moves no money.");
    ignores(
        "CUSTOMER.DISPUTE.CREATED",
        "Opening a dispute moves no money by itself; if PayPal takes the funds back it sends"
            + " PAYMENT.CAPTURE.REVERSED (or PAYMENT.SALE.REVERSED), which books it.");
    ignores(
        "CUSTOMER.DISPUTE.UPDATED",
        "A dispute update moves no money; its outcome is booked from CUSTOMER.DISPUTE.RESOLVED.");
  }

  /** The events table, in the order the docs show it. */
  static final List<EventRule> TABLE = ROWS.values().stream().map(Row::rule).toList();

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

  private static void books(String type, Lookup lookup, String what) {
    ROWS.put(type, new Row(EventRule.books(type, what + HELD_NOTE), lookup));
  }

  private static void ignores(String type, String why) {
    ROWS.put(type, new Row(EventRule.ignores(type, why), null));
  }

  /** The API resource that confirms an event type, or {@code null} for types that never book. */
  static Lookup lookup(String eventType) {
    Row row = ROWS.get(eventType);
    return row == null ? null : row.lookup();
  }

  /** Why an event type outside the table books nothing. */
  static String unknownTypeReason(String eventType) {
    return "PayPal event type "
        + eventType
        + " is not in Paybridge's PayPal events table, so nothing is booked; the webhook need not"
        + " be subscribed to it.";
  }

  /**
   * What a delivery names, read from its body: the event, its type, when PayPal created it, and the
   * id of the resource to look up (for types that book).
   *
   * @param resourceId {@code null} for types that never book
   */
  record Claim(String eventId, String eventType, Instant createdAt, String resourceId) {

    Lookup lookup() {
      return PayPalEvents.lookup(eventType);
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
    Lookup lookup = lookup(type);
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
    Row row = ROWS.get(claim.eventType());
    if (row == null) {
      return ParsedWebhook.ignored(
          claim.eventId(), claim.eventType(), unknownTypeReason(claim.eventType()));
    }
    if (row.lookup() == null) {
      return ParsedWebhook.ignored(claim.eventId(), claim.eventType(), row.rule().what());
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

  /** What every event of one delivery shares. */
  private record Delivery(Claim claim, String customerRefKey) {
    String type() {
      return claim.eventType();
    }
  }

  /** An amount in minor units of its currency, as the resource states it (sign included). */
  private record Amount(long minor, String currency) {}

  private static ParsedWebhook map(Claim claim, JsonObject resource, String customerRefKey) {
    Delivery d = new Delivery(claim, customerRefKey);
    return switch (claim.eventType()) {
      case CAPTURE_COMPLETED -> captureCompleted(resource, d);
      case CAPTURE_REFUNDED -> captureRefunded(resource, d);
      case CAPTURE_REVERSED -> captureReversed(resource, d);
      case SALE_COMPLETED -> saleCompleted(resource, d);
      case SALE_REFUNDED, SALE_REVERSED -> saleRefunded(resource, d);
      case DISPUTE_RESOLVED -> disputeResolved(resource, d);
      default -> subscriptionEnded(resource, d);
    };
  }

  private static ParsedWebhook booked(Delivery d, List<PaymentEvent> events) {
    return new ParsedWebhook(d.claim().eventId(), d.type(), events);
  }

  private static ParsedWebhook ignored(Delivery d, String reason) {
    return ParsedWebhook.ignored(d.claim().eventId(), d.type(), reason);
  }

  /**
   * Why a money movement PayPal reports is not booked, or {@code null} when it is: it must be in
   * one of the states that mean done, and move a non-zero amount (read only once it is done).
   *
   * @param what the movement as the tenant reads it, e.g. {@code sale refund}
   * @param notDone what an unfinished movement means for the money
   */
  private static ParsedWebhook unbookable(
      Delivery d,
      String what,
      String id,
      String state,
      java.util.function.Predicate<String> done,
      String notDone,
      java.util.function.LongSupplier magnitude) {
    if (!done.test(state)) {
      return ignored(
          d,
          "PayPal reports "
              + what
              + " "
              + id
              + " as "
              + describe(state)
              + ", not completed: "
              + notDone);
    }
    if (magnitude.getAsLong() <= 0) {
      return ignored(
          d,
          Character.toUpperCase(what.charAt(0))
              + what.substring(1)
              + " "
              + id
              + " is of a zero amount: there is nothing to book.");
    }
    return null;
  }

  /** Money leaving the merchant (a refund or a chargeback), booked negative. */
  private static ParsedWebhook withdrawn(
      Delivery d,
      EventKind kind,
      String entryKey,
      JsonObject resource,
      long magnitude,
      String paymentId) {
    return booked(
        d,
        List.of(
            PaymentEvent.builder(kind, entryKey, occurredAt(resource, d, "create_time"))
                .amount(-magnitude, amount(resource, "amount").currency())
                .externalPaymentId(paymentId)
                .customerRef(customerRef(resource, d))
                .email(email(resource))
                .build()));
  }

  private static ParsedWebhook captureCompleted(JsonObject capture, Delivery d) {
    String id = Json.requireString(capture, "id");
    String status = upper(Json.optString(capture, "status"));
    ParsedWebhook unbooked =
        unbookable(
            d,
            "capture",
            id,
            status,
            st -> isIn(CAPTURED, st),
            "nothing is booked until it completes.",
            () -> amount(capture, "amount").minor());
    if (unbooked != null) {
      return unbooked;
    }
    Amount amount = amount(capture, "amount");
    return booked(
        d,
        List.of(
            PaymentEvent.builder(PAYMENT, "capture:" + id, occurredAt(capture, d, "create_time"))
                .amount(amount.minor(), amount.currency())
                .externalPaymentId(id)
                .customerRef(customerRef(capture, d))
                .email(email(capture))
                .feeMinor(fee(capture, "seller_receivable_breakdown.paypal_fee", amount.currency()))
                .build()));
  }

  private static ParsedWebhook captureRefunded(JsonObject refund, Delivery d) {
    String id = Json.requireString(refund, "id");
    ParsedWebhook unbooked =
        unbookable(
            d,
            "refund",
            id,
            upper(Json.optString(refund, "status")),
            "COMPLETED"::equals,
            "no money has gone back to the buyer.",
            () -> magnitude(refund));
    return unbooked != null
        ? unbooked
        : withdrawn(d, REFUND, "refund:" + id, refund, magnitude(refund), capturedPayment(refund));
  }

  private static ParsedWebhook captureReversed(JsonObject reversal, Delivery d) {
    String id = Json.requireString(reversal, "id");
    ParsedWebhook unbooked =
        unbookable(
            d,
            "reversal",
            id,
            upper(Json.optString(reversal, "status")),
            "COMPLETED"::equals,
            "PayPal has not taken the funds back.",
            () -> magnitude(reversal));
    if (unbooked != null) {
      return unbooked;
    }
    String capture = capturedPayment(reversal);
    return withdrawn(
        d,
        DISPUTE,
        "dispute:" + (capture != null ? capture : id),
        reversal,
        magnitude(reversal),
        capture);
  }

  private static ParsedWebhook saleCompleted(JsonObject sale, Delivery d) {
    String id = Json.requireString(sale, "id");
    ParsedWebhook unbooked =
        unbookable(
            d,
            "sale",
            id,
            upper(Json.optString(sale, "state")),
            st -> isIn(SOLD, st),
            "nothing is booked until it completes.",
            () -> amount(sale, "amount").minor());
    if (unbooked != null) {
      return unbooked;
    }
    Amount amount = amount(sale, "amount");
    String agreement = blankToNull(Json.optString(sale, "billing_agreement_id"));
    return booked(
        d,
        List.of(
            PaymentEvent.builder(
                    agreement != null ? RECURRING_CHARGED : PAYMENT,
                    "sale:" + id,
                    occurredAt(sale, d, "create_time"))
                .amount(amount.minor(), amount.currency())
                .externalPaymentId(id)
                .externalSubscriptionId(agreement)
                .customerRef(customerRef(sale, d))
                .email(email(sale))
                .feeMinor(fee(sale, "transaction_fee", amount.currency()))
                .build()));
  }

  /**
   * A sale's refund or reversal: a v1 refund resource, booked negative whatever sign PayPal wrote
   * (reversals carry a negative amount). Both are keyed {@code refund:<id>}: they are the same kind
   * of resource, so a reversal relabelled as a refund (or the other way round) is still one entry.
   */
  private static ParsedWebhook saleRefunded(JsonObject refund, Delivery d) {
    String id = Json.requireString(refund, "id");
    String noun = SALE_REVERSED.equals(d.type()) ? "sale reversal" : "sale refund";
    ParsedWebhook unbooked =
        unbookable(
            d,
            noun,
            id,
            upper(Json.optString(refund, "state")),
            "COMPLETED"::equals,
            "no money has left the merchant.",
            () -> magnitude(refund));
    return unbooked != null
        ? unbooked
        : withdrawn(
            d,
            REFUND,
            "refund:" + id,
            refund,
            magnitude(refund),
            first(Json.optString(refund, "sale_id"), capturedPayment(refund)));
  }

  private static ParsedWebhook disputeResolved(JsonObject dispute, Delivery d) {
    String id = Json.requireString(dispute, "dispute_id");
    String status = upper(Json.optString(dispute, "status"));
    if (!"RESOLVED".equals(status)) {
      return ignored(
          d,
          "PayPal reports dispute "
              + id
              + " as "
              + describe(status)
              + ", not resolved: nothing has been reinstated.");
    }
    String outcome = upper(Json.optString(dispute, "dispute_outcome.outcome_code"));
    if (!isIn(MERCHANT_KEEPS, outcome)) {
      return ignored(
          d,
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
      return ignored(
          d,
          "Dispute "
              + id
              + " was resolved in the merchant's favour but does not name exactly one disputed"
              + " transaction of the merchant's: reinstate its funds by hand.");
    }
    Amount amount = amount(dispute, "dispute_amount");
    if (amount.minor() <= 0) {
      return ignored(d, "Dispute " + id + " is of a zero amount: there is nothing to book.");
    }
    Instant at = occurredAt(dispute, d, "update_time");
    String customer = blankToNull(Json.optString(transaction, "custom"));
    return booked(
        d,
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

  private static ParsedWebhook subscriptionEnded(JsonObject subscription, Delivery d) {
    String id = Json.requireString(subscription, "id");
    String status = upper(Json.optString(subscription, "status"));
    if (!isIn(ENDED, status)) {
      return ignored(
          d,
          "PayPal reports subscription "
              + id
              + " as "
              + describe(status)
              + ": it has not ended, so no cancellation is booked.");
    }
    String next = blankToNull(Json.optString(subscription, "billing_info.next_billing_time"));
    Instant at =
        first(
            timeOrNull(subscription, "status_update_time"),
            timeOrNull(subscription, "update_time"),
            d.claim().createdAt());
    return booked(
        d,
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "cancel:" + id + ":" + d.type(), at)
                .externalSubscriptionId(id)
                .customerRef(customerRef(subscription, d))
                .email(email(subscription))
                .periodEnd(next == null ? null : time(next, "billing_info.next_billing_time"))
                .build()));
  }

  /** When the resource says it happened, else when PayPal created the event. */
  private static Instant occurredAt(JsonObject resource, Delivery d, String field) {
    Instant at = timeOrNull(resource, field);
    return at != null ? at : d.claim().createdAt();
  }

  private static Instant timeOrNull(JsonObject resource, String field) {
    String text = blankToNull(Json.optString(resource, field));
    return text == null ? null : time(text, field);
  }

  private static long magnitude(JsonObject resource) {
    return Math.abs(amount(resource, "amount").minor());
  }

  /**
   * The payment a refund or reversal takes money from: its {@code capture_id}, else the last path
   * segment of its {@code up}, {@code sale} or {@code capture} link.
   */
  private static String capturedPayment(JsonObject refund) {
    return first(
        Json.optString(refund, "capture_id"),
        linkedId(refund, "up"),
        linkedId(refund, "sale"),
        linkedId(refund, "capture"));
  }

  private static Amount amount(JsonObject resource, String path) {
    JsonObject money = Json.requireObject(resource, path);
    String value = first(Json.optString(money, "value"), Json.optString(money, "total"));
    String code = first(Json.optString(money, "currency_code"), Json.optString(money, "currency"));
    if (value == null) {
      throw new MalformedWebhookException("'" + path + ".value' is missing");
    }
    if (code == null) {
      throw new MalformedWebhookException("'" + path + ".currency_code' is missing");
    }
    String currency = Money.currency(code);
    return new Amount(Money.toMinor(value, currency), currency);
  }

  /** A fee in the payment's currency, or {@code null} when absent or in another currency. */
  private static Long fee(JsonObject resource, String path, String currency) {
    JsonObject money = Json.optObject(resource, path);
    if (money == null) {
      return null;
    }
    Amount fee = amount(resource, path);
    return fee.currency().equals(currency) ? Math.abs(fee.minor()) : null;
  }

  private static String customerRef(JsonObject resource, Delivery d) {
    return first(
        configuredField(resource, d.customerRefKey()),
        d.type().startsWith("PAYMENT.SALE.") ? Json.optString(resource, "custom") : null,
        Json.optString(resource, "payer.payer_id"),
        Json.optString(resource, "subscriber.payer_id"),
        Json.optString(resource, "payer.payer_info.payer_id"));
  }

  /**
   * The text at the account's configured field, or {@code null} when absent or not text: a field
   * that names an object is the account's mistake, not a malformed delivery.
   */
  private static String configuredField(JsonObject resource, String path) {
    try {
      return Json.optString(resource, path);
    } catch (MalformedWebhookException e) {
      return null;
    }
  }

  private static String email(JsonObject resource) {
    return first(
        Json.optString(resource, "subscriber.email_address"),
        Json.optString(resource, "payer.email_address"),
        Json.optString(resource, "payer.payer_info.email"));
  }

  /** The last path segment of the resource's link with relation {@code rel}, or {@code null}. */
  private static String linkedId(JsonObject resource, String rel) {
    JsonArray links = Json.optArray(resource, "links");
    if (links == null) {
      return null;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.getValue(i) instanceof JsonObject link && rel.equals(Json.optString(link, "rel"))) {
        String href = Json.optString(link, "href");
        if (href == null) {
          return null;
        }
        int query = href.indexOf('?');
        String path = query >= 0 ? href.substring(0, query) : href;
        String segment = path.substring(path.lastIndexOf('/') + 1);
        return segment.isBlank() ? null : segment;
      }
    }
    return null;
  }

  private static Instant time(String text, String field) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException("'" + field + "' is not an Internet date and time");
    }
  }

  /** Membership that treats a missing value as not a member ({@code Set.of} refuses nulls). */
  private static boolean isIn(Set<String> set, String value) {
    return value != null && set.contains(value);
  }

  private static String upper(String s) {
    return s == null || s.isBlank() ? null : s.strip().toUpperCase(Locale.ROOT);
  }

  private static String describe(String status) {
    return status == null ? "without a status" : status;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @SafeVarargs
  private static <T> T first(T... candidates) {
    for (T c : candidates) {
      if (c != null && !(c instanceof String s && s.isBlank())) {
        return c;
      }
    }
    return null;
  }
}
