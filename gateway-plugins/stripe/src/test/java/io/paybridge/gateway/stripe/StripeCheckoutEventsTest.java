package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Stripe's events about a checkout mean, each delivered twice and read from the objects as the
 * API fake holds them: an authorization books nothing and asks for its capture unless a Radar
 * review is open; a review approved asks for the capture, one closed otherwise for the
 * cancellation; only the capture books, once, under the key the capture's answer books it.
 */
class StripeCheckoutEventsTest {

  private static final String VERSION = StripeSimulator.API_VERSION;

  @RegisterExtension final StripeTestBed bed = new StripeTestBed();

  @Test
  void anAuthorizationBooksNothingAndAsksForItsCapture() {
    String intent = checkout("co-a", 3_000);
    // the customer authorized: the uncaptured charge books nothing
    JsonObject authorized = bed.api.checkouts().confirm(intent);
    ParsedWebhook charge = twice(event("evt_ch", "charge.succeeded", bed.api.chargeOf(intent)));
    assertThat(charge.events()).isEmpty();
    assertThat(charge.followUps()).isEmpty();
    assertThat(charge.reason()).contains("authorized, not captured");

    ParsedWebhook capturable =
        twice(event("evt_acu", "payment_intent.amount_capturable_updated", authorized));
    assertThat(capturable.events()).isEmpty();
    assertThat(capturable.reason()).isEqualTo(StripeEventTable.CAPTURE_QUEUED);
    assertThat(capturable.followUps())
        .containsExactly(FollowUp.capture(intent, "authorized without a Radar review"));
    assertThat(bed.api.calls("GET", "/v1/reviews/" + authorized.getString("review"))).isEmpty();

    // the capture books the same entry from either of Stripe's events, and only then
    bed.onEventLoop(
        () ->
            bed.plugin()
                .capture(
                    StripeCheckoutsTest.capture("co-a", intent, "paybridge-capture-co-a"),
                    bed.withKey()));
    PaymentEvent fromIntent =
        twice(event("evt_pi", "payment_intent.succeeded", bed.api.paymentIntent(intent)))
            .events()
            .get(0);
    PaymentEvent fromCharge =
        twice(event("evt_cap", "charge.captured", bed.api.chargeOf(intent))).events().get(0);
    for (PaymentEvent e : List.of(fromIntent, fromCharge)) {
      assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
      assertThat(e.entryKey()).isEqualTo("payment:" + intent);
      assertThat(e.amountMinor()).isEqualTo(3_000);
      assertThat(e.customerRef()).isEqualTo("member-1");
    }
  }

  @Test
  void anOpenReviewHoldsTheCaptureUntilItIsApproved() {
    String intent = checkout("co-r", 5_000);
    JsonObject authorized = bed.api.checkouts().confirmUnderReview(intent);
    String review = authorized.getString("review");

    ParsedWebhook waiting =
        twice(event("evt_acu", "payment_intent.amount_capturable_updated", authorized));
    assertThat(waiting.events()).isEmpty();
    assertThat(waiting.followUps()).isEmpty();
    assertThat(waiting.reason()).isEqualTo(StripeEventTable.CAPTURE_WAITS_FOR_REVIEW);
    assertThat(bed.api.calls("GET", "/v1/reviews/" + review)).hasSize(2);
    // reading the review needs the key: without it the delivery is held, not lost
    assertThat(
            bed.deliver(
                    event("evt_acu", "payment_intent.amount_capturable_updated", authorized),
                    bed.withoutKey())
                .hold())
        .isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);

    ParsedWebhook approved =
        twice(
            event("evt_rev", "review.closed", bed.api.checkouts().closeReview(review, "approved")));
    assertThat(approved.events()).isEmpty();
    assertThat(approved.reason()).isEqualTo(StripeEventTable.REVIEW_APPROVED);
    assertThat(approved.followUps())
        .containsExactly(FollowUp.capture(intent, "its Radar review was approved"));
    // an authorization delivered late, after the review was approved, asks for the capture too
    assertThat(
            twice(event("evt_acu2", "payment_intent.amount_capturable_updated", authorized))
                .followUps())
        .containsExactly(FollowUp.capture(intent, "authorized, and its Radar review was approved"));
  }

  @Test
  void aReviewClosedOtherwiseAsksForTheCancellationAndBooksNothing() {
    for (String reason : List.of("refunded_as_fraud", "refunded", "disputed", "redacted")) {
      String intent = checkout("co-" + reason, 700);
      JsonObject authorized = bed.api.checkouts().confirmUnderReview(intent);
      JsonObject closed = bed.api.checkouts().closeReview(authorized.getString("review"), reason);

      ParsedWebhook rejected = twice(event("evt_rev_" + reason, "review.closed", closed));
      assertThat(rejected.events()).isEmpty();
      assertThat(rejected.reason()).isEqualTo(StripeEventTable.REVIEW_REJECTED);
      assertThat(rejected.followUps())
          .containsExactly(FollowUp.cancel(intent, "its Radar review was closed as " + reason));
      ParsedWebhook late =
          twice(event("evt_acu_" + reason, "payment_intent.amount_capturable_updated", authorized));
      assertThat(late.reason()).isEqualTo(StripeEventTable.AUTHORIZATION_REJECTED);
      assertThat(late.followUps())
          .extracting(FollowUp::action)
          .containsExactly(FollowUp.Action.CANCEL);
    }
  }

  @Test
  void paymentsPaybridgeDidNotStartAreLeftToTheirOwner() {
    // a manual-capture payment intent of the tenant's own integration
    JsonObject own =
        bed.stripe.paymentIntentRequiringCapture(VERSION, "pi_Own", 1_000, "usd", "user-9");
    ParsedWebhook parsed = twice(event("evt_own", "payment_intent.amount_capturable_updated", own));
    assertThat(parsed.followUps()).isEmpty();
    assertThat(parsed.reason()).isEqualTo(StripeEventTable.NOT_A_CHECKOUT);
    // a declined attempt at a checkout books nothing either
    String intent = checkout("co-d", 900);
    JsonObject declined =
        bed.api.checkouts().decline(intent, "card_declined", "Your card was declined.");
    ParsedWebhook failed = twice(event("evt_fail", "payment_intent.payment_failed", declined));
    assertThat(failed.events()).isEmpty();
    assertThat(failed.followUps()).isEmpty();
  }

  // ---- helpers

  private String checkout(String checkoutId, long amount) {
    StartedCheckout started =
        bed.onEventLoop(
            () ->
                bed.plugin()
                    .start(StripeCheckoutsTest.request(checkoutId, amount, "USD"), bed.withKey()));
    return started.reference();
  }

  private String event(String id, String type, JsonObject object) {
    return bed.stripe.event(id, type, object, VERSION);
  }

  /** Delivers the event twice, as Stripe may: both deliveries mean the same. */
  private ParsedWebhook twice(String body) {
    ParsedWebhook first = bed.deliver(body, bed.withKey());
    ParsedWebhook second = bed.deliver(body, bed.withKey());
    assertThat(second).isEqualTo(first);
    return first;
  }
}
