package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.idOf;
import static io.paybridge.gateway.stripe.StripeFields.optBoolean;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What Stripe's events about a checkout's authorization ask of the platform: a capture once the
 * payment is authorized and no Radar review holds it, a capture once a review is approved, a
 * cancellation once a review is closed otherwise. They book nothing themselves: the capture books
 * from its answer or from {@code payment_intent.succeeded}, whichever comes first.
 */
final class StripeCheckoutEvents {

  private StripeCheckoutEvents() {}

  /**
   * {@code payment_intent.amount_capturable_updated}: the customer authorized the payment. A
   * payment intent the platform started (its metadata names the checkout) is captured unless a
   * Radar review is open on it; the review is looked up with the account's key ({@code GET
   * /v1/reviews/{id}}) unless the event carries it expanded.
   */
  static Reading amountCapturableUpdated(StripeDelivery d, JsonObject intent) {
    String id = Json.requireString(intent, "id");
    if (checkoutOf(intent) == null) {
      return Reading.of(d.ignored(StripeEventTable.NOT_A_CHECKOUT));
    }
    Object review = intent.getValue("review");
    if (review == null) {
      return Reading.of(capture(d, id, "authorized without a Radar review"));
    }
    if (review instanceof JsonObject expanded && optBoolean(expanded, "open") != null) {
      return Reading.of(afterReview(d, id, expanded));
    }
    String reviewId = idOf(intent, "review");
    return d.awaiting(
        new Reading.Lookup(
            "read Radar review " + reviewId + " of payment intent " + id + " (GET /v1/reviews)",
            StripeCheckouts.RETRIEVE_REVIEW,
            (api, apiKey) -> api.checkouts().review(reviewId, apiKey).map(List::of),
            reviews -> afterReview(d, id, reviews.get(0))));
  }

  /** An authorization whose review is known: open waits, approved captures, otherwise cancels. */
  private static ParsedWebhook afterReview(StripeDelivery d, String intent, JsonObject review) {
    Boolean open = optBoolean(review, "open");
    if (open == null) {
      throw new MalformedWebhookException("the review has no 'open'");
    }
    if (open) {
      return d.ignored(StripeEventTable.CAPTURE_WAITS_FOR_REVIEW);
    }
    String reason = closedReason(review);
    if ("approved".equals(reason)) {
      return capture(d, intent, "authorized, and its Radar review was approved");
    }
    return d.ignored(StripeEventTable.AUTHORIZATION_REJECTED)
        .withFollowUps(
            List.of(FollowUp.cancel(intent, "its Radar review was closed as " + reason)));
  }

  private static ParsedWebhook capture(StripeDelivery d, String intent, String why) {
    return d.ignored(StripeEventTable.CAPTURE_QUEUED)
        .withFollowUps(List.of(FollowUp.capture(intent, why)));
  }

  /**
   * {@code review.closed}: approved captures the review's payment intent, any other reason ({@code
   * refunded}, {@code refunded_as_fraud}, {@code disputed}, {@code redacted}) cancels it; the
   * platform does either only for its own open checkouts.
   */
  static ParsedWebhook reviewClosed(StripeDelivery d, JsonObject review) {
    Json.requireString(review, "id");
    String intent = idOf(review, "payment_intent");
    if (intent == null) {
      return d.ignored(StripeEventTable.REVIEW_WITHOUT_PAYMENT_INTENT);
    }
    String reason = closedReason(review);
    if ("approved".equals(reason)) {
      return d.ignored(StripeEventTable.REVIEW_APPROVED)
          .withFollowUps(List.of(FollowUp.capture(intent, "its Radar review was approved")));
    }
    return d.ignored(StripeEventTable.REVIEW_REJECTED)
        .withFollowUps(
            List.of(FollowUp.cancel(intent, "its Radar review was closed as " + reason)));
  }

  /** The checkout a payment intent's metadata names, or null for one the platform did not start. */
  static String checkoutOf(JsonObject intent) {
    JsonObject metadata = Json.optObject(intent, "metadata");
    Object value = metadata == null ? null : metadata.getValue(StripeCheckouts.CHECKOUT_METADATA);
    return value instanceof String s && !s.isBlank() ? s : null;
  }

  private static String closedReason(JsonObject review) {
    String reason = Json.optString(review, "closed_reason");
    if (reason == null) {
      reason = Json.optString(review, "reason");
    }
    if (reason == null || reason.isBlank()) {
      throw new MalformedWebhookException("the closed review names no reason");
    }
    return reason;
  }
}
