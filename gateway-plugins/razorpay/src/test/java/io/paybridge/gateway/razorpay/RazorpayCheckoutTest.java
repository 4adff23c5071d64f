package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkouts opened as Razorpay orders against {@link RazorpayApiFake}: the request with its Basic
 * authorization, amounts in 0-, 2- and 3-decimal currencies, Razorpay's refusals, failures a retry
 * can fix; and the {@code order.paid} webhook of such an order booked for the checkout's customer.
 */
class RazorpayCheckoutTest {

  private final String keyId = RazorpayApiFake.newKeyId();
  private final String keySecret = RazorpayApiFake.newKeySecret();
  private final RazorpayApiFake razorpay = new RazorpayApiFake(keyId, keySecret);
  private final RazorpaySimulator webhooks = new RazorpaySimulator("checkout-webhook-secret");

  @RegisterExtension
  final ApiPluginHarness<RazorpayPlugin> harness =
      new ApiPluginHarness<>(razorpay, RazorpayPlugin::new, RazorpayPlugin.API_TIMEOUT_SETTING);

  private final RazorpayPlugin plugin = harness.plugin();
  private final Credentials account =
      plugin.validateCredentials(
          new JsonObject()
              .put("keyId", keyId)
              .put("keySecret", keySecret)
              .put("webhookSecret", "checkout-webhook-secret"));

  private static CheckoutRequest checkout(long minor, String currency) {
    String id = UUID.randomUUID().toString();
    return new CheckoutRequest(
        id,
        "paybridge-checkout-" + id,
        "member-42",
        minor,
        currency,
        "Day pass",
        "https://paybridge.example/hooks/hk_1/razorpay",
        null);
  }

  private StartedCheckout start(CheckoutRequest request) {
    return harness.onEventLoop(() -> plugin.start(request, account));
  }

  private GatewayApiException refused(RazorpayPlugin p, CheckoutRequest r, Credentials c) {
    return harness.failure(GatewayApiException.class, () -> p.start(r, c));
  }

  @Test
  void startCreatesAnOrderWithTheCheckoutsAmountReceiptAndCustomer() {
    CheckoutRequest request = checkout(29_935, "INR");

    StartedCheckout started = start(request);

    ApiCall call = razorpay.calls("POST", "/v1/orders").get(0);
    assertThat(call.header("Authorization")).isEqualTo(GatewayHttp.basic(keyId, keySecret));
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.json())
        .isEqualTo(
            new JsonObject()
                .put("amount", 29_935)
                .put("currency", "INR")
                .put("receipt", request.checkoutId())
                .put(
                    "notes",
                    new JsonObject()
                        .put("customer_ref", "member-42")
                        .put("paybridge_checkout", request.checkoutId())));
    JsonObject order = razorpay.orders().orders().get(0);
    assertThat(started.reference()).isEqualTo(order.getString("id")).startsWith("order_");
    assertThat(started.client().getString("orderId")).isEqualTo(started.reference());
    assertThat(started.client().getString("keyId")).isEqualTo(keyId);
    assertThat(started.client().getLong("amount")).isEqualTo(29_935L);
    assertThat(started.client().getString("currency")).isEqualTo("INR");
    assertThat(started.client().getJsonObject("notes").getString("customer_ref"))
        .isEqualTo("member-42");
  }

  @ParameterizedTest
  @CsvSource({"295, JPY", "295990, KWD", "1099, USD"})
  void amountsGoAsTheSmallestUnitRazorpayTakes(long minor, String currency) {
    start(checkout(minor, currency));

    JsonObject body = razorpay.calls("POST", "/v1/orders").get(0).json();
    assertThat(body.getLong("amount")).isEqualTo(minor);
    assertThat(body.getString("currency")).isEqualTo(currency);
  }

  @Test
  void aThreeDecimalAmountNotEndingInZeroIsRefusedBeforeAnythingIsSent() {
    GatewayApiException e = refused(plugin, checkout(295_991, "KWD"), account);

    assertThat(e).isInstanceOf(PermanentGatewayException.class);
    assertThat(e.getMessage()).contains("295.991");
    assertThat(razorpay.calls()).isEmpty();
  }

  @Test
  void theAccountsNotesKeyCarriesTheCustomerReference() {
    Credentials ownKey =
        plugin.validateCredentials(
            new JsonObject()
                .put("keyId", keyId)
                .put("keySecret", keySecret)
                .put("webhookSecret", "checkout-webhook-secret")
                .put("customerRefKey", "user_id"));

    harness.onEventLoop(() -> plugin.start(checkout(1000, "INR"), ownKey));

    JsonObject notes = razorpay.calls("POST", "/v1/orders").get(0).json().getJsonObject("notes");
    assertThat(notes.getString("user_id")).isEqualTo("member-42");
  }

  @Test
  void aRefusalCarriesRazorpaysDescriptionAndIsNotRetryable() {
    GatewayApiException e = refused(plugin, checkout(50, "INR"), account);

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("BAD_REQUEST_ERROR: The amount must be atleast INR 1.00 (field amount)");
  }

  @Test
  void wrongKeysAreRefusedWithoutRevealingThem() {
    Credentials wrong =
        plugin.validateCredentials(
            new JsonObject()
                .put("keyId", keyId)
                .put("keySecret", "WrongSecretValue0000")
                .put("webhookSecret", "checkout-webhook-secret"));

    GatewayApiException e = refused(plugin, checkout(1000, "INR"), wrong);

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("Authentication failed").doesNotContain("WrongSecretValue");
  }

  @Test
  void serverErrorsAndLostAnswersAreRetryable() {
    razorpay.failNext("POST", "/v1/orders", 503);
    GatewayApiException unavailable = refused(plugin, checkout(1000, "INR"), account);
    razorpay.delayNext("POST", "/v1/orders", Duration.ofSeconds(3));
    GatewayApiException lost = refused(harness.impatient(), checkout(1000, "INR"), account);

    assertThat(unavailable.retryable()).isTrue();
    assertThat(unavailable.getMessage()).contains("SERVER_ERROR");
    assertThat(lost.status()).isZero();
    assertThat(lost.retryable()).isTrue();
  }

  @Test
  void anAccountWithoutItsKeySecretFailsNamingItBeforeAnythingIsSent() {
    Credentials noSecret =
        new Credentials(Map.of("keyId", keyId, "webhookSecret", "checkout-webhook-secret"));

    GatewayApiException e = refused(plugin, checkout(1000, "INR"), noSecret);

    assertThat(e).isInstanceOf(PermanentGatewayException.class);
    assertThat(e.getMessage()).contains("'keySecret'");
    assertThat(razorpay.calls()).isEmpty();
  }

  @Test
  void theOrderPaidWebhookOfTheOrderBooksTheCheckoutsCustomer() {
    CheckoutRequest request = checkout(29_935, "INR");
    StartedCheckout started = start(request);
    JsonObject order = razorpay.orders().orders().get(0).put("status", "paid");
    String paymentId = RazorpaySimulator.newId("pay_");
    JsonObject payment =
        new JsonObject(webhooks.paymentCaptured(paymentId, 29_935, "INR", null))
            .getJsonObject("payload")
            .getJsonObject("payment");
    payment.getJsonObject("entity").put("order_id", started.reference());

    String body =
        webhooks.event(
            "order.paid",
            new JsonObject()
                .put("payment", payment)
                .put("order", new JsonObject().put("entity", order)));
    WebhookRequest delivery = webhooks.request(body, "evt_" + UUID.randomUUID());
    Credentials signed = webhooks.credentials();
    assertThat(plugin.verify(delivery, signed).result().authentic()).isTrue();
    PaymentEvent event = plugin.parse(delivery, signed).events().get(0);

    assertThat(event.entryKey()).isEqualTo("payment:" + paymentId);
    assertThat(event.customerRef()).isEqualTo("member-42");
    assertThat(event.amountMinor()).isEqualTo(29_935L);
  }
}
