package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StripePlugin} as {@link io.paybridge.spi.CancelAndRefund}, against {@link StripeApiFake}:
 * the subscription ends, the charge is refunded exactly once, whatever failed in between.
 */
class StripeCancelAndRefundTest {

  /** How long the fake holds back an answer in the timeout tests: far beyond the short timeout. */
  private static final Duration SLOW = Duration.ofSeconds(3);

  private static final String REFUNDS = "/v1/refunds";

  private final String apiKey = StripeApiFake.newSecretKey();
  private final StripeApiFake stripe = new StripeApiFake(apiKey);

  @RegisterExtension
  final ApiPluginHarness<StripePlugin> harness =
      new ApiPluginHarness<>(stripe, StripePlugin::new, StripePlugin.API_TIMEOUT_SETTING);

  private final StripePlugin plugin = harness.plugin();

  private final StripeSimulator webhooks = new StripeSimulator(StripeSimulator.newWebhookSecret());
  private Credentials credentials = credentials(apiKey);

  private Credentials credentials(String key) {
    JsonObject submitted =
        new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret());
    if (key != null) {
      submitted.put("apiKey", key);
    }
    return plugin.validateCredentials(submitted);
  }

  /** A running subscription with one paid charge on the given payment intent. */
  private void runningSubscriptionPaidBy(String subscription, String paymentIntent) {
    stripe.addSubscription(subscription, "active", Instant.now().plus(Duration.ofDays(30)));
    stripe.addPaymentIntent(paymentIntent, 1500, "usd");
  }

  private static PaymentEvent charge(String subscription, String payment) {
    return PaymentEvent.builder(EventKind.RECURRING_CHARGED, "invoice:in_x", Instant.now())
        .amount(1500, "USD")
        .externalPaymentId(payment)
        .externalSubscriptionId(subscription)
        .build();
  }

  private void cancelAndRefund(PaymentEvent charge) {
    harness.onEventLoop(() -> plugin.cancelAndRefund(charge, credentials));
  }

  private GatewayApiException failureOf(PaymentEvent charge) {
    return failureOf(plugin, charge);
  }

  private GatewayApiException failureOf(CancelAndRefund cancelAndRefund, PaymentEvent charge) {
    return harness.failure(
        GatewayApiException.class, () -> cancelAndRefund.cancelAndRefund(charge, credentials));
  }

  @Test
  void aChargeParsedFromARenewalInvoiceIsCancelledAndRefundedThroughItsInvoicePayment() {
    // GIVEN an invoice.paid webhook as Stripe sends it on the pinned version (no payment intent on
    // the invoice), and Stripe's records of that subscription, invoice and payment
    String body =
        webhooks.invoicePaid(
            "evt_Renew01",
            "in_Renew01",
            "sub_Renew01",
            1500,
            "usd",
            "user-7",
            Instant.now().plus(Duration.ofDays(30)));
    PaymentEvent charge =
        BothReadings.parse(plugin, webhooks.request(body, Instant.now()), credentials)
            .events()
            .get(0);
    assertThat(charge.externalPaymentId()).isEqualTo("in_Renew01");
    runningSubscriptionPaidBy("sub_Renew01", "pi_Renew01");
    stripe.addInvoicePayment("in_Renew01", "pi_Renew01");

    // WHEN the plugin cancels and refunds
    cancelAndRefund(charge);

    // THEN the subscription is cancelled and the whole charge refunded once
    assertThat(stripe.subscription("sub_Renew01").getString("status")).isEqualTo("canceled");
    List<JsonObject> refunds = stripe.refunds();
    assertThat(refunds).hasSize(1);
    assertThat(refunds.get(0).getString("payment_intent")).isEqualTo("pi_Renew01");
    assertThat(refunds.get(0).getLong("amount")).isEqualTo(1500);
    assertThat(refunds.get(0).getJsonObject("metadata").getString("paybridge_subscription"))
        .isEqualTo("sub_Renew01");
    assertThat(stripe.calls())
        .extracting(ApiCall::method, ApiCall::path)
        .containsExactly(
            tuple("DELETE", "/v1/subscriptions/sub_Renew01"),
            tuple("GET", "/v1/invoice_payments"),
            tuple("POST", REFUNDS));
    ApiCall refund = stripe.calls("POST", REFUNDS).get(0);
    assertThat(refund.header("Idempotency-Key")).isEqualTo("paybridge-refund-in_Renew01");
    assertThat(refund.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(refund.form()).containsEntry("payment_intent", "pi_Renew01");
    assertThat(stripe.calls())
        .allSatisfy(
            c -> {
              assertThat(c.header("Authorization")).isEqualTo("Bearer " + apiKey);
              assertThat(c.header("Stripe-Version")).isEqualTo(StripePlugin.API_VERSION);
            });
  }

  @Test
  void aPaymentIntentIsRefundedDirectly() {
    runningSubscriptionPaidBy("sub_Direct01", "pi_Direct01");

    cancelAndRefund(charge("sub_Direct01", "pi_Direct01"));

    assertThat(stripe.calls("GET", "/v1/invoice_payments")).isEmpty();
    assertThat(stripe.calls("POST", REFUNDS).get(0).form())
        .containsEntry("payment_intent", "pi_Direct01")
        .doesNotContainKey("charge");
    assertThat(stripe.chargeOf("pi_Direct01").getBoolean("refunded")).isTrue();
  }

  @Test
  void aChargeIdIsRefundedAsACharge() {
    stripe.addSubscription("sub_Charge01", "active", Instant.now().plus(Duration.ofDays(30)));
    stripe.addCharge("ch_Charge01", 990, "eur");

    cancelAndRefund(charge("sub_Charge01", "ch_Charge01"));

    assertThat(stripe.calls("POST", REFUNDS).get(0).form())
        .containsEntry("charge", "ch_Charge01")
        .doesNotContainKey("payment_intent");
    assertThat(stripe.refunds())
        .singleElement()
        .satisfies(r -> assertThat(r.getLong("amount")).isEqualTo(990));
  }

  @Test
  void aRetryAfterTheRefundFailedCompletesWithExactlyOneRefund() {
    // GIVEN the cancel succeeds but Stripe fails the refund
    runningSubscriptionPaidBy("sub_Retry01", "pi_Retry01");
    stripe.failNext("POST", REFUNDS, 500);

    GatewayApiException first = failureOf(charge("sub_Retry01", "pi_Retry01"));
    assertThat(first.status()).isEqualTo(500);
    assertThat(first.retryable()).isTrue();
    assertThat(stripe.subscription("sub_Retry01").getString("status")).isEqualTo("canceled");
    assertThat(stripe.refunds()).isEmpty();

    // WHEN the platform retries
    cancelAndRefund(charge("sub_Retry01", "pi_Retry01"));

    // THEN the second cancel (404 for a cancelled subscription) counts as done, and there is one
    // refund
    assertThat(stripe.calls("DELETE", "/v1/subscriptions/sub_Retry01")).hasSize(2);
    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void aRefundWhoseAnswerWasLostIsNotMadeAgain() {
    // GIVEN Stripe makes the refund but its answer arrives after the plugin gave up
    runningSubscriptionPaidBy("sub_Lost01", "pi_Lost01");
    stripe.delayNext("POST", REFUNDS, SLOW);

    GatewayApiException first = failureOf(harness.impatient(), charge("sub_Lost01", "pi_Lost01"));
    assertThat(first.status()).isZero();
    assertThat(first.retryable()).isTrue();
    assertThat(stripe.refunds()).hasSize(1);

    // WHEN the platform retries, THEN Stripe replays the first refund under the same key
    cancelAndRefund(charge("sub_Lost01", "pi_Lost01"));
    List<ApiCall> posts = stripe.calls("POST", REFUNDS);
    assertThat(posts)
        .hasSize(2)
        .extracting(c -> c.header("Idempotency-Key"))
        .containsOnly("paybridge-refund-pi_Lost01");
    assertThat(posts.get(1).form()).as("same parameters").isEqualTo(posts.get(0).form());
    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void anAlreadyCancelledSubscriptionCountsAsCancelled() {
    stripe.addSubscription("sub_Done01", "canceled", Instant.now().minus(Duration.ofDays(2)));
    stripe.addPaymentIntent("pi_Done01", 1500, "usd");

    cancelAndRefund(charge("sub_Done01", "pi_Done01"));

    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void aSubscriptionStripeDoesNotKnowCountsAsCancelled() {
    stripe.addPaymentIntent("pi_NoSub01", 1500, "usd");

    cancelAndRefund(charge("sub_NoSuch01", "pi_NoSub01"));

    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void anAlreadyRefundedChargeCountsAsRefunded() {
    runningSubscriptionPaidBy("sub_Refunded01", "pi_Refunded01");
    stripe.refundInFull(stripe.chargeOf("pi_Refunded01").getString("id"));

    cancelAndRefund(charge("sub_Refunded01", "pi_Refunded01"));

    assertThat(stripe.subscription("sub_Refunded01").getString("status")).isEqualTo("canceled");
    assertThat(stripe.refunds()).as("only the earlier refund").hasSize(1);
  }

  @Test
  void aWrongApiKeyIsRefusedWith401AndChangesNothing() {
    runningSubscriptionPaidBy("sub_Key01", "pi_Key01");

    credentials = credentials(StripeApiFake.newSecretKey());
    GatewayApiException e = failureOf(charge("sub_Key01", "pi_Key01"));

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(stripe.subscription("sub_Key01").getString("status")).isEqualTo("active");
    assertThat(stripe.refunds()).isEmpty();
  }

  @Test
  void anAccountWithoutApiKeyFailsNamingTheField() {
    assertThatThrownBy(
            () ->
                harness.onEventLoop(
                    () -> plugin.cancelAndRefund(charge("sub_1", "pi_1"), credentials(null))))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'apiKey'");
    assertThat(stripe.calls()).isEmpty();
  }

  @Test
  void rateLimitingAndServerErrorsAreRetryable() {
    runningSubscriptionPaidBy("sub_Busy01", "pi_Busy01");
    stripe.failNext("DELETE", "/v1/subscriptions/sub_Busy01", 429);

    GatewayApiException limited = failureOf(charge("sub_Busy01", "pi_Busy01"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.retryable()).isTrue();
    assertThat(stripe.calls("POST", REFUNDS)).as("no refund before the cancel").isEmpty();

    stripe.addInvoicePayment("in_Busy01", "pi_Busy01");
    stripe.failNext("GET", "/v1/invoice_payments", 503);
    GatewayApiException unavailable = failureOf(charge("sub_Busy01", "in_Busy01"));
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.retryable()).isTrue();

    cancelAndRefund(charge("sub_Busy01", "in_Busy01"));
    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void aCancelSlowerThanTheTimeoutIsARetryableFailure() {
    runningSubscriptionPaidBy("sub_Slow01", "pi_Slow01");
    stripe.delayNext("DELETE", "/v1/subscriptions/sub_Slow01", SLOW);

    GatewayApiException e = failureOf(harness.impatient(), charge("sub_Slow01", "pi_Slow01"));

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(e).hasMessageContaining("cancel subscription");
    assertThat(stripe.refunds()).isEmpty();
  }

  @Test
  void anInvoiceWithoutAPaidPaymentCannotBeRefunded() {
    stripe.addSubscription("sub_Unpaid01", "active", Instant.now().plus(Duration.ofDays(3)));

    GatewayApiException e = failureOf(charge("sub_Unpaid01", "in_Unpaid01"));

    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("in_Unpaid01");
    assertThat(stripe.calls("POST", REFUNDS)).isEmpty();
  }

  @Test
  void anUnknownPaymentIsAPermanentGatewayError() {
    stripe.addSubscription("sub_Lonely01", "active", Instant.now().plus(Duration.ofDays(3)));

    GatewayApiException e = failureOf(charge("sub_Lonely01", "pi_Unknown01"));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void chargesWithoutUsableIdsAreRefusedBeforeAnyCall() {
    PaymentEvent noSubscription =
        PaymentEvent.builder(EventKind.PAYMENT, "payment:pi_1", Instant.now())
            .amount(100, "USD")
            .externalPaymentId("pi_1")
            .build();
    assertThatThrownBy(() -> cancelAndRefund(noSubscription))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subscription id is missing");
    assertThatThrownBy(() -> cancelAndRefund(charge("sub_1", "src_1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("src_1");
    assertThatThrownBy(() -> cancelAndRefund(charge("sub_1", "pi_1/../x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(stripe.calls()).isEmpty();
  }
}
