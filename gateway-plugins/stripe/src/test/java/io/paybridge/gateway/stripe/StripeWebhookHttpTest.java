package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.PluginReceiverExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deliveries over real HTTP to a small receiver that does what the platform's ingest does with a
 * plugin (verify, parse, resolve, answer; 503 when Stripe's API cannot answer now), the plugin
 * calling {@link StripeApiFake}. Deliveries are signed by Stripe's own SDK, and the simulator's
 * signatures are checked by the SDK's verifier, so both sides agree with Stripe's code.
 */
class StripeWebhookHttpTest {

  @RegisterExtension final StripeTestBed bed = new StripeTestBed();
  private final StripeSimulator stripe = bed.stripe;
  private Credentials credentials = bed.withKey();

  @RegisterExtension
  final PluginReceiverExtension http = new PluginReceiverExtension(bed.plugin(), () -> credentials);

  /** Posts {@code body} signed now by Stripe's SDK. */
  private HttpResponse<Buffer> postSignedBySdk(String body) {
    String header = StripeSdkSignatures.header(bed.webhookSecret, body, Instant.now());
    return http.receiver().post(StripeSimulator.webhook(body, header)).await();
  }

  @Test
  void postedWebhookArrivesAsSignedAndVerifies() {
    // GIVEN a payment whose body has non-ASCII characters, so any re-encoding would show
    JsonObject intent =
        new JsonObject(stripe.paymentIntentSucceeded("evt_h", "pi_h", 2000, "eur", "Zoë ☕ 42"))
            .getJsonObject("data")
            .getJsonObject("object");
    String body = stripe.event("evt_http", "payment_intent.succeeded", intent);

    // WHEN the simulator posts it
    HttpResponse<Buffer> response = http.receiver().post(stripe.webhook(body)).await();

    // THEN the receiver got exactly the signed bytes and headers, and the plugin accepted them
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("received", true));
    assertThat(http.receiver().received()).hasSize(1);
    WebhookRequest delivery = http.receiver().received().peek();
    assertThat(delivery.method()).isEqualTo("POST");
    assertThat(delivery.path()).isEqualTo("/hooks/test/stripe");
    assertThat(delivery.body().getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.header("Content-Type")).startsWith("application/json");
    String header = delivery.header(StripePlugin.SIGNATURE_HEADER);
    assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
    long t = Long.parseLong(header.substring(2, header.indexOf(',')));
    assertThat(header).isEqualTo(stripe.signatureHeader(body, Instant.ofEpochSecond(t)));
    assertThat(StripeSdkSignatures.accepts(bed.webhookSecret, body, header, Instant.now()))
        .as("Stripe's SDK accepts the simulator's signature")
        .isTrue();
    assertThat(
            StripeSdkSignatures.accepts(
                StripeSimulator.newWebhookSecret(), body, header, Instant.now()))
        .isFalse();

    assertThat(http.receiver().resolved().peek().events().get(0).customerRef())
        .isEqualTo("Zoë ☕ 42");
  }

  @Test
  void webhookSignedWithAnotherSecretIsRefused() {
    StripeSimulator stranger = new StripeSimulator(StripeSimulator.newWebhookSecret());
    String body = stranger.paymentIntentSucceeded("evt_x", "pi_x", 2000, "usd", "user-1");

    HttpResponse<Buffer> response = http.receiver().post(stranger.webhook(body)).await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(http.receiver().received()).hasSize(1);
    assertThat(http.receiver().resolved()).isEmpty();
  }

  @Test
  void sdkSignedChargeRefundedDeliveredTwiceBooksBothPartialRefundsOnce() {
    // GIVEN a charge refunded in two parts, listed by Stripe on two pages
    bed.api.addPaymentIntent("pi_Http", 5000, "usd");
    String chargeId = bed.api.chargeOf("pi_Http").getString("id");
    String first = bed.api.addRefund(chargeId, 1200, "succeeded").getString("id");
    String second = bed.api.addRefund(chargeId, 800, "succeeded").getString("id");
    bed.api.servePagesOf(1);
    String body =
        stripe.event(
            "evt_HttpRefunded",
            "charge.refunded",
            stripe.charge(
                StripeSimulator.API_VERSION, chargeId, "pi_Http", 5000, 2000, "usd", "u-1", null),
            StripeSimulator.API_VERSION);

    // WHEN Stripe delivers the event twice, signed by its SDK
    assertThat(postSignedBySdk(body).statusCode()).isEqualTo(200);
    assertThat(postSignedBySdk(body).statusCode()).isEqualTo(200);

    // THEN both deliveries carry the same two refund entries, which the ledger books once each
    LedgerModel ledger = new LedgerModel();
    assertThat(http.receiver().resolved()).hasSize(2);
    for (ParsedWebhook delivery : http.receiver().resolved()) {
      assertThat(delivery.events())
          .extracting(PaymentEvent::entryKey)
          .containsExactlyInAnyOrder("refund:" + first, "refund:" + second);
      ledger.book(delivery);
    }
    assertThat(ledger.entries()).hasSize(2);
    assertThat(ledger.balances()).containsEntry("USD", -2000L);
    assertThat(bed.api.calls("GET", "/v1/refunds")).hasSize(4);
  }

  @Test
  void whileStripeFailsTheDeliveryIsAnswered503AndItsRetryBooks() {
    bed.api.addPaymentIntent("pi_Retry", 5000, "usd");
    String chargeId = bed.api.chargeOf("pi_Retry").getString("id");
    bed.api.addRefund(chargeId, 1000, "succeeded");
    String body =
        stripe.event(
            "evt_Retry",
            "charge.refunded",
            stripe.charge(
                StripeSimulator.API_VERSION, chargeId, "pi_Retry", 5000, 1000, "usd", null, null),
            StripeSimulator.API_VERSION);
    bed.api.failNext("GET", "/v1/refunds", 500);

    assertThat(postSignedBySdk(body).statusCode()).as("Stripe retries on 503").isEqualTo(503);
    assertThat(http.receiver().resolved()).isEmpty();

    assertThat(postSignedBySdk(body).statusCode()).isEqualTo(200);
    assertThat(http.receiver().resolved()).hasSize(1);
    assertThat(http.receiver().resolved().peek().events()).hasSize(1);
  }

  @Test
  void withoutAWorkingKeyTheDeliveryIsAcknowledgedAndHeld() {
    bed.api.addPaymentIntent("pi_Keyless", 5000, "usd");
    String chargeId = bed.api.chargeOf("pi_Keyless").getString("id");
    bed.api.addRefund(chargeId, 1000, "succeeded");
    String body =
        stripe.event(
            "evt_Keyless",
            "charge.refunded",
            stripe.charge(
                StripeSimulator.API_VERSION, chargeId, "pi_Keyless", 5000, 1000, "usd", null, null),
            StripeSimulator.API_VERSION);

    credentials = bed.withoutKey();
    assertThat(postSignedBySdk(body).statusCode()).isEqualTo(200);
    credentials = bed.credentials(StripeApiFake.newSecretKey());
    assertThat(postSignedBySdk(body).statusCode()).isEqualTo(200);

    assertThat(http.receiver().resolved())
        .extracting(ParsedWebhook::hold)
        .containsExactly(
            ParsedWebhook.NEEDS_API_CREDENTIALS, ParsedWebhook.API_CREDENTIALS_REJECTED);
  }
}
