package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.paybridge.spi.Refunds.Status;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RazorpayPlugin} as {@link io.paybridge.spi.Refunds}, against {@link RazorpayApiFake} over
 * HTTP: the request Razorpay receives, one refund per request however often it is sent (by
 * Razorpay's {@code X-Refund-Idempotency} key, and by the request's note found before asking
 * again), Razorpay's refusals as failed refunds, pending refunds read again, and a booking keyed
 * exactly as {@code refund.processed} books the same refund.
 */
class RazorpayRefundCallsTest {

  private static final String SECRET = "refund-calls-test-secret";

  private final String keyId = RazorpayApiFake.newKeyId();
  private final String keySecret = RazorpayApiFake.newKeySecret();
  private final RazorpayApiFake razorpay = new RazorpayApiFake(keyId, keySecret);

  @RegisterExtension
  final ApiPluginHarness<RazorpayPlugin> harness =
      new ApiPluginHarness<>(razorpay, RazorpayPlugin::new, RazorpayPlugin.API_TIMEOUT_SETTING);

  private final RazorpayPlugin plugin = harness.plugin();
  private final RazorpaySimulator webhooks = new RazorpaySimulator(SECRET);
  private final Credentials credentials =
      plugin
          .credentialSchema()
          .validate(
              new JsonObject()
                  .put("keyId", keyId)
                  .put("keySecret", keySecret)
                  .put("webhookSecret", SECRET));

  private static RefundRequest request(String payment, long amount, String pending) {
    String id = UUID.randomUUID().toString();
    return new RefundRequest(
        id,
        "paybridge-refund-" + id,
        "payment:" + payment,
        payment,
        amount,
        "INR",
        "user-42",
        "duplicate order",
        pending);
  }

  private RefundOutcome refund(RefundRequest request) {
    return harness.onEventLoop(() -> plugin.refund(request, credentials));
  }

  private List<ApiCall> refundPosts(String payment) {
    return razorpay.calls("POST", "/v1/payments/" + payment + "/refund");
  }

  @Test
  void aPartialRefundIsAskedUnderTheRequestsKeyAndBookedAsRefundProcessedBooksIt() {
    razorpay.addPayment("pay_Part0000000001", 49_900, "INR");
    RefundRequest request = request("pay_Part0000000001", 10_000, null);

    RefundOutcome outcome = refund(request);

    // first the payment's refunds are read, to find one made for this request before
    assertThat(razorpay.calls())
        .extracting(ApiCall::method, ApiCall::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET", "/v1/payments/pay_Part0000000001/refunds"),
            org.assertj.core.groups.Tuple.tuple("POST", "/v1/payments/pay_Part0000000001/refund"));
    ApiCall call = refundPosts("pay_Part0000000001").get(0);
    assertThat(call.header("X-Refund-Idempotency")).isEqualTo(request.idempotencyKey());
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.header("Authorization")).startsWith("Basic ");
    JsonObject body = call.json();
    assertThat(body.getLong("amount")).isEqualTo(10_000);
    assertThat(body.getString("speed")).isEqualTo("normal");
    assertThat(body.getString("receipt")).hasSizeLessThanOrEqualTo(40).startsWith("pb-");
    assertThat(body.getJsonObject("notes"))
        .isEqualTo(
            new JsonObject()
                .put("paybridge_refund", request.refundId())
                .put("customer_ref", "user-42")
                .put("paybridge_reason", "duplicate order"));

    assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
    PaymentEvent booked = outcome.booking();
    assertThat(booked.kind()).isEqualTo(EventKind.REFUND);
    assertThat(booked.entryKey()).isEqualTo("refund:" + outcome.gatewayRefundId());
    assertThat(booked.amountMinor()).isEqualTo(-10_000);
    assertThat(booked.currency()).isEqualTo("INR");
    assertThat(booked.externalPaymentId()).isEqualTo("pay_Part0000000001");
    assertThat(razorpay.payment("pay_Part0000000001").getLong("amount_refunded")).isEqualTo(10_000);

    // refund.processed for this refund books the same key and amount
    String event =
        webhooks.refundProcessed(outcome.gatewayRefundId(), "pay_Part0000000001", 10_000, "INR");
    WebhookRequest delivery = webhooks.request(event, "evt_refund_1");
    assertThat(plugin.verify(delivery, credentials).await().authentic()).isTrue();
    ParsedWebhook parsed = plugin.parse(delivery, credentials);
    assertThat(parsed.events())
        .extracting(PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(booked.entryKey(), -10_000L));
  }

  @Test
  void anAnswerLostToTheTimeoutIsFoundBeforeAskingAgain() {
    razorpay.addPayment("pay_Lost0000000001", 30_000, "INR");
    RefundRequest request = request("pay_Lost0000000001", 5_000, null);
    razorpay.delayNext("POST", "/v1/payments/pay_Lost0000000001/refund", Duration.ofMillis(1_500));

    GatewayApiException lost =
        harness.failure(
            GatewayApiException.class, () -> harness.impatient().refund(request, credentials));
    RefundOutcome retried = refund(request);

    assertThat(lost.retryable()).isTrue();
    // the refund the lost answer hid is found by its note: nothing is asked a second time
    assertThat(razorpay.refunds()).hasSize(1);
    assertThat(refundPosts("pay_Lost0000000001")).hasSize(1);
    assertThat(retried.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(retried.gatewayRefundId()).isEqualTo(razorpay.refunds().get(0).getString("id"));
  }

  @Test
  void aRetryUnderTheSameKeyIsAnsweredWithTheFirstRefund() {
    razorpay.addPayment("pay_Key00000000001", 30_000, "INR");
    RefundRequest request = request("pay_Key00000000001", 5_000, null);
    razorpay.delayNext("POST", "/v1/payments/pay_Key00000000001/refund", Duration.ofMillis(1_500));
    harness.failure(
        GatewayApiException.class, () -> harness.impatient().refund(request, credentials));
    // the payment's refund list does not show the refund yet, so only Razorpay's idempotency key
    // stands between the retry and a second refund
    razorpay.answerNext(
        "GET",
        "/v1/payments/pay_Key00000000001/refunds",
        200,
        "{\"entity\":\"collection\",\"count\":0,\"items\":[]}");
    RefundOutcome outcome = refund(request);

    assertThat(razorpay.refunds()).hasSize(1);
    assertThat(outcome.gatewayRefundId()).isEqualTo(razorpay.refunds().get(0).getString("id"));
    assertThat(refundPosts("pay_Key00000000001"))
        .hasSize(2)
        .extracting(c -> c.header("X-Refund-Idempotency"))
        .containsOnly(request.idempotencyKey());
    assertThat(refundPosts("pay_Key00000000001").get(1).json())
        .isEqualTo(refundPosts("pay_Key00000000001").get(0).json());
  }

  @Test
  void razorpaysRefusalsAreFailedRefundsWithItsDescription() {
    razorpay.addPayment("pay_Ref00000000001", 1_000, "INR");

    RefundOutcome tooMuch = refund(request("pay_Ref00000000001", 1_001, null));
    RefundOutcome whole = refund(request("pay_Ref00000000001", 1_000, null));
    RefundOutcome nothingLeft = refund(request("pay_Ref00000000001", 1, null));
    RefundOutcome unknown = refund(request("pay_Unknown0000001", 100, null));

    assertThat(tooMuch.status()).isEqualTo(Status.FAILED);
    assertThat(tooMuch.code()).isEqualTo("BAD_REQUEST_ERROR");
    assertThat(tooMuch.message()).contains("greater than amount captured");
    assertThat(whole.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(nothingLeft.message()).contains("fully refunded already");
    assertThat(unknown.status()).isEqualTo(Status.FAILED);
    assertThat(unknown.message()).contains("does not exist");
    assertThat(razorpay.refunds()).hasSize(1);

    // an overloaded Razorpay, or one still working on the key, is asked again later
    RefundRequest later = request("pay_Ref00000000001", 1, null);
    for (int status : new int[] {500, 429, 409}) {
      razorpay.failNext("POST", "/v1/payments/pay_Ref00000000001/refund", status);
      assertThat(
              harness
                  .failure(GatewayApiException.class, () -> plugin.refund(later, credentials))
                  .retryable())
          .as("HTTP %s", status)
          .isTrue();
    }
  }

  @Test
  void aPendingRefundIsReadAgainUntilRazorpayProcessesIt() {
    razorpay.addPayment("pay_Pend000000001", 20_000, "INR");
    razorpay.keepRefundsPending("pay_Pend000000001");
    RefundRequest first = request("pay_Pend000000001", 2_000, null);

    RefundOutcome pending = refund(first);
    String id = pending.gatewayRefundId();
    RefundRequest again =
        new RefundRequest(
            first.refundId(),
            first.idempotencyKey(),
            first.paymentEntryKey(),
            first.externalPaymentId(),
            2_000,
            "INR",
            "user-42",
            null,
            id);
    RefundOutcome stillPending = refund(again);
    razorpay.settleRefund(id, "processed");
    RefundOutcome processed = refund(again);

    assertThat(pending.status()).isEqualTo(Status.PENDING);
    assertThat(pending.entryKey()).isEqualTo("refund:" + id);
    assertThat(stillPending.status()).isEqualTo(Status.PENDING);
    assertThat(processed.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(processed.booking().amountMinor()).isEqualTo(-2_000);
    assertThat(razorpay.calls("GET", "/v1/refunds/" + id)).hasSize(2);
    assertThat(refundPosts("pay_Pend000000001")).hasSize(1);
  }
}
