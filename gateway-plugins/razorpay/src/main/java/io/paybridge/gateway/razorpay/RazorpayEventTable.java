package io.paybridge.gateway.razorpay;

import io.paybridge.spi.EventRule;
import java.util.List;

/**
 * The Razorpay plugin's events table: the event names Razorpay's webhook guide lists, and what
 * Paybridge does with each.
 */
final class RazorpayEventTable {

  static final String PAYMENT_AUTHORIZED = "payment.authorized";
  static final String PAYMENT_CAPTURED = "payment.captured";
  static final String PAYMENT_FAILED = "payment.failed";
  static final String ORDER_PAID = "order.paid";
  static final String SUBSCRIPTION_AUTHENTICATED = "subscription.authenticated";
  static final String SUBSCRIPTION_ACTIVATED = "subscription.activated";
  static final String SUBSCRIPTION_CHARGED = "subscription.charged";
  static final String SUBSCRIPTION_PENDING = "subscription.pending";
  static final String SUBSCRIPTION_HALTED = "subscription.halted";
  static final String SUBSCRIPTION_CANCELLED = "subscription.cancelled";
  static final String SUBSCRIPTION_COMPLETED = "subscription.completed";
  static final String SUBSCRIPTION_UPDATED = "subscription.updated";
  static final String SUBSCRIPTION_PAUSED = "subscription.paused";
  static final String SUBSCRIPTION_RESUMED = "subscription.resumed";
  static final String REFUND_CREATED = "refund.created";
  static final String REFUND_PROCESSED = "refund.processed";
  static final String REFUND_FAILED = "refund.failed";
  static final String REFUND_SPEED_CHANGED = "refund.speed_changed";
  static final String DISPUTE_CREATED = "payment.dispute.created";
  static final String DISPUTE_WON = "payment.dispute.won";
  static final String DISPUTE_LOST = "payment.dispute.lost";
  static final String DISPUTE_CLOSED = "payment.dispute.closed";
  static final String DISPUTE_UNDER_REVIEW = "payment.dispute.under_review";
  static final String DISPUTE_ACTION_REQUIRED = "payment.dispute.action_required";

  /**
   * The payment, order, subscription, refund and dispute events of Razorpay's webhook guide, with
   * what each does; a tenant subscribes to the booking ones.
   */
  static final List<EventRule> ROWS =
      List.of(
          EventRule.books(
              PAYMENT_AUTHORIZED,
              "AUTHORIZED under authorized:<payment id> (funds held, not part of a balance)"),
          EventRule.books(PAYMENT_CAPTURED, "PAYMENT under payment:<payment id>"),
          EventRule.books(
              ORDER_PAID, "PAYMENT under payment:<payment id>, the same entry as payment.captured"),
          EventRule.ignores(PAYMENT_FAILED, "the payment failed: no money moved"),
          EventRule.books(
              SUBSCRIPTION_CHARGED,
              "RECURRING_CHARGED under payment:<payment id>, the same entry as that payment's"
                  + " payment.captured"),
          EventRule.books(
              SUBSCRIPTION_HALTED, "RECURRING_CANCELLED under cancel:<subscription id>:<event>"),
          EventRule.books(
              SUBSCRIPTION_CANCELLED, "RECURRING_CANCELLED under cancel:<subscription id>:<event>"),
          EventRule.books(
              SUBSCRIPTION_COMPLETED,
              "RECURRING_CANCELLED under cancel:<subscription id>:<event> (all its charges made)"),
          EventRule.ignores(
              SUBSCRIPTION_AUTHENTICATED, "the mandate was authorised: nothing is charged yet"),
          EventRule.ignores(
              SUBSCRIPTION_ACTIVATED, "the subscription became active: no money moved"),
          EventRule.ignores(
              SUBSCRIPTION_PENDING, "a charge failed and will be retried: no money moved"),
          EventRule.ignores(SUBSCRIPTION_UPDATED, "the plan or quantity changed: no money moved"),
          EventRule.ignores(SUBSCRIPTION_PAUSED, "the subscription was paused: no money moved"),
          EventRule.ignores(SUBSCRIPTION_RESUMED, "the subscription was resumed: no money moved"),
          EventRule.ignores(
              REFUND_CREATED,
              "a refund is booked when it is processed (refund.processed), not when requested"),
          EventRule.books(
              REFUND_PROCESSED,
              "REFUND (negative) under refund:<refund id>; an auto-refund of a payment never"
                  + " captured books nothing"),
          EventRule.books(
              REFUND_FAILED,
              "REFUND under refund:<refund id> and REFUND_REVERSED under"
                  + " refund_reversal:<refund id>: nets to zero whichever arrives first"),
          EventRule.ignores(
              REFUND_SPEED_CHANGED, "an instant refund fell back to normal speed: no money moved"),
          EventRule.books(
              DISPUTE_CREATED,
              "DISPUTE (negative) under dispute:<dispute id>: Razorpay deducts the disputed"
                  + " amount when the dispute is raised"),
          EventRule.books(
              DISPUTE_LOST, "DISPUTE (negative) under dispute:<dispute id>, the onset's entry"),
          EventRule.books(
              DISPUTE_WON,
              "DISPUTE under dispute:<dispute id> and DISPUTE_REVERSED under"
                  + " dispute_reversal:<dispute id>: the amount comes back, netting to zero"
                  + " whatever the order"),
          EventRule.books(
              DISPUTE_CLOSED,
              "as payment.dispute.won (closed without a chargeback); only the debit if the"
                  + " dispute reports an amount_deducted"),
          EventRule.ignores(DISPUTE_UNDER_REVIEW, "the evidence is being reviewed: no money moved"),
          EventRule.ignores(DISPUTE_ACTION_REQUIRED, "more evidence is needed: no money moved"));

  private RazorpayEventTable() {}
}
