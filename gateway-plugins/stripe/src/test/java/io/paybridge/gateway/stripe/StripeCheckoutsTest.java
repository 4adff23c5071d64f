package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Captures.Status;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkouts at Stripe against the API fake: a PaymentIntent for manual capture opened under the
 * checkout's idempotency key, one however often the start is tried (a timeout after Stripe acted, a
 * 5xx); captures and cancellations under their keys, answered truthfully when Stripe says the
 * intent is already captured, cancelled or not yet authorized.
 */
class StripeCheckoutsTest {

  @RegisterExtension final StripeTestBed bed = new StripeTestBed();

  @Test
  void aCheckoutIsAManualCapturePaymentIntentThatNamesItsCheckoutAndCustomer() {
    CheckoutRequest request = request("co-1", 1_999, "EUR");

    StartedCheckout started = start(bed.plugin(), request, bed.withKey());
    StartedCheckout again = start(bed.plugin(), request, bed.withKey());

    JsonObject intent = bed.api.paymentIntent(started.reference());
    assertThat(started.reference()).startsWith("pi_");
    assertThat(started.client().getString("clientSecret"))
        .isEqualTo(intent.getString("client_secret"));
    assertThat(started.client().getString("paymentIntentId")).isEqualTo(started.reference());
    assertThat(again.reference()).isEqualTo(started.reference());
    List<ApiCall> calls = bed.api.calls("POST", "/v1/payment_intents");
    assertThat(calls)
        .hasSize(2)
        .allSatisfy(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-checkout-co-1"));
    assertThat(calls.get(0).form())
        .containsEntry("amount", "1999")
        .containsEntry("currency", "eur")
        .containsEntry("capture_method", "manual")
        .containsEntry("description", "Desk, March")
        .containsEntry("metadata[paybridge_checkout]", "co-1")
        .containsEntry("metadata[customer_ref]", "member-1")
        .doesNotContainKey("confirm");
    assertThat(intent.getString("status")).isEqualTo("requires_payment_method");

    // the account's own metadata key carries the customer reference; yen go as they are
    Credentials custom =
        bed.plugin()
            .validateCredentials(
                new JsonObject()
                    .put("webhookSecret", bed.webhookSecret)
                    .put("apiKey", bed.apiKey)
                    .put("customerRefKey", "app_user"));
    start(bed.plugin(), request("co-2", 500, "JPY"), custom);
    assertThat(bed.api.calls("POST", "/v1/payment_intents").get(2).form())
        .containsEntry("amount", "500")
        .containsEntry("currency", "jpy")
        .containsEntry("metadata[app_user]", "member-1");
    // without a key, nothing is sent
    assertThat(
            bed.failureOf(
                PermanentGatewayException.class,
                () -> bed.plugin().start(request("co-3", 100, "EUR"), bed.withoutKey())))
        .hasMessageContaining("apiKey");
  }

  @Test
  void aStartRetriedAfterATimeoutOrA5xxOpensOnePaymentIntent() {
    CheckoutRequest request = request("co-" + UUID.randomUUID(), 2_500, "EUR");
    // Stripe opens it, but answers after the plugin gave up; then it fails before acting
    bed.api.delayNext("POST", "/v1/payment_intents", Duration.ofSeconds(1));
    GatewayApiException timeout =
        bed.failureOf(
            GatewayApiException.class, () -> bed.impatientPlugin().start(request, bed.withKey()));
    assertThat(timeout.retryable()).isTrue();
    bed.api.failNext("POST", "/v1/payment_intents", 500);
    assertThat(
            bed.failureOf(
                    GatewayApiException.class, () -> bed.plugin().start(request, bed.withKey()))
                .retryable())
        .isTrue();

    StartedCheckout started = start(bed.plugin(), request, bed.withKey());
    assertThat(intentsOf(request.checkoutId())).containsExactly(started.reference());

    // the same key for other parameters is Stripe's idempotency error: not retryable
    CheckoutRequest changed = request(request.checkoutId(), 9_999, "EUR");
    GatewayApiException reused =
        bed.failureOf(GatewayApiException.class, () -> bed.plugin().start(changed, bed.withKey()));
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.retryable()).isFalse();
    assertThat(reused.body()).contains("\"type\" : \"idempotency_error\"");
  }

  @Test
  void aCaptureBooksTheAuthorizedAmountOnceAndIsAnsweredTruthfullyAfterwards() {
    String intent = start(bed.plugin(), request("co-c", 4_000, "EUR"), bed.withKey()).reference();
    CaptureRequest capture = capture("co-c", intent, "paybridge-capture-co-c");

    // before the customer authorized: it waits, and the capture's key is not spent on a refusal
    CaptureOutcome early = capture(capture);
    assertThat(early.status()).isEqualTo(Status.WAITING);
    assertThat(early.code()).isEqualTo("requires_payment_method");
    assertThat(captureCalls(intent)).isEmpty();

    bed.api.checkouts().confirm(intent);
    CaptureOutcome captured = capture(capture);
    assertThat(captured.status()).isEqualTo(Status.CAPTURED);
    assertThat(captured.booking().kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(captured.booking().entryKey()).isEqualTo("payment:" + intent);
    assertThat(captured.booking().amountMinor()).isEqualTo(4_000);
    assertThat(captured.booking().currency()).isEqualTo("EUR");
    assertThat(captured.booking().customerRef()).isEqualTo("member-1");
    assertThat(captured.booking().externalPaymentId()).isEqualTo(intent);
    assertThat(captureCalls(intent))
        .singleElement()
        .satisfies(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-capture-co-c"));

    // asked again: the payment intent says it is captured, and nothing more is sent
    assertThat(capture(capture).booking()).isEqualTo(captured.booking());
    assertThat(captureCalls(intent)).hasSize(1);
    // captured by someone else between the read and the capture: Stripe's refusal is answered
    // from the payment intent as it then stands
    JsonObject stale = bed.api.paymentIntent(intent).put("status", "requires_capture");
    bed.api.answerNext("GET", "/v1/payment_intents/" + intent, 200, stale.encode());
    CaptureOutcome raced = capture(capture("co-c", intent, "paybridge-capture-co-c-2"));
    assertThat(raced.status()).isEqualTo(Status.CAPTURED);
    assertThat(raced.booking().entryKey()).isEqualTo(captured.booking().entryKey());
    assertThat(captureCalls(intent)).hasSize(2);
    assertThat(bed.api.chargeOf(intent).getLong("amount_captured")).isEqualTo(4_000);
  }

  @Test
  void aCaptureWhoseAnswerWasLostCapturesOnceWhenAskedAgain() {
    String intent = start(bed.plugin(), request("co-t", 1_200, "EUR"), bed.withKey()).reference();
    bed.api.checkouts().confirm(intent);
    CaptureRequest capture = capture("co-t", intent, "paybridge-capture-co-t");
    // Stripe captures, but answers after the plugin gave up; then reading fails with a 503
    bed.api.delayNext("POST", "/v1/payment_intents/" + intent + "/capture", Duration.ofSeconds(1));
    assertThat(
            bed.failureOf(
                    GatewayApiException.class,
                    () -> bed.impatientPlugin().capture(capture, bed.withKey()))
                .retryable())
        .isTrue();
    bed.api.failNext("GET", "/v1/payment_intents/" + intent, 503);
    assertThat(
            bed.failureOf(
                    GatewayApiException.class, () -> bed.plugin().capture(capture, bed.withKey()))
                .retryable())
        .isTrue();

    CaptureOutcome captured = capture(capture);
    assertThat(captured.status()).isEqualTo(Status.CAPTURED);
    assertThat(captured.booking().amountMinor()).isEqualTo(1_200);
    assertThat(captureCalls(intent)).hasSize(1);
    assertThat(bed.api.chargeOf(intent).getLong("amount_captured")).isEqualTo(1_200);
    assertThat(bed.api.paymentIntent(intent).getLong("amount_received")).isEqualTo(1_200);

    // a 5xx before Stripe acted, on a capturable intent: retryable, and the retry captures once
    String second = start(bed.plugin(), request("co-u", 600, "EUR"), bed.withKey()).reference();
    bed.api.checkouts().confirm(second);
    bed.api.failNext("POST", "/v1/payment_intents/" + second + "/capture", 500);
    CaptureRequest again = capture("co-u", second, "paybridge-capture-co-u");
    assertThat(
            bed.failureOf(
                    GatewayApiException.class, () -> bed.plugin().capture(again, bed.withKey()))
                .retryable())
        .isTrue();
    assertThat(capture(again).status()).isEqualTo(Status.CAPTURED);
    assertThat(captureCalls(second))
        .hasSize(2)
        .allSatisfy(
            c -> assertThat(c.header("Idempotency-Key")).isEqualTo("paybridge-capture-co-u"));
    assertThat(bed.api.chargeOf(second).getLong("amount_captured")).isEqualTo(600);
  }

  @Test
  void aCancellationReleasesTheAuthorizationAndIsDoneWhenItAlreadyWas() {
    String intent = start(bed.plugin(), request("co-x", 800, "EUR"), bed.withKey()).reference();
    bed.api.checkouts().confirm(intent);
    CaptureRequest cancel = capture("co-x", intent, "paybridge-cancel-co-x");

    bed.onEventLoop(() -> bed.plugin().cancel(cancel, bed.withKey()));
    assertThat(bed.api.paymentIntent(intent).getString("status")).isEqualTo("canceled");
    // again under the same key, and under another: done
    bed.onEventLoop(() -> bed.plugin().cancel(cancel, bed.withKey()));
    bed.onEventLoop(
        () ->
            bed.plugin().cancel(capture("co-x", intent, "paybridge-cancel-co-x-2"), bed.withKey()));
    // a cancelled checkout is never captured
    CaptureOutcome capture = capture(capture("co-x", intent, "paybridge-capture-co-x"));
    assertThat(capture.status()).isEqualTo(Status.FAILED);
    assertThat(capture.code()).isEqualTo("canceled");

    // a captured one cannot be cancelled: refused for good
    String paid = start(bed.plugin(), request("co-y", 900, "EUR"), bed.withKey()).reference();
    bed.api.checkouts().confirm(paid);
    capture(capture("co-y", paid, "paybridge-capture-co-y"));
    PermanentGatewayException refused =
        bed.failureOf(
            PermanentGatewayException.class,
            () ->
                bed.plugin().cancel(capture("co-y", paid, "paybridge-cancel-co-y"), bed.withKey()));
    assertThat(refused).hasMessageContaining("succeeded");
  }

  // ---- helpers

  static CheckoutRequest request(String checkoutId, long amount, String currency) {
    return new CheckoutRequest(
        checkoutId,
        "paybridge-checkout-" + checkoutId,
        "member-1",
        amount,
        currency,
        "Desk, March",
        "https://pay.example.com/hooks/k/stripe",
        null);
  }

  static CaptureRequest capture(String checkoutId, String intent, String key) {
    return new CaptureRequest(checkoutId, intent, key, "member-1", 0, "EUR");
  }

  private StartedCheckout start(
      StripePlugin plugin, CheckoutRequest request, Credentials credentials) {
    return bed.onEventLoop(() -> plugin.start(request, credentials));
  }

  private CaptureOutcome capture(CaptureRequest request) {
    return bed.onEventLoop(() -> bed.plugin().capture(request, bed.withKey()));
  }

  private List<ApiCall> captureCalls(String intent) {
    return bed.api.calls("POST", "/v1/payment_intents/" + intent + "/capture");
  }

  /** The payment intents the fake holds for a checkout. */
  private List<String> intentsOf(String checkoutId) {
    return bed.api.paymentIntentsOfCheckout(checkoutId);
  }
}
