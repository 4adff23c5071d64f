package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.paybridge.spi.Refunds.RefundRequest;
import io.paybridge.spi.Refunds.Status;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StripePlugin} as {@link io.paybridge.spi.Refunds}, against {@link StripeApiFake} over
 * HTTP: the request Stripe receives, one refund per request key however often it is sent (a lost
 * answer included), Stripe's refusals as failed refunds, pending refunds asked about again, and a
 * booking keyed exactly as the refund's webhooks book it.
 */
class StripeRefundCallsTest {

  private static final String REFUNDS = "/v1/refunds";

  private final String apiKey = StripeApiFake.newSecretKey();
  private final StripeApiFake stripe = new StripeApiFake(apiKey);
  private final String webhookSecret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator webhooks = new StripeSimulator(webhookSecret);

  @RegisterExtension
  final ApiPluginHarness<StripePlugin> harness =
      new ApiPluginHarness<>(stripe, StripePlugin::new, StripePlugin.API_TIMEOUT_SETTING);

  private final StripePlugin plugin = harness.plugin();
  private final Credentials credentials = credentials(apiKey);

  private Credentials credentials(String key) {
    JsonObject submitted = new JsonObject().put("webhookSecret", webhookSecret);
    if (key != null) {
      submitted.put("apiKey", key);
    }
    return plugin.validateCredentials(submitted);
  }

  /** Receives a delivery as the platform's ingest does: verified, parsed, resolved. */
  private ParsedWebhook deliver(String body) {
    WebhookRequest request = webhooks.request(body, Instant.now());
    return harness.onEventLoop(
        () ->
            plugin
                .verify(request, credentials)
                .compose(
                    verdict -> {
                      assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
                      return plugin.resolve(
                          request, BothReadings.parse(plugin, request, credentials), credentials);
                    }));
  }

  private static RefundRequest request(
      String payment, long amount, String currency, String reason, String pending) {
    String id = UUID.randomUUID().toString();
    return new RefundRequest(
        id,
        "paybridge-refund-" + id,
        "payment:" + payment,
        payment,
        amount,
        currency,
        "member-9",
        reason,
        pending);
  }

  private RefundOutcome refund(RefundRequest request) {
    return harness.onEventLoop(() -> plugin.refund(request, credentials));
  }

  @Test
  void aPartialRefundIsAskedOnceUnderTheRequestsKeyAndBookedAsItsWebhooksBookIt() {
    // GIVEN a payment of 20.00 at Stripe
    stripe.addPaymentIntent("pi_Part01", 2_000, "usd");
    RefundRequest request = request("pi_Part01", 750, "USD", "requested_by_customer", null);

    // WHEN 7.50 of it is refunded
    RefundOutcome outcome = refund(request);

    // THEN Stripe received exactly one refund request, shaped as Stripe documents it
    List<ApiCall> calls = stripe.calls("POST", REFUNDS);
    assertThat(calls).hasSize(1);
    ApiCall call = calls.get(0);
    assertThat(call.header("Idempotency-Key")).isEqualTo(request.idempotencyKey());
    assertThat(call.header("Authorization")).isEqualTo("Bearer " + apiKey);
    assertThat(call.header("Stripe-Version")).isEqualTo(StripePlugin.API_VERSION);
    assertThat(call.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(call.form())
        .containsEntry("payment_intent", "pi_Part01")
        .containsEntry("amount", "750")
        .containsEntry("reason", "requested_by_customer")
        .containsEntry("metadata[paybridge_refund]", request.refundId())
        .containsEntry("metadata[customer_ref]", "member-9")
        .doesNotContainKey("charge");
    assertThat(stripe.chargeOf("pi_Part01").getLong("amount_refunded")).isEqualTo(750);

    // AND the refund succeeded, booking -7.50 under the key its webhooks use
    assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
    String refundId = stripe.refunds().get(0).getString("id");
    assertThat(outcome.gatewayRefundId()).isEqualTo(refundId);
    PaymentEvent booked = outcome.booking();
    assertThat(booked.kind()).isEqualTo(EventKind.REFUND);
    assertThat(booked.entryKey()).isEqualTo("refund:" + refundId).isEqualTo(outcome.entryKey());
    assertThat(booked.amountMinor()).isEqualTo(-750);
    assertThat(booked.currency()).isEqualTo("USD");
    assertThat(booked.externalPaymentId()).isEqualTo("pi_Part01");
    assertThat(booked.customerRef()).isEqualTo("member-9");

    // AND refund.created and charge.refunded for it book that same key, nothing else
    JsonObject made = stripe.refunds().get(0);
    ParsedWebhook created = deliver(webhooks.event("evt_R1", "refund.created", made));
    String charge = made.getString("charge");
    ParsedWebhook chargeRefunded =
        deliver(
            webhooks.event(
                "evt_R2",
                "charge.refunded",
                webhooks.charge(
                    StripeSimulator.API_VERSION,
                    charge,
                    "pi_Part01",
                    2_000,
                    750,
                    "usd",
                    "member-9",
                    null)));
    assertThat(created.events())
        .extracting(PaymentEvent::entryKey)
        .containsExactly(booked.entryKey());
    assertThat(chargeRefunded.events())
        .extracting(PaymentEvent::entryKey)
        .containsExactly(booked.entryKey());
    assertThat(created.events().get(0).amountMinor()).isEqualTo(booked.amountMinor());
  }

  @Test
  void twoPartialRefundsOfOnePaymentAreTwoRefundsUnderTwoKeys() {
    stripe.addPaymentIntent("pi_Two01", 1_000, "eur");

    RefundOutcome first = refund(request("pi_Two01", 300, "EUR", null, null));
    RefundOutcome second = refund(request("pi_Two01", 300, "EUR", "customer changed plan", null));

    assertThat(stripe.refunds()).hasSize(2);
    assertThat(first.entryKey()).isNotEqualTo(second.entryKey());
    assertThat(stripe.calls("POST", REFUNDS))
        .extracting(c -> c.header("Idempotency-Key"))
        .doesNotHaveDuplicates();
    // a reason Stripe does not list goes to metadata only
    assertThat(stripe.calls("POST", REFUNDS).get(1).form())
        .doesNotContainKey("reason")
        .containsEntry("metadata[paybridge_reason]", "customer changed plan");
    assertThat(stripe.chargeOf("pi_Two01").getLong("amount_refunded")).isEqualTo(600);
  }

  @Test
  void anAnswerLostToTheTimeoutIsAskedAgainUnderTheSameKeyAndRefundsOnce() {
    stripe.addPaymentIntent("pi_Lost01", 1_500, "usd");
    RefundRequest request = request("pi_Lost01", 500, "USD", null, null);

    // WHEN Stripe refunds but its answer comes after the client gave up
    stripe.delayNext("POST", REFUNDS, Duration.ofSeconds(2));
    GatewayApiException lost =
        harness.failure(
            GatewayApiException.class, () -> harness.impatient().refund(request, credentials));
    assertThat(lost.retryable()).isTrue();

    // AND the job asks again with the same request
    RefundOutcome retried = refund(request);

    // THEN Stripe replayed its first answer: one refund, the same key and parameters twice
    assertThat(stripe.refunds()).hasSize(1);
    List<ApiCall> calls = stripe.calls("POST", REFUNDS);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).header("Idempotency-Key"))
        .isEqualTo(calls.get(0).header("Idempotency-Key"));
    assertThat(calls.get(1).form()).isEqualTo(calls.get(0).form());
    assertThat(retried.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(retried.gatewayRefundId()).isEqualTo(stripe.refunds().get(0).getString("id"));
    assertThat(stripe.chargeOf("pi_Lost01").getLong("amount_refunded")).isEqualTo(500);
  }

  @Test
  void stripesRefusalsAreFailedRefundsWithItsCode() {
    stripe.addPaymentIntent("pi_Ref01", 1_000, "usd");

    RefundOutcome tooLarge = refund(request("pi_Ref01", 1_001, "USD", null, null));
    RefundOutcome full = refund(request("pi_Ref01", 1_000, "USD", null, null));
    RefundOutcome already = refund(request("pi_Ref01", 1, "USD", null, null));
    RefundOutcome unknown = refund(request("pi_Unknown01", 100, "USD", null, null));

    assertThat(tooLarge.status()).isEqualTo(Status.FAILED);
    assertThat(tooLarge.code()).isEqualTo("amount_too_large");
    assertThat(full.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(already.status()).isEqualTo(Status.FAILED);
    assertThat(already.code()).isEqualTo("charge_already_refunded");
    assertThat(already.message()).contains("already been refunded");
    assertThat(unknown.status()).isEqualTo(Status.FAILED);
    assertThat(unknown.code()).isEqualTo("resource_missing");
    assertThat(stripe.refunds()).hasSize(1);
  }

  @Test
  void noAnswerOrAnOverloadedStripeIsTriedAgainAndARevokedKeyIsNot() {
    stripe.addPaymentIntent("pi_Err01", 1_000, "usd");
    RefundRequest request = request("pi_Err01", 100, "USD", null, null);

    for (int status : new int[] {500, 503, 429, 409}) {
      stripe.failNext("POST", REFUNDS, status);
      GatewayApiException e =
          harness.failure(GatewayApiException.class, () -> plugin.refund(request, credentials));
      assertThat(e.retryable()).as("HTTP %s", status).isTrue();
    }
    stripe.failNext("POST", REFUNDS, 401);
    GatewayApiException revoked =
        harness.failure(GatewayApiException.class, () -> plugin.refund(request, credentials));
    assertThat(revoked.retryable()).isFalse();
    assertThat(stripe.refunds()).isEmpty();
    // the same key every time
    assertThat(stripe.calls("POST", REFUNDS))
        .hasSize(5)
        .extracting(c -> c.header("Idempotency-Key"))
        .containsOnly(request.idempotencyKey());

    // without an API key nothing is sent, and trying again cannot fix it
    PermanentGatewayException noKey =
        harness.failure(
            PermanentGatewayException.class, () -> plugin.refund(request, credentials(null)));
    assertThat(noKey.getMessage()).contains("apiKey");
    assertThat(stripe.calls("POST", REFUNDS)).hasSize(5);
  }

  @Test
  void aPendingRefundIsReadAgainUntilStripeSettlesIt() {
    stripe.addPaymentIntent("pi_Pend01", 2_000, "usd");
    String charge = stripe.chargeOf("pi_Pend01").getString("id");
    stripe.keepRefundsPending(charge);
    RefundRequest first = request("pi_Pend01", 800, "USD", null, null);

    RefundOutcome pending = refund(first);
    assertThat(pending.status()).isEqualTo(Status.PENDING);
    String id = pending.gatewayRefundId();
    assertThat(pending.entryKey()).isEqualTo("refund:" + id);

    // asked again with the refund's id: read, not made again
    RefundRequest again =
        new RefundRequest(
            first.refundId(),
            first.idempotencyKey(),
            first.paymentEntryKey(),
            first.externalPaymentId(),
            800,
            "USD",
            "member-9",
            null,
            id);
    assertThat(refund(again).status()).isEqualTo(Status.PENDING);
    stripe.settleRefund(id, "succeeded");
    RefundOutcome settled = refund(again);
    assertThat(settled.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(settled.booking().entryKey()).isEqualTo("refund:" + id);
    assertThat(stripe.calls("GET", REFUNDS + "/" + id)).hasSize(2);
    assertThat(stripe.calls("POST", REFUNDS)).hasSize(1);

    // one that fails gives nothing back
    String failing = refund(request("pi_Pend01", 100, "USD", null, null)).gatewayRefundId();
    stripe.settleRefund(failing, "failed");
    RefundOutcome failed =
        refund(
            new RefundRequest(
                "r",
                "k-failing",
                "payment:pi_Pend01",
                "pi_Pend01",
                100,
                "USD",
                null,
                null,
                failing));
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.code()).isEqualTo("lost_or_stolen_card");
  }

  @Test
  void aChargeAndAnInvoiceAreRefundedThroughWhatPaidThem() {
    stripe.addCharge("ch_Direct01", 500, "jpy");
    stripe.addPaymentIntent("pi_Inv01", 1_200, "usd");
    stripe.addInvoicePayment("in_Inv01", "pi_Inv01");

    RefundOutcome charge = refund(request("ch_Direct01", 200, "JPY", null, null));
    RefundOutcome invoice = refund(request("in_Inv01", 1_200, "USD", null, null));

    assertThat(stripe.calls("POST", REFUNDS).get(0).form())
        .containsEntry("charge", "ch_Direct01")
        .containsEntry("amount", "200");
    assertThat(charge.booking().amountMinor()).isEqualTo(-200);
    assertThat(charge.booking().currency()).isEqualTo("JPY");
    assertThat(charge.booking().externalPaymentId()).isEqualTo("ch_Direct01");
    assertThat(stripe.calls("POST", REFUNDS).get(1).form())
        .containsEntry("payment_intent", "pi_Inv01");
    assertThat(invoice.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(invoice.booking().externalPaymentId()).isEqualTo("pi_Inv01");
  }
}
