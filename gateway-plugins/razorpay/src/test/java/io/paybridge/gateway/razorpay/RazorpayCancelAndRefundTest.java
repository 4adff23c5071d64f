package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RazorpayPlugin} as {@link io.paybridge.spi.CancelAndRefund}, against {@link
 * RazorpayApiFake}: the subscription ends, the payment is refunded exactly once, whatever failed in
 * between.
 */
class RazorpayCancelAndRefundTest {

  /** How long the fake holds back an answer in the timeout tests: far beyond the short timeout. */
  private static final Duration SLOW = Duration.ofSeconds(3);

  private static final Instant CURRENT_END =
      Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

  private final String keyId = RazorpayApiFake.newKeyId();
  private final String keySecret = RazorpayApiFake.newKeySecret();
  private final RazorpayApiFake razorpay = new RazorpayApiFake(keyId, keySecret);

  @RegisterExtension
  final ApiPluginHarness<RazorpayPlugin> harness =
      new ApiPluginHarness<>(razorpay, RazorpayPlugin::new, RazorpayPlugin.API_TIMEOUT_SETTING);

  private final RazorpayPlugin plugin = harness.plugin();

  private final RazorpaySimulator webhooks = new RazorpaySimulator("cancel-refund-test-secret");
  private Credentials credentials = credentials(keySecret);

  private Credentials credentials(String secret) {
    return plugin
        .credentialSchema()
        .validate(
            new JsonObject()
                .put("keyId", keyId)
                .put("keySecret", secret)
                .put("webhookSecret", "cancel-refund-test-secret"));
  }

  /** A running subscription whose latest charge is the given captured payment. */
  private void runningSubscriptionPaidBy(String subscription, String payment) {
    razorpay.addSubscription(subscription, "active", CURRENT_END);
    razorpay.addPayment(payment, 49_900, "INR");
  }

  private static PaymentEvent charge(String subscription, String payment) {
    return PaymentEvent.builder(EventKind.RECURRING_CHARGED, "payment:" + payment, Instant.now())
        .amount(49_900, "INR")
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

  private static String cancelPath(String subscription) {
    return "/v1/subscriptions/" + subscription + "/cancel";
  }

  private static String refundPath(String payment) {
    return "/v1/payments/" + payment + "/refund";
  }

  @Test
  void aParsedSubscriptionChargeIsCancelledAndRefundedInFull() {
    // GIVEN a subscription.charged webhook and Razorpay's records of that subscription and payment
    String body =
        webhooks.subscriptionCharged(
            "pay_Renew00000001", "sub_Renew00000001", 49_900, "INR", "user-7", CURRENT_END);
    PaymentEvent charge =
        plugin.parse(webhooks.request(body, "EvtRenew01"), credentials).events().get(0);
    runningSubscriptionPaidBy("sub_Renew00000001", "pay_Renew00000001");

    // WHEN the plugin cancels and refunds
    cancelAndRefund(charge);

    // THEN the subscription is cancelled at once and the whole payment refunded once
    assertThat(razorpay.subscription("sub_Renew00000001").getString("status"))
        .isEqualTo("cancelled");
    List<JsonObject> refunds = razorpay.refunds();
    assertThat(refunds).hasSize(1);
    assertThat(refunds.get(0).getString("payment_id")).isEqualTo("pay_Renew00000001");
    assertThat(refunds.get(0).getLong("amount")).isEqualTo(49_900);
    assertThat(refunds.get(0).getJsonObject("notes").getString("paybridge_subscription"))
        .isEqualTo("sub_Renew00000001");
    assertThat(razorpay.payment("pay_Renew00000001").getString("refund_status")).isEqualTo("full");
    assertThat(razorpay.calls())
        .extracting(ApiCall::method, ApiCall::path)
        .containsExactly(
            tuple("POST", cancelPath("sub_Renew00000001")),
            tuple("GET", "/v1/payments/pay_Renew00000001"),
            tuple("POST", refundPath("pay_Renew00000001")));
    assertThat(razorpay.calls().get(0).json())
        .isEqualTo(new JsonObject().put("cancel_at_cycle_end", 0));
    ApiCall refund = razorpay.calls().get(2);
    assertThat(refund.header("X-Refund-Idempotency"))
        .isEqualTo("paybridge-refund-pay_Renew00000001");
    assertThat(refund.header("Content-Type")).isEqualTo("application/json");
    assertThat(refund.json().getLong("amount")).isEqualTo(49_900);
    assertThat(refund.json().getString("receipt")).hasSizeLessThanOrEqualTo(40);
    assertThat(razorpay.calls())
        .allSatisfy(
            c ->
                assertThat(c.header("Authorization"))
                    .isEqualTo(GatewayHttp.basic(keyId, keySecret)));
  }

  @Test
  void aRetryAfterTheRefundFailedCompletesWithExactlyOneRefund() {
    // GIVEN the cancel succeeds but Razorpay fails the refund
    runningSubscriptionPaidBy("sub_Retry00000001", "pay_Retry00000001");
    razorpay.failNext("POST", refundPath("pay_Retry00000001"), 500);

    GatewayApiException first = failureOf(charge("sub_Retry00000001", "pay_Retry00000001"));
    assertThat(first.status()).isEqualTo(500);
    assertThat(first.retryable()).isTrue();
    assertThat(razorpay.subscription("sub_Retry00000001").getString("status"))
        .isEqualTo("cancelled");
    assertThat(razorpay.refunds()).isEmpty();

    // WHEN the platform retries
    cancelAndRefund(charge("sub_Retry00000001", "pay_Retry00000001"));

    // THEN the refused second cancel is recognised as done, and there is one refund
    assertThat(razorpay.calls("POST", cancelPath("sub_Retry00000001"))).hasSize(2);
    assertThat(razorpay.calls("GET", "/v1/subscriptions/sub_Retry00000001")).hasSize(1);
    assertThat(razorpay.refunds()).hasSize(1);
  }

  @Test
  void aRefundWhoseAnswerWasLostIsNotMadeAgain() {
    // GIVEN Razorpay makes the refund but its answer arrives after the plugin gave up
    runningSubscriptionPaidBy("sub_Lost00000001", "pay_Lost00000001");
    razorpay.delayNext("POST", refundPath("pay_Lost00000001"), SLOW);

    GatewayApiException first =
        failureOf(harness.impatient(), charge("sub_Lost00000001", "pay_Lost00000001"));
    assertThat(first.status()).isZero();
    assertThat(first.retryable()).isTrue();
    assertThat(razorpay.refunds()).hasSize(1);

    // WHEN the platform retries, THEN the payment shows as refunded and nothing more is refunded
    cancelAndRefund(charge("sub_Lost00000001", "pay_Lost00000001"));
    assertThat(razorpay.calls("POST", refundPath("pay_Lost00000001"))).hasSize(1);
    assertThat(razorpay.refunds()).hasSize(1);
  }

  @Test
  void aRetryRacingTheFirstRefundGetsItBackUnderTheSameKey() {
    // GIVEN the payment still shows nothing refunded when the retry looks (the first refund's
    // answer was lost and the retry read the payment just before it was made)
    runningSubscriptionPaidBy("sub_Race00000001", "pay_Race00000001");
    razorpay.delayNext("POST", refundPath("pay_Race00000001"), SLOW);
    failureOf(harness.impatient(), charge("sub_Race00000001", "pay_Race00000001"));
    JsonObject unrefunded = razorpay.payment("pay_Race00000001");
    unrefunded.put("amount_refunded", 0).put("refund_status", (String) null);
    razorpay.answerNext("GET", "/v1/payments/pay_Race00000001", 200, unrefunded.encode());

    // WHEN the retry refunds again
    cancelAndRefund(charge("sub_Race00000001", "pay_Race00000001"));

    // THEN it sent the same request under the same key, and Razorpay returned the first refund
    List<ApiCall> posts = razorpay.calls("POST", refundPath("pay_Race00000001"));
    assertThat(posts).hasSize(2);
    assertThat(posts.get(1).json()).isEqualTo(posts.get(0).json());
    assertThat(posts.get(1).header("X-Refund-Idempotency"))
        .isEqualTo(posts.get(0).header("X-Refund-Idempotency"));
    assertThat(razorpay.refunds()).hasSize(1);
  }

  @Test
  void anAlreadyCancelledSubscriptionCountsAsCancelled() {
    razorpay.addSubscription("sub_Done00000001", "cancelled", CURRENT_END);
    razorpay.addPayment("pay_Done00000001", 49_900, "INR");

    cancelAndRefund(charge("sub_Done00000001", "pay_Done00000001"));

    assertThat(razorpay.refunds()).hasSize(1);
  }

  @Test
  void aRefusedCancelOfARunningSubscriptionStandsAndNothingIsRefunded() {
    runningSubscriptionPaidBy("sub_Final0000001", "pay_Final0000001");
    razorpay.answerNext(
        "POST",
        cancelPath("sub_Final0000001"),
        400,
        "{\"error\":{\"code\":\"BAD_REQUEST_ERROR\",\"description\":\"The subscription is in its"
            + " final cycle and cannot be cancelled now.\"}}");

    GatewayApiException e = failureOf(charge("sub_Final0000001", "pay_Final0000001"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.retryable()).isFalse();
    assertThat(e).hasMessageContaining("final cycle");
    assertThat(razorpay.refunds()).isEmpty();
  }

  @Test
  void anAlreadyRefundedPaymentCountsAsRefunded() {
    runningSubscriptionPaidBy("sub_Refunded00001", "pay_Refunded00001");
    razorpay.refundInFull("pay_Refunded00001");

    cancelAndRefund(charge("sub_Refunded00001", "pay_Refunded00001"));

    assertThat(razorpay.subscription("sub_Refunded00001").getString("status"))
        .isEqualTo("cancelled");
    assertThat(razorpay.calls("POST", refundPath("pay_Refunded00001"))).isEmpty();
    assertThat(razorpay.refunds()).as("only the earlier refund").hasSize(1);
  }

  @Test
  void aPartlyRefundedPaymentGetsTheRestRefunded() {
    runningSubscriptionPaidBy("sub_Partly0000001", "pay_Partly0000001");
    razorpay.answerNext(
        "GET",
        "/v1/payments/pay_Partly0000001",
        200,
        razorpay.payment("pay_Partly0000001").put("amount_refunded", 9_900).encode());

    cancelAndRefund(charge("sub_Partly0000001", "pay_Partly0000001"));

    assertThat(razorpay.refunds())
        .singleElement()
        .satisfies(r -> assertThat(r.getLong("amount")).isEqualTo(40_000));
  }

  @Test
  void aRefundRefusedAsAlreadyFullCountsAsRefunded() {
    runningSubscriptionPaidBy("sub_Won000000001", "pay_Won000000001");
    razorpay.answerNext(
        "POST",
        refundPath("pay_Won000000001"),
        400,
        "{\"error\":{\"code\":\"BAD_REQUEST_ERROR\",\"description\":\"The payment has been fully"
            + " refunded already\"}}");

    cancelAndRefund(charge("sub_Won000000001", "pay_Won000000001"));
  }

  @Test
  void aWrongKeySecretIsRefusedWith401AndChangesNothing() {
    runningSubscriptionPaidBy("sub_Key000000001", "pay_Key000000001");
    credentials = credentials(RazorpayApiFake.newKeySecret());

    GatewayApiException e = failureOf(charge("sub_Key000000001", "pay_Key000000001"));

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(razorpay.subscription("sub_Key000000001").getString("status")).isEqualTo("active");
    assertThat(razorpay.refunds()).isEmpty();
  }

  @Test
  void rateLimitingAndServerErrorsAreRetryable() {
    runningSubscriptionPaidBy("sub_Busy00000001", "pay_Busy00000001");
    razorpay.failNext("POST", cancelPath("sub_Busy00000001"), 429);

    GatewayApiException limited = failureOf(charge("sub_Busy00000001", "pay_Busy00000001"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.retryable()).isTrue();
    assertThat(razorpay.calls("GET", "/v1/payments/pay_Busy00000001")).isEmpty();

    razorpay.failNext("GET", "/v1/payments/pay_Busy00000001", 502);
    GatewayApiException unavailable = failureOf(charge("sub_Busy00000001", "pay_Busy00000001"));
    assertThat(unavailable.status()).isEqualTo(502);
    assertThat(unavailable.retryable()).isTrue();

    cancelAndRefund(charge("sub_Busy00000001", "pay_Busy00000001"));
    assertThat(razorpay.refunds()).hasSize(1);
  }

  @Test
  void aCancelSlowerThanTheTimeoutIsARetryableFailure() {
    runningSubscriptionPaidBy("sub_Slow00000001", "pay_Slow00000001");
    razorpay.delayNext("POST", cancelPath("sub_Slow00000001"), SLOW);

    GatewayApiException e =
        failureOf(harness.impatient(), charge("sub_Slow00000001", "pay_Slow00000001"));

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(e).hasMessageContaining("cancel subscription");
    assertThat(razorpay.refunds()).isEmpty();
  }

  @Test
  void chargesWithoutUsableIdsAreRefusedBeforeAnyCall() {
    PaymentEvent noSubscription =
        PaymentEvent.builder(EventKind.AUTHORIZED, "authorized:pay_1", Instant.now())
            .amount(100, "INR")
            .externalPaymentId("pay_1")
            .build();
    assertThatThrownBy(() -> cancelAndRefund(noSubscription))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subscription id is missing");
    assertThatThrownBy(() -> cancelAndRefund(charge("sub_1", "order_1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("order_1");
    assertThatThrownBy(() -> cancelAndRefund(charge("sub_1", "pay_1/../x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(razorpay.calls()).isEmpty();
  }
}
