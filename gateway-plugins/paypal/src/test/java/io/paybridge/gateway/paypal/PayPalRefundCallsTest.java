package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.paybridge.spi.Refunds.Status;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.Fault;
import io.paybridge.testkit.RequestMatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link PayPalPlugin} as {@link io.paybridge.spi.Refunds}, against the simulator's fake Payments
 * API over HTTP: the request PayPal receives (amounts as decimal strings with the currency's
 * exponent), one refund per {@code PayPal-Request-Id} however often it is sent (a lost answer
 * included), PayPal's refusals as failed refunds, pending refunds read again, and a booking keyed
 * exactly as {@code PAYMENT.CAPTURE.REFUNDED} books the same refund.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalRefundCallsTest {

  private static final String CAPTURES = "/v2/payments/captures/";

  private Vertx vertx;
  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private PayPalPlugin impatient;
  private Credentials account;

  @BeforeAll
  void startSimulator() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    account = paypal.credentials();
  }

  @BeforeEach
  void freshPlugins() {
    plugin = plugin(1_500);
    impatient = plugin(500);
    paypal.reset();
  }

  private PayPalPlugin plugin(long timeoutMs) {
    PayPalPlugin p = new PayPalPlugin(List.of(paypal.trustAnchor()));
    Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
    settings.put(PayPalPlugin.TIMEOUT_SETTING, Long.toString(timeoutMs));
    await(p.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    return p;
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  /** Runs a plugin call on an event loop, as the platform makes it. */
  private <T> Future<T> onLoop(Supplier<Future<T>> call) {
    Promise<T> outcome = Promise.promise();
    vertx.runOnContext(v -> call.get().onComplete(outcome));
    return outcome.future();
  }

  private RefundOutcome refund(RefundRequest request) {
    return await(onLoop(() -> plugin.refund(request, account)));
  }

  private GatewayApiException refusal(PayPalPlugin p, RefundRequest request) {
    Throwable failure = failure(onLoop(() -> p.refund(request, account)));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    return (GatewayApiException) failure;
  }

  /** A capture PayPal completed, as its webhook announced it. */
  private String capture(String value, String currency) {
    String id = PayPalSimulator.newResourceId();
    paypal.captureCompleted(PayPalSimulator.newEventId(), id, value, currency, null, "member-3");
    return id;
  }

  private String activeSubscription() {
    String id = PayPalSimulator.newSubscriptionId();
    paypal.putSubscription(id, "ACTIVE", Instant.now().plus(Duration.ofDays(20)), "member-3");
    return id;
  }

  private static RefundRequest request(
      String entryKey, String payment, long amount, String currency, String pending) {
    String id = UUID.randomUUID().toString();
    return new RefundRequest(
        id,
        "paybridge-refund-" + id,
        entryKey,
        payment,
        amount,
        currency,
        "member-3",
        "damaged on arrival",
        pending);
  }

  private ParsedWebhook deliver(String body) {
    WebhookRequest request = paypal.request(body, Instant.now());
    Verdict verdict = await(onLoop(() -> plugin.verify(request, account)));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    return await(onLoop(() -> plugin.resolve(request, plugin.parse(request, account), account)));
  }

  @Test
  void aPartialCaptureRefundIsAskedOnceAndBookedAsItsWebhookBooksIt() {
    String capture = capture("25.00", "USD");
    RefundRequest request = request("capture:" + capture, capture, 750, "USD", null);

    RefundOutcome outcome = refund(request);

    List<ApiCall> calls = paypal.calls(HttpMethod.POST, CAPTURES);
    assertThat(calls).hasSize(1);
    ApiCall call = calls.get(0);
    assertThat(call.path()).isEqualTo(CAPTURES + capture + "/refund");
    assertThat(call.header("PayPal-Request-Id")).isEqualTo(request.idempotencyKey());
    assertThat(call.header("Prefer")).isEqualTo("return=representation");
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.header("Authorization")).startsWith("Bearer A21AA");
    assertThat(call.json())
        .isEqualTo(
            new JsonObject()
                .put("amount", new JsonObject().put("value", "7.50").put("currency_code", "USD"))
                .put("invoice_id", "paybridge-" + request.refundId())
                .put("note_to_payer", "damaged on arrival"));

    assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
    PaymentEvent booked = outcome.booking();
    assertThat(booked.kind()).isEqualTo(EventKind.REFUND);
    assertThat(booked.entryKey()).isEqualTo("refund:" + outcome.gatewayRefundId());
    assertThat(booked.amountMinor()).isEqualTo(-750);
    assertThat(booked.currency()).isEqualTo("USD");
    assertThat(booked.externalPaymentId()).isEqualTo(capture);
    assertThat(booked.customerRef()).isEqualTo("member-3");
    assertThat(paypal.apiResource(CAPTURES + capture).getString("status"))
        .isEqualTo("PARTIALLY_REFUNDED");

    // PAYMENT.CAPTURE.REFUNDED for this refund books the same key, amount and payment
    ParsedWebhook webhook =
        deliver(
            paypal.captureRefunded(
                PayPalSimulator.newEventId(),
                outcome.gatewayRefundId(),
                capture,
                "7.50",
                "USD",
                null));
    assertThat(webhook.events()).hasSize(1);
    PaymentEvent fromWebhook = webhook.events().get(0);
    assertThat(fromWebhook.entryKey()).isEqualTo(booked.entryKey());
    assertThat(fromWebhook.amountMinor()).isEqualTo(booked.amountMinor());
    assertThat(fromWebhook.externalPaymentId()).isEqualTo(booked.externalPaymentId());
  }

  @Test
  void amountsGoOutWithTheCurrencysExponent() {
    String yen = capture("5000", "JPY");
    String dinar = capture("10.000", "KWD");

    assertThat(refund(request("capture:" + yen, yen, 1_200, "JPY", null)).status())
        .isEqualTo(Status.SUCCEEDED);
    assertThat(
            refund(request("capture:" + dinar, dinar, 1_234, "KWD", null)).booking().amountMinor())
        .isEqualTo(-1_234);

    List<ApiCall> calls = paypal.calls(HttpMethod.POST, CAPTURES);
    assertThat(calls.get(0).json().getJsonObject("amount").getString("value")).isEqualTo("1200");
    assertThat(calls.get(1).json().getJsonObject("amount").getString("value")).isEqualTo("1.234");
  }

  @Test
  void anAnswerLostToTheTimeoutIsAskedAgainUnderTheSameRequestIdAndRefundsOnce() {
    String capture = capture("30.00", "EUR");
    RefundRequest request = request("capture:" + capture, capture, 1_000, "EUR", null);
    // the impatient plugin holds an access token, so its refund goes out at once
    await(onLoop(() -> impatient.subscription(activeSubscription(), account)));
    paypal.injectNext(
        RequestMatch.under("POST", CAPTURES), Fault.latency(Duration.ofMillis(1_400)));

    GatewayApiException lost = refusal(impatient, request);
    assertThat(lost.retryable()).isTrue();
    RefundOutcome retried = refund(request);

    assertThat(paypal.refunds()).hasSize(1);
    List<ApiCall> calls = paypal.calls(HttpMethod.POST, CAPTURES);
    assertThat(calls).hasSize(2);
    assertThat(calls)
        .extracting(c -> c.header("PayPal-Request-Id"))
        .containsOnly(request.idempotencyKey());
    assertThat(calls.get(1).json()).isEqualTo(calls.get(0).json());
    assertThat(retried.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(retried.gatewayRefundId()).isEqualTo(paypal.refunds().get(0).id());
  }

  @Test
  void paypalsRefusalsAreFailedRefundsWithItsIssue() {
    String capture = capture("10.00", "USD");

    RefundOutcome exceeded = refund(request("capture:" + capture, capture, 1_001, "USD", null));
    RefundOutcome whole = refund(request("capture:" + capture, capture, 1_000, "USD", null));
    RefundOutcome full = refund(request("capture:" + capture, capture, 1, "USD", null));
    paypal.failNext(
        HttpMethod.POST,
        CAPTURES,
        404,
        new JsonObject()
            .put("name", "RESOURCE_NOT_FOUND")
            .put("message", "The specified resource does not exist.")
            .encode());
    RefundOutcome unknown = refund(request("capture:NOSUCH", "NOSUCH", 100, "USD", null));

    assertThat(exceeded.status()).isEqualTo(Status.FAILED);
    assertThat(exceeded.code()).isEqualTo("REFUND_AMOUNT_EXCEEDED");
    assertThat(whole.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(full.code()).isEqualTo("CAPTURE_FULLY_REFUNDED");
    assertThat(full.message()).contains("fully refunded");
    assertThat(unknown.code()).isEqualTo("RESOURCE_NOT_FOUND");
    assertThat(paypal.refunds()).hasSize(1);
    assertThat(paypal.apiResource(CAPTURES + capture).getString("status")).isEqualTo("REFUNDED");
  }

  @Test
  void anOverloadedPayPalIsTriedAgainUnderTheSameRequestId() {
    String capture = capture("10.00", "USD");
    RefundRequest request = request("capture:" + capture, capture, 100, "USD", null);

    for (int status : new int[] {500, 503, 429, 409}) {
      paypal.failNext(HttpMethod.POST, CAPTURES, status, "{\"name\":\"INTERNAL_SERVER_ERROR\"}");
      assertThat(refusal(plugin, request).retryable()).as("HTTP %s", status).isTrue();
    }

    assertThat(paypal.refunds()).isEmpty();
    assertThat(refund(request).status()).isEqualTo(Status.SUCCEEDED);
    assertThat(paypal.calls(HttpMethod.POST, CAPTURES))
        .hasSize(5)
        .extracting(c -> c.header("PayPal-Request-Id"))
        .containsOnly(request.idempotencyKey());
  }

  @Test
  void aPendingRefundIsReadAgainUntilPayPalCompletesIt() {
    String capture = capture("40.00", "USD");
    paypal.keepRefundsPending(capture);
    RefundRequest first = request("capture:" + capture, capture, 500, "USD", null);

    RefundOutcome pending = refund(first);
    assertThat(pending.status()).isEqualTo(Status.PENDING);
    String id = pending.gatewayRefundId();
    RefundRequest again =
        new RefundRequest(
            first.refundId(),
            first.idempotencyKey(),
            first.paymentEntryKey(),
            capture,
            500,
            "USD",
            "member-3",
            null,
            id);
    assertThat(refund(again).status()).isEqualTo(Status.PENDING);

    paypal.settleRefund(id, "COMPLETED");
    RefundOutcome done = refund(again);

    assertThat(done.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(done.booking().entryKey()).isEqualTo("refund:" + id);
    assertThat(done.booking().amountMinor()).isEqualTo(-500);
    assertThat(paypal.calls(HttpMethod.GET, "/v2/payments/refunds/" + id)).hasSize(2);
    assertThat(paypal.calls(HttpMethod.POST, CAPTURES)).hasSize(1);
  }

  @Test
  void aSubscriptionsSaleIsRefundedThroughTheV1Api() {
    String sale = PayPalSimulator.newResourceId();
    RefundRequest request = request("sale:" + sale, sale, 1_500, "USD", null);

    RefundOutcome outcome = refund(request);

    ApiCall call = paypal.calls(HttpMethod.POST, "/v1/payments/sale/").get(0);
    assertThat(call.path()).isEqualTo("/v1/payments/sale/" + sale + "/refund");
    assertThat(call.header("PayPal-Request-Id")).isEqualTo(request.idempotencyKey());
    assertThat(call.json().getJsonObject("amount"))
        .isEqualTo(new JsonObject().put("total", "15.00").put("currency", "USD"));
    assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(outcome.booking().externalPaymentId()).isEqualTo(sale);
  }
}
