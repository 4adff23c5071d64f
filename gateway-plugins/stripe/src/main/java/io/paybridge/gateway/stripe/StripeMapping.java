package io.paybridge.gateway.stripe;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.json.JsonObject;

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

  private final StripeDelivery d;

  /**
   * @param customerRefKey the metadata key under which the account keeps its customer reference
   */
  StripeMapping(StripeEvent event, String customerRefKey) {
    this.d = new StripeDelivery(event, customerRefKey);
  }

  /**
   * What the event means.
   *
   * @throws MalformedWebhookException naming the event and the offending field
   */
  Reading read() {
    StripeEvent event = d.event();
    JsonObject object = event.object();
    try {
      return switch (event.type()) {
        case "payment_intent.succeeded" -> StripePayments.paymentIntentSucceeded(d, object);
        case "charge.succeeded" -> StripePayments.chargeSucceeded(d, object);
        case "checkout.session.completed" ->
            Reading.of(StripePayments.checkoutSessionCompleted(d, object));
        case "charge.refunded" -> StripeRefunds.chargeRefunded(d, object);
        case "refund.created", "refund.updated" ->
            Reading.of(StripeRefunds.refundChanged(d, object));
        case "refund.failed" -> Reading.of(StripeRefunds.refundUndone(d, object));
        case "invoice.paid", "invoice.payment_succeeded" ->
            Reading.of(StripeInvoices.invoicePaid(d, object));
        case "customer.subscription.deleted" ->
            Reading.of(StripeInvoices.subscriptionDeleted(d, object));
        case "charge.dispute.funds_withdrawn" ->
            Reading.of(StripeDisputes.disputeFundsWithdrawn(d, object));
        case "charge.dispute.funds_reinstated" ->
            Reading.of(StripeDisputes.disputeFundsReinstated(d, object));
        case "charge.captured" -> StripePayments.chargeSucceeded(d, object);
        case "payment_intent.amount_capturable_updated" ->
            StripeCheckoutEvents.amountCapturableUpdated(d, object);
        case "review.closed" -> Reading.of(StripeCheckoutEvents.reviewClosed(d, object));
        case "charge.dispute.created" -> Reading.of(d.ignored(StripeEventTable.DISPUTE_CREATED));
        case "charge.dispute.updated" -> Reading.of(d.ignored(StripeEventTable.DISPUTE_UPDATED));
        case "charge.dispute.closed" -> Reading.of(d.ignored(StripeEventTable.DISPUTE_CLOSED));
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
}
