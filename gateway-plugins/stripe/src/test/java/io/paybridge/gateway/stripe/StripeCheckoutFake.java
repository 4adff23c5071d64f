package io.paybridge.gateway.stripe;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * PaymentIntents with manual capture as {@link StripeApiFake} plays them for checkouts, and Radar
 * reviews. State lives in the fake's maps, guarded by the fake's lock, so a captured checkout's
 * charge is refunded and listed like any other.
 *
 * <ul>
 *   <li>{@code POST /v1/payment_intents} with {@code capture_method=manual} and no {@code confirm}:
 *       a PaymentIntent in {@code requires_payment_method} with its {@code client_secret}, under
 *       the fake's idempotency rules.
 *   <li>The customer's side, for tests: {@link #confirm} authorizes it ({@code requires_capture},
 *       an uncaptured charge), {@link #confirmUnderReview} with an open Radar review; {@link
 *       #closeReview} closes the review as a reviewer in the Dashboard would.
 *   <li>{@code POST /v1/payment_intents/{id}/capture} captures the whole authorization ({@code
 *       succeeded}, the charge captured); {@code POST /v1/payment_intents/{id}/cancel} releases it
 *       ({@code canceled}). Either in another status answers {@code 400
 *       payment_intent_unexpected_state}, with the PaymentIntent in the error, as Stripe does.
 *   <li>{@code GET /v1/reviews/{id}}.
 * </ul>
 */
public final class StripeCheckoutFake {

  private static final Set<String> CANCELABLE =
      Set.of(
          "requires_payment_method",
          "requires_capture",
          "requires_confirmation",
          "requires_action",
          "processing");

  private final StripeApiFake fake;
  private final Map<String, JsonObject> reviews = new LinkedHashMap<>();

  StripeCheckoutFake(StripeApiFake fake) {
    this.fake = fake;
  }

  /** The routes that take the secret key: add them after its check. */
  void routes(Router router) {
    router
        .post("/v1/payment_intents/:id/capture")
        .handler(
            ctx ->
                fake.send(
                    ctx,
                    fake.idempotent(
                        StripeApiFake.request(ctx), call -> capture(ctx.pathParam("id")))));
    router
        .post("/v1/payment_intents/:id/cancel")
        .handler(
            ctx ->
                fake.send(
                    ctx,
                    fake.idempotent(
                        StripeApiFake.request(ctx),
                        call -> cancel(ctx.pathParam("id"), call.form()))));
    router.get("/v1/reviews/:id").handler(ctx -> fake.send(ctx, reviewAnswer(ctx.pathParam("id"))));
  }

  /** Whether a create request opens a checkout: manual capture, confirmed later by the client. */
  static boolean isCheckout(ApiCall call) {
    Map<String, String> form = call.form();
    return "manual".equals(form.get("capture_method")) && !"true".equals(form.get("confirm"));
  }

  /** {@code POST /v1/payment_intents} for a checkout. */
  Answer create(ApiCall call) {
    Map<String, String> form = call.form();
    long amount;
    try {
      amount = Long.parseLong(form.getOrDefault("amount", ""));
    } catch (NumberFormatException e) {
      amount = 0;
    }
    if (amount < 1) {
      return StripeApiFake.error(
          400,
          "invalid_request_error",
          "parameter_invalid_integer",
          "Invalid integer: " + form.get("amount"),
          "amount");
    }
    String currency = form.getOrDefault("currency", "");
    if (!currency.matches("[a-z]{3}")) {
      return StripeApiFake.error(
          400,
          "invalid_request_error",
          "parameter_invalid_string",
          "Invalid currency: " + currency,
          "currency");
    }
    String id = StripeSimulator.newId("pi_");
    JsonObject metadata = new JsonObject();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            metadata.put(k.substring("metadata[".length(), k.length() - 1), v);
          }
        });
    JsonObject intent =
        new JsonObject()
            .put("id", id)
            .put("object", "payment_intent")
            .put("amount", amount)
            .put("amount_capturable", 0)
            .put("amount_received", 0)
            .put("canceled_at", null)
            .put("cancellation_reason", null)
            .put("capture_method", "manual")
            .put("client_secret", id + "_secret_" + RandomIds.alphanumeric(25))
            .put("created", Instant.now().getEpochSecond())
            .put("currency", currency)
            .put("customer", null)
            .put("description", form.get("description"))
            .put("last_payment_error", null)
            .put("latest_charge", null)
            .put("livemode", false)
            .put("metadata", metadata)
            .put("payment_method", null)
            .put("receipt_email", null)
            .put("review", null)
            .put("status", "requires_payment_method");
    synchronized (fake) {
      fake.keepPaymentIntent(intent);
    }
    return StripeApiFake.json(200, intent.copy());
  }

  /**
   * The customer confirms a checkout's payment intent with a card that authorizes: {@code
   * requires_capture}, with an uncaptured charge; returns the intent.
   */
  public JsonObject confirm(String intentId) {
    return confirm(intentId, false);
  }

  /**
   * As {@link #confirm}, and Radar opens a review of the payment (its id is the intent's {@code
   * review}); returns the intent.
   */
  public JsonObject confirmUnderReview(String intentId) {
    return confirm(intentId, true);
  }

  private JsonObject confirm(String intentId, boolean openReview) {
    synchronized (fake) {
      JsonObject intent = intent(intentId);
      if (!"requires_payment_method".equals(intent.getString("status"))) {
        throw new IllegalStateException(intentId + " is " + intent.getString("status"));
      }
      long amount = intent.getLong("amount");
      JsonObject charge =
          fake.newCharge(
              StripeSimulator.newId("ch_"), amount, intent.getString("currency"), intentId);
      charge
          .put("amount_captured", 0)
          .put("captured", false)
          .put("metadata", intent.getJsonObject("metadata").copy());
      intent
          .put("amount_capturable", amount)
          .put("latest_charge", charge.getString("id"))
          .put("payment_method", StripeSimulator.newId("pm_"))
          .put("status", "requires_capture");
      if (openReview) {
        String reviewId = StripeSimulator.newId("prv_");
        reviews.put(
            reviewId,
            new JsonObject()
                .put("id", reviewId)
                .put("object", "review")
                .put("billing_zip", "94103")
                .put("charge", charge.getString("id"))
                .put("closed_reason", null)
                .put("created", Instant.now().getEpochSecond())
                .put("ip_address", "203.0.113.7")
                .put("livemode", false)
                .put("open", true)
                .put("opened_reason", "rule")
                .put("payment_intent", intentId)
                .put("reason", "rule"));
        intent.put("review", reviewId);
        charge.put("review", reviewId);
      }
      return intent.copy();
    }
  }

  /** The customer's card is declined: the intent keeps asking for a payment method. */
  public JsonObject decline(String intentId, String code, String message) {
    synchronized (fake) {
      JsonObject intent = intent(intentId);
      intent.put(
          "last_payment_error",
          new JsonObject().put("code", code).put("message", message).put("type", "card_error"));
      return intent.copy();
    }
  }

  /** A reviewer closes a Radar review for the reason given ({@code approved}, …); returns it. */
  public JsonObject closeReview(String reviewId, String reason) {
    synchronized (fake) {
      JsonObject review = reviews.get(reviewId);
      if (review == null) {
        throw new IllegalArgumentException("no review " + reviewId);
      }
      review.put("open", false).put("closed_reason", reason).put("reason", reason);
      return review.copy();
    }
  }

  /** The review as the fake holds it now, or {@code null}. */
  public JsonObject review(String reviewId) {
    synchronized (fake) {
      JsonObject review = reviews.get(reviewId);
      return review == null ? null : review.copy();
    }
  }

  private Answer capture(String id) {
    synchronized (fake) {
      JsonObject intent = fake.storedPaymentIntent(id);
      if (intent == null) {
        return StripeApiFake.noSuch("payment_intent", id, "intent");
      }
      String status = intent.getString("status");
      if (!"requires_capture".equals(status)) {
        return unexpectedState(
            intent,
            "This PaymentIntent could not be captured because it has a status of "
                + status
                + ". Only a PaymentIntent with one of the following statuses may be captured:"
                + " requires_capture.");
      }
      long amount = intent.getLong("amount_capturable");
      JsonObject charge = fake.storedCharge(intent.getString("latest_charge"));
      charge.put("amount_captured", amount).put("captured", true);
      intent.put("amount_capturable", 0).put("amount_received", amount).put("status", "succeeded");
      return StripeApiFake.json(200, intent.copy());
    }
  }

  private Answer cancel(String id, Map<String, String> form) {
    synchronized (fake) {
      JsonObject intent = fake.storedPaymentIntent(id);
      if (intent == null) {
        return StripeApiFake.noSuch("payment_intent", id, "intent");
      }
      String status = intent.getString("status");
      if (!CANCELABLE.contains(status)) {
        return unexpectedState(
            intent,
            "You cannot cancel this PaymentIntent because it has a status of "
                + status
                + ". Only a PaymentIntent with one of the following statuses may be canceled: "
                + String.join(", ", CANCELABLE.stream().sorted().toList())
                + ".");
      }
      intent
          .put("amount_capturable", 0)
          .put("canceled_at", Instant.now().getEpochSecond())
          .put("cancellation_reason", form.get("cancellation_reason"))
          .put("status", "canceled");
      String chargeId = intent.getString("latest_charge");
      if (chargeId != null) {
        JsonObject charge = fake.storedCharge(chargeId);
        charge.put("amount_refunded", charge.getLong("amount")).put("refunded", true);
      }
      return StripeApiFake.json(200, intent.copy());
    }
  }

  private Answer reviewAnswer(String id) {
    JsonObject review = review(id);
    return review == null
        ? StripeApiFake.noSuch("review", id, "review")
        : StripeApiFake.json(200, review);
  }

  private JsonObject intent(String id) {
    JsonObject intent = fake.storedPaymentIntent(id);
    if (intent == null) {
      throw new IllegalArgumentException("no payment intent " + id);
    }
    return intent;
  }

  /** Stripe's answer to a capture or cancel of an intent in the wrong status. */
  private static Answer unexpectedState(JsonObject intent, String message) {
    JsonObject error =
        new JsonObject()
            .put("code", "payment_intent_unexpected_state")
            .put("doc_url", "https://stripe.com/docs/error-codes/payment-intent-unexpected-state")
            .put("message", message)
            .put("payment_intent", intent.copy())
            .put(
                "request_log_url",
                "https://dashboard.stripe.com/test/logs/" + StripeSimulator.newId("req_"))
            .put("type", "invalid_request_error");
    return StripeApiFake.json(400, new JsonObject().put("error", error));
  }
}
