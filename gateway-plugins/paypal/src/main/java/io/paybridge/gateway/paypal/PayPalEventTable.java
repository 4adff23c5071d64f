package io.paybridge.gateway.paypal;

import io.paybridge.spi.EventRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PayPal plugin's events table: every event type Paybridge's setup and PayPal's integration
 * guides have a merchant subscribe to, what Paybridge does with it, and for the types that book,
 * the PayPal API resource that confirms them ({@link Lookup}).
 */
final class PayPalEventTable {

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

  private PayPalEventTable() {}

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

  /**
   * Why an event type that never books books nothing: the table's reason, or for a type outside the
   * table, that it is not in it.
   */
  static String whyIgnored(String eventType) {
    Row row = ROWS.get(eventType);
    if (row != null) {
      return row.rule().what();
    }
    return "PayPal event type "
        + eventType
        + " is not in Paybridge's PayPal events table, so nothing is booked; the webhook need not"
        + " be subscribed to it.";
  }
}
