package io.paybridge.gateway.stripe;

import io.paybridge.spi.EventRule;
import java.util.List;

/**
 * The Stripe plugin's events table: every event type the setup in {@code docs/gateways/stripe.md}
 * names, and what Paybridge does with it. The fixed reasons of ignored types are the ones the
 * mapping gives, so the table and the receipt log say the same.
 */
final class StripeEventTable {

  static final String AUTHORIZATION_ONLY =
      "an authorization only: the payment books when it is captured, with"
          + " payment_intent.succeeded";

  static final String REVIEW_CLOSED =
      "a review was closed: that moves no money (a refund or dispute that follows books from its"
          + " own event)";

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
          EventRule.ignores("payment_intent.amount_capturable_updated", AUTHORIZATION_ONLY),
          EventRule.ignores("review.closed", REVIEW_CLOSED),
          EventRule.ignores("charge.dispute.created", DISPUTE_CREATED),
          EventRule.ignores("charge.dispute.updated", DISPUTE_UPDATED),
          EventRule.ignores("charge.dispute.closed", DISPUTE_CLOSED));

  private StripeEventTable() {}
}
