package io.paybridge.gateway.stripe;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Deliveries of the events about a checkout's authorization and capture on each API version the
 * plugin supports, for the events-table test: what each must ask of the platform, and whether
 * reading it takes Stripe's API.
 */
final class StripeCheckoutFixtures {

  /**
   * One delivery and what it must come to.
   *
   * @param intent the payment intent it is about
   * @param followUps what it asks of the platform (none: it waits, or books)
   * @param asksStripe whether it is held without the account's key
   */
  record Delivery(String body, String intent, List<FollowUp> followUps, boolean asksStripe) {}

  private StripeCheckoutFixtures() {}

  /**
   * A checkout's authorization: on one version without a review (captured), on the other under a
   * Radar review that is still open (it waits, and reading the review takes the key).
   */
  static Delivery amountCapturableUpdated(StripeTestBed bed, String version) {
    JsonObject intent =
        bed.stripe.paymentIntentRequiringCapture(version, "pi_Auth", 3000, "usd", "user-1");
    intent.getJsonObject("metadata").put("paybridge_checkout", "co-1");
    if (!StripeSimulator.isBasil(version)) {
      return new Delivery(
          bed.stripe.event("evt_Auth", "payment_intent.amount_capturable_updated", intent, version),
          "pi_Auth",
          List.of(FollowUp.capture("pi_Auth", "authorized without a Radar review")),
          false);
    }
    String review =
        bed.api.checkouts().confirmUnderReview(checkoutIntent(bed, 3000)).getString("review");
    intent.put("review", review);
    return new Delivery(
        bed.stripe.event("evt_Auth", "payment_intent.amount_capturable_updated", intent, version),
        "pi_Auth",
        List.of(),
        true);
  }

  /** A review approved on one version, closed as fraud on the other. */
  static Delivery reviewClosed(StripeTestBed bed, String version) {
    boolean basil = StripeSimulator.isBasil(version);
    String reason = basil ? "refunded_as_fraud" : "approved";
    JsonObject review = bed.stripe.closedReview("prv_1", "ch_R", "pi_R", reason);
    return new Delivery(
        bed.stripe.event("evt_Rev", "review.closed", review, version),
        "pi_R",
        List.of(
            basil
                ? FollowUp.cancel("pi_R", "its Radar review was closed as refunded_as_fraud")
                : FollowUp.capture("pi_R", "its Radar review was approved")),
        false);
  }

  /**
   * A manually captured charge of 25.00, captured: the same entry as its payment intent's success;
   * on basil a checkout's intent at the fake, whose invoice Stripe is asked for.
   */
  static Delivery chargeCaptured(StripeTestBed bed, String version) {
    if (!StripeSimulator.isBasil(version)) {
      return new Delivery(
          bed.stripe.event(
              "evt_Cap",
              "charge.captured",
              bed.stripe.charge(version, "ch_Cap", "pi_Cap", 2500, 0, "usd", "user-1", null),
              version),
          "pi_Cap",
          List.of(),
          false);
    }
    String intent = checkoutIntent(bed, 2500);
    bed.api.checkouts().confirm(intent);
    String chargeId = bed.api.paymentIntent(intent).getString("latest_charge");
    return new Delivery(
        bed.stripe.event(
            "evt_Cap",
            "charge.captured",
            bed.stripe.charge(version, chargeId, intent, 2500, 0, "usd", "user-1", null),
            version),
        intent,
        List.of(),
        true);
  }

  /** A checkout's payment intent opened at the fake, as the plugin opens one. */
  static String checkoutIntent(StripeTestBed bed, long amount) {
    return bed.onEventLoop(
            () ->
                bed.plugin()
                    .start(
                        new CheckoutRequest(
                            "co-" + amount,
                            "paybridge-checkout-co-" + amount,
                            "user-1",
                            amount,
                            "USD",
                            null,
                            "https://pay.example.com/hooks/x/stripe",
                            null),
                        bed.withKey()))
        .reference();
  }
}
