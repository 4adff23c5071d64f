package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.paybridge.testkit.Futures;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkouts opened as Cryptomus invoices against {@link CryptomusApiSimulator}: the signed request,
 * amounts of 0-, 2- and 3-decimal currencies, one invoice per checkout however often it is started,
 * Cryptomus's refusals and failures a retry can fix; and the paid webhook of such an invoice
 * booking the invoice's uuid, the checkout's reference, for the checkout's customer.
 */
class CryptomusCheckoutTest {

  private static final String MERCHANT = "c26b80a8-9549-4a66-bb53-774f12809249";
  private static final String KEY = "uQ4LFWCBE3dT84uQnt7ycL7p9WcSwjkSPQaZbik3ChoWO0egw51f4EAaZQ";
  private static final String HOOK = "https://paybridge.example/hooks/hk_7f3a/cryptomus";

  private final CryptomusApiSimulator cryptomus = new CryptomusApiSimulator(MERCHANT, KEY);
  private final CryptomusSimulator webhooks = new CryptomusSimulator(MERCHANT, KEY);

  @RegisterExtension
  final ApiPluginHarness<CryptomusPlugin> harness =
      new ApiPluginHarness<>(cryptomus, CryptomusPlugin::new, CryptomusPlugin.API_TIMEOUT_SETTING);

  private final CryptomusPlugin plugin = harness.plugin();
  private final Credentials account = plugin.validateCredentials(webhooks.credentialsJson());

  private static CheckoutRequest checkout(long minor, String currency, String returnUrl) {
    String id = UUID.randomUUID().toString();
    return new CheckoutRequest(
        id, "paybridge-checkout-" + id, "user 7/€", minor, currency, null, HOOK, returnUrl);
  }

  private StartedCheckout start(CheckoutRequest request) {
    return harness.onEventLoop(() -> plugin.start(request, account));
  }

  private GatewayApiException refused(CryptomusPlugin p, CheckoutRequest r, Credentials c) {
    return harness.failure(GatewayApiException.class, () -> p.start(r, c));
  }

  @Test
  void startOpensASignedInvoiceForTheCheckout() {
    CheckoutRequest request = checkout(1028, "USD", "https://app.example/back");

    StartedCheckout started = start(request);

    ApiCall call = cryptomus.calls("POST", CryptomusApiSimulator.PATH).get(0);
    String data =
        "{\\\"paybridge_checkout\\\":\\\""
            + request.checkoutId()
            + "\\\",\\\"customer_ref\\\":\\\"user 7\\/€\\\"}";
    assertThat(call.body())
        .isEqualTo(
            "{\"amount\":\"10.28\",\"currency\":\"USD\",\"order_id\":\""
                + request.checkoutId()
                + "\",\"url_callback\":\"https:\\/\\/paybridge.example\\/hooks\\/hk_7f3a\\/cryptomus\""
                + ",\"url_return\":\"https:\\/\\/app.example\\/back\""
                + ",\"url_success\":\"https:\\/\\/app.example\\/back\""
                + ",\"additional_data\":\""
                + data
                + "\"}");
    assertThat(call.header("merchant")).isEqualTo(MERCHANT);
    assertThat(call.header("sign")).isEqualTo(CryptomusSimulator.signOf(call.body(), KEY));
    assertThat(call.header("Content-Type")).isEqualTo("application/json");

    JsonObject invoice = cryptomus.invoice(request.checkoutId());
    assertThat(started.reference()).isEqualTo(invoice.getString("uuid"));
    assertThat(started.client().getString("invoiceId")).isEqualTo(invoice.getString("uuid"));
    assertThat(started.client().getString("url")).isEqualTo(invoice.getString("url"));
  }

  @ParameterizedTest
  @CsvSource({"1500, JPY, 1500", "1234, KWD, 1.234", "5, EUR, 0.05"})
  void amountsAreMajorUnitsWithTheCurrencysExponent(long minor, String currency, String amount) {
    CheckoutRequest request = checkout(minor, currency, null);

    start(request);

    JsonObject body = cryptomus.calls("POST", CryptomusApiSimulator.PATH).get(0).json();
    assertThat(body.getString("amount")).isEqualTo(amount);
    assertThat(body.getString("currency")).isEqualTo(currency);
    assertThat(body.containsKey("url_return")).isFalse();
  }

  @Test
  void aStartRetriedAfterAServerErrorOpensOneInvoice() {
    CheckoutRequest request = checkout(1028, "USD", null);
    cryptomus.failNext("POST", CryptomusApiSimulator.PATH, 502);

    GatewayApiException first = refused(plugin, request, account);
    StartedCheckout second = start(request);
    StartedCheckout third = start(request);

    assertThat(first.retryable()).isTrue();
    assertThat(third.reference()).isEqualTo(second.reference());
    assertThat(cryptomus.invoiceCount()).isEqualTo(1);
    assertThat(cryptomus.calls("POST", CryptomusApiSimulator.PATH))
        .extracting(call -> call.json().getString("order_id"))
        .containsOnly(request.checkoutId());
  }

  @Test
  void anAnswerLostToTheTimeoutIsRetryable() {
    cryptomus.delayNext("POST", CryptomusApiSimulator.PATH, Duration.ofSeconds(3));

    GatewayApiException e = refused(harness.impatient(), checkout(1028, "USD", null), account);

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void aValidationRefusalSaysWhichFieldAndIsNotRetryable() {
    GatewayApiException e = refused(plugin, checkout(1028, "BND", null), account);

    assertThat(e.status()).isEqualTo(422);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("currency: The currency is invalid.");
  }

  @Test
  void aWrongPaymentKeyIsRefusedAsAnInvalidSign() {
    Credentials wrongKey =
        plugin.validateCredentials(
            new JsonObject()
                .put("merchantId", MERCHANT)
                .put("paymentApiKey", "NotTheKey" + "0".repeat(32)));

    GatewayApiException e = refused(plugin, checkout(1028, "USD", null), wrongKey);

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("Invalid Sign.").doesNotContain("NotTheKey");
  }

  @Test
  void anAccountWithoutItsPaymentKeyFailsNamingItBeforeAnythingIsSent() {
    Credentials noKey = new Credentials(Map.of(CryptomusPlugin.MERCHANT_ID, MERCHANT));

    GatewayApiException e = refused(plugin, checkout(1028, "USD", null), noKey);

    assertThat(e).isInstanceOf(PermanentGatewayException.class);
    assertThat(e.getMessage()).contains("'paymentApiKey'");
    assertThat(cryptomus.calls()).isEmpty();
  }

  @Test
  void aCustomerReferenceTooLongForAdditionalDataIsRefusedBeforeAnythingIsSent() {
    CheckoutRequest base = checkout(1028, "USD", null);
    CheckoutRequest longRef =
        new CheckoutRequest(
            base.checkoutId(),
            base.idempotencyKey(),
            "r".repeat(220),
            1028,
            "USD",
            null,
            HOOK,
            null);

    GatewayApiException e = refused(plugin, longRef, account);

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("additional_data");
    assertThat(cryptomus.calls()).isEmpty();
  }

  // ---- the webhook of a checkout's invoice

  private ParsedWebhook deliver(JsonObject fields) {
    WebhookRequest delivery = webhooks.request(webhooks.webhook(fields));
    Verdict verdict = Futures.await(plugin.verify(delivery, account));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    return plugin.parse(delivery, account);
  }

  @Test
  void thePaidWebhookBooksTheInvoiceUuidForTheCheckoutsCustomer() {
    CheckoutRequest request = checkout(1028, "USD", null);
    StartedCheckout started = start(request);
    JsonObject invoice = cryptomus.invoice(request.checkoutId());

    JsonObject paid =
        webhooks.invoice(started.reference(), request.checkoutId(), "10.28", "USD", "paid");
    paid.put("additional_data", invoice.getString("additional_data"));
    PaymentEvent event = deliver(paid).events().get(0);

    assertThat(event.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(event.entryKey()).isEqualTo("payment:" + started.reference());
    assertThat(event.externalPaymentId()).isEqualTo(started.reference());
    assertThat(event.customerRef()).isEqualTo("user 7/€");
    assertThat(event.amountMinor()).isEqualTo(1028L);
  }

  @Test
  void additionalDataNamingAnotherOrderLeavesTheAccountsCustomerField() {
    JsonObject paid =
        webhooks.invoice(UUID.randomUUID().toString(), "order-9", "5.00", "USD", "paid");
    paid.put("additional_data", CheckoutData.encode("order-8", "someone-else"));

    assertThat(deliver(paid).events().get(0).customerRef()).isEqualTo("order-9");
  }
}
