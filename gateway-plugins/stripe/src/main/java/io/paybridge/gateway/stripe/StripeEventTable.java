package io.paybridge.gateway.stripe;

import io.paybridge.spi.EventRule;
import java.util.List;

/**
 * The Stripe plugin's events table: every event type the setup in {@code docs/gateways/stripe.md}
 * names, and what Paybridge does with it. The fixed reasons of ignored types are the ones the
 * mapping gives, so the table and the receipt log say the same.
 */
final class StripeEventTable {

  static final String NOT_A_CHECKOUT =
      "an authorization of a payment Paybridge did not start (its metadata names no"
          + " paybridge_checkout): your integration captures it, and it books when captured, with"
          + " payment_intent.succeeded";

  static final String CAPTURE_QUEUED =
      "a Paybridge checkout's payment is authorized and no Radar review holds it: Paybridge"
          + " captures it (POST /v1/payment_intents/<id>/capture); the capture books once, from its"
          + " answer or from payment_intent.succeeded";

  static final String CAPTURE_WAITS_FOR_REVIEW =
      "a Paybridge checkout's payment is authorized, but a Radar review is open on it: the capture"
          + " waits for the review (review.closed); nothing is booked yet";

  static final String AUTHORIZATION_REJECTED =
      "a Paybridge checkout's payment is authorized, but its Radar review was closed without"
          + " approval: Paybridge cancels it (POST /v1/payment_intents/<id>/cancel); nothing is"
          + " booked";

  static final String REVIEW_APPROVED =
      "a Radar review was approved: Paybridge captures its payment intent if that is one of its open"
          + " checkouts; the capture books once, from its answer or from payment_intent.succeeded";

  static final String REVIEW_REJECTED =
      "a Radar review was closed without approval (refunded, refunded_as_fraud, disputed,"
          + " redacted): Paybridge cancels its payment intent if that is one of its open checkouts;"
          + " nothing is booked";

  static final String REVIEW_WITHOUT_PAYMENT_INTENT =
      "a Radar review of a charge without a payment intent was closed: that moves no money (a"
          + " refund or dispute that follows books from its own event)";

  static final String DISPUTE_CREATED =
      "a dispute was opened: no money moves until Stripe withdraws the funds"
          + " (charge.dispute.funds_withdrawn)";

  static final String DISPUTE_UPDATED =
      "a dispute's evidence or status changed: no money moves (charge.dispute.funds_withdrawn and"
          + " charge.dispute.funds_reinstated book)";

  static final String DISPUTE_CLOSED =
      "a dispute was closed: its money moved with charge.dispute.funds_withdrawn and, if the"
          + " dispute was won, charge.dispute.funds_reinstated";

  private static final String REFUND_CHANGED =
      "REFUND (negative) under refund:<refund id> once succeeded; a refund that failed or was"
          + " canceled adds REFUND_REVERSED (positive) under refund_reversal:<refund id>, as"
          + " refund.failed does";

  static final List<EventRule> ROWS =
      List.of(
          EventRule.books(
              "payment_intent.succeeded",
              "PAYMENT under payment:<payment intent id>. A payment of an invoice books as that"
                  + " invoice does (invoice:<invoice id>, RECURRING_CHARGED for a subscription's):"
                  + " before API 2025-03-31 the payment names its invoice and is left to"
                  + " invoice.paid; from 2025-03-31 Paybridge asks Stripe"
                  + " (GET /v1/invoice_payments), which needs the apiKey: held without it"),
          EventRule.books(
              "charge.succeeded",
              "PAYMENT under payment:<payment intent id> (payment:<charge id> for a charge without"
                  + " one) once captured; a payment of an invoice as for"
                  + " payment_intent.succeeded (invoice:<invoice id>, RECURRING_CHARGED; from API"
                  + " 2025-03-31 found with the apiKey, held without it)"),
          EventRule.books(
              "checkout.session.completed",
              "PAYMENT under payment:<payment intent id> once paid; a subscription's first"
                  + " payment under invoice:<invoice id>, with the subscription id"),
          EventRule.books(
              "charge.refunded",
              "REFUND (negative) for each succeeded refund of the charge, under refund:<refund"
                  + " id>; from API 2022-11-15 Stripe leaves the refunds out of the event and"
                  + " Paybridge lists them (GET /v1/refunds?charge=), which needs the apiKey: held"
                  + " without it"),
          EventRule.books("refund.created", REFUND_CHANGED),
          EventRule.books("refund.updated", REFUND_CHANGED),
          EventRule.books(
              "refund.failed",
              "REFUND (negative) under refund:<refund id> and REFUND_REVERSED (positive) under"
                  + " refund_reversal:<refund id>: they net to zero whether or not the refund was"
                  + " booked before"),
          EventRule.books(
              "invoice.paid",
              "RECURRING_CHARGED under invoice:<invoice id> with the subscription id"
                  + " (subscription before API 2025-03-31, parent.subscription_details from then"
                  + " on); an invoice outside a subscription as PAYMENT under the same key"),
          EventRule.books(
              "invoice.payment_succeeded",
              "as invoice.paid: RECURRING_CHARGED under the same invoice:<invoice id>, so each"
                  + " invoice books once"),
          EventRule.books(
              "customer.subscription.deleted",
              "RECURRING_CANCELLED under cancel:<subscription id>, without an amount"),
          EventRule.books(
              "charge.dispute.funds_withdrawn",
              "DISPUTE (negative) under dispute:<dispute id>: what the dispute's balance"
                  + " transaction withdrew, else the disputed amount"),
          EventRule.books(
              "charge.dispute.funds_reinstated",
              "DISPUTE (negative) under dispute:<dispute id> and DISPUTE_REVERSED (positive)"
                  + " under dispute_reversal:<dispute id>: the withdrawal and the reinstatement,"
                  + " right in any order"),
          EventRule.books(
              "charge.captured",
              "PAYMENT under payment:<payment intent id> (payment:<charge id> for a charge without"
                  + " one), the amount captured: the same entry as payment_intent.succeeded, so a"
                  + " capture books once; a payment of an invoice as for payment_intent.succeeded"
                  + " (from API 2025-03-31 found with the apiKey, held without it)"),
          EventRule.followsUp(
              "payment_intent.amount_capturable_updated",
              String.join(
                  " ",
                  CAPTURE_QUEUED + ".",
                  CAPTURE_WAITS_FOR_REVIEW
                      + " (Paybridge reads the review, GET /v1/reviews/<id>,"
                      + " which needs the apiKey: held without it).",
                  AUTHORIZATION_REJECTED + ".",
                  NOT_A_CHECKOUT + ".")),
          EventRule.followsUp(
              "review.closed",
              String.join(
                  " ",
                  REVIEW_APPROVED + ".",
                  REVIEW_REJECTED + ".",
                  REVIEW_WITHOUT_PAYMENT_INTENT + ".")),
          EventRule.ignores("charge.dispute.created", DISPUTE_CREATED),
          EventRule.ignores("charge.dispute.updated", DISPUTE_UPDATED),
          EventRule.ignores("charge.dispute.closed", DISPUTE_CLOSED));

  private StripeEventTable() {}
}
