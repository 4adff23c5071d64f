package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PluginContext;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkouts opened as PayPal Orders v2 orders against the simulator: the request PayPal gets, the
 * reference and client fields the tenant gets back, PayPal's refusals, failures a retry can fix,
 * and the idempotency key that keeps a retried start to one order; and cancelling an order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalCheckoutTest {

  private static final long TIMEOUT_MS = 3_000;

  private Vertx vertx;
  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private Credentials account;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
    settings.put(PayPalPlugin.TIMEOUT_SETTING, Long.toString(TIMEOUT_MS));
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    account = paypal.credentials();
  }

  @BeforeEach
  void forgetCalls() {
    paypal.reset();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  static CheckoutRequest checkout(long amountMinor, String currency, String returnUrl) {
    String id = UUID.randomUUID().toString();
    return new CheckoutRequest(
        id,
        "paybridge-checkout-" + id,
        "member-42",
        amountMinor,
        currency,
        "Day pass",
        "https://paybridge.example/hooks/hk_1/paypal",
        returnUrl);
  }

  private List<ApiCall> orderCalls() {
    return paypal.calls(HttpMethod.POST, PayPalOrderBook.ORDERS).stream()
        .filter(call -> call.path().equals(PayPalOrderBook.ORDERS))
        .toList();
  }

  private GatewayApiException apiFailure(Future<?> future) {
    Throwable failure = failure(future);
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    return (GatewayApiException) failure;
  }

  @Test
  void startOpensACaptureOrderWithTheCheckoutsAmountReferencesAndIdempotencyKey() {
    CheckoutRequest request = checkout(1099, "USD", null);

    StartedCheckout started = await(plugin.start(request, account));

    ApiCall call = orderCalls().get(0);
    assertThat(call.header("Authorization")).startsWith("Bearer A21AA");
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.header("PayPal-Request-Id")).isEqualTo(request.idempotencyKey());
    JsonObject body = call.json();
    assertThat(body.getString("intent")).isEqualTo("CAPTURE");
    assertThat(body.containsKey("payment_source")).isFalse();
    JsonObject unit = body.getJsonArray("purchase_units").getJsonObject(0);
    assertThat(unit.getJsonObject("amount"))
        .isEqualTo(new JsonObject().put("currency_code", "USD").put("value", "10.99"));
    assertThat(unit.getString("custom_id")).isEqualTo("member-42");
    assertThat(unit.getString("invoice_id")).isEqualTo(request.checkoutId());
    assertThat(unit.getString("reference_id")).isEqualTo(request.checkoutId());
    assertThat(unit.getString("description")).isEqualTo("Day pass");

    JsonObject order = paypal.orders().order(started.reference());
    assertThat(order.getString("status")).isEqualTo("CREATED");
    assertThat(started.client().getString("orderId")).isEqualTo(started.reference());
    assertThat(started.client().getString("approveUrl"))
        .isEqualTo("https://www.sandbox.paypal.com/checkoutnow?token=" + started.reference());
  }

  @ParameterizedTest
  @CsvSource({"1500, JPY, 1500", "150000, HUF, 1500", "7, USD, 0.07", "100000, TWD, 1000"})
  void amountsAreWrittenWithTheDecimalsPayPalTakesForTheCurrency(
      long minor, String currency, String value) {
    await(plugin.start(checkout(minor, currency, null), account));

    JsonObject unit = orderCalls().get(0).json().getJsonArray("purchase_units").getJsonObject(0);
    assertThat(unit.getJsonObject("amount").getString("value")).isEqualTo(value);
  }

  @Test
  void aForintAmountWithAFractionIsRefusedBeforeAnythingIsSent() {
    GatewayApiException e = apiFailure(plugin.start(checkout(150_050, "HUF", null), account));

    assertThat(e).isInstanceOf(PermanentGatewayException.class);
    assertThat(e.getMessage()).contains("whole HUF").contains("1500.50");
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void aReturnUrlMakesAPayPalWalletOrderWhoseApprovalIsThePayerActionLink() {
    CheckoutRequest request = checkout(2500, "EUR", "https://app.example/paid");

    StartedCheckout started = await(plugin.start(request, account));

    JsonObject context =
        orderCalls()
            .get(0)
            .json()
            .getJsonObject("payment_source")
            .getJsonObject("paypal")
            .getJsonObject("experience_context");
    assertThat(context.getString("return_url")).isEqualTo("https://app.example/paid");
    assertThat(context.getString("cancel_url")).isEqualTo("https://app.example/paid");
    assertThat(paypal.orders().order(started.reference()).getString("status"))
        .isEqualTo("PAYER_ACTION_REQUIRED");
    assertThat(started.client().getString("approveUrl")).contains(started.reference());
  }

  @Test
  void aStartRetriedAfterAServerErrorSendsTheSameKeyAndOpensOneOrder() {
    CheckoutRequest request = checkout(1099, "USD", null);
    paypal.failNext(
        HttpMethod.POST,
        PayPalOrderBook.ORDERS,
        503,
        new JsonObject()
            .put("name", "INTERNAL_SERVICE_ERROR")
            .put("message", "An internal service error has occurred.")
            .put("debug_id", "90957fca61718")
            .encode());

    GatewayApiException first = apiFailure(plugin.start(request, account));
    StartedCheckout second = await(plugin.start(request, account));
    StartedCheckout third = await(plugin.start(request, account));

    assertThat(first.retryable()).isTrue();
    assertThat(first.getMessage()).contains("INTERNAL_SERVICE_ERROR").contains("90957fca61718");
    assertThat(third.reference()).isEqualTo(second.reference());
    assertThat(orderCalls()).hasSize(3);
    assertThat(orderCalls())
        .extracting(call -> call.header("PayPal-Request-Id"))
        .containsOnly(request.idempotencyKey());
  }

  @Test
  void aStartWithoutAnAnswerFailsRetryably() {
    paypal.stallNext(HttpMethod.POST, PayPalOrderBook.ORDERS);

    GatewayApiException e = apiFailure(plugin.start(checkout(1099, "USD", null), account));

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void aCurrencyPayPalRefusesIsARefusalWithPayPalsIssueThatRetryingWillNotFix() {
    GatewayApiException e = apiFailure(plugin.start(checkout(5000, "INR", null), account));

    assertThat(e.status()).isEqualTo(422);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("CURRENCY_NOT_SUPPORTED")
        .contains("Currency code is not currently supported");
  }

  @Test
  void anAccountWithoutItsClientSecretFailsNamingItBeforeAnythingIsSent() {
    Credentials noSecret =
        new Credentials(
            Map.of(
                PayPalPlugin.CLIENT_ID, paypal.clientId(),
                PayPalPlugin.WEBHOOK_ID, paypal.webhookId()));

    GatewayApiException e = apiFailure(plugin.start(checkout(1099, "USD", null), noSecret));

    assertThat(e).isInstanceOf(PermanentGatewayException.class);
    assertThat(e.getMessage()).contains("'clientSecret'");
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void aCustomerReferenceLongerThanCustomIdTakesIsRefusedBeforeAnythingIsSent() {
    CheckoutRequest base = checkout(1099, "USD", null);
    CheckoutRequest longRef =
        new CheckoutRequest(
            base.checkoutId(),
            base.idempotencyKey(),
            "m".repeat(128),
            1099,
            "USD",
            null,
            base.webhookUrl(),
            null);

    GatewayApiException e = apiFailure(plugin.start(longRef, account));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("custom_id");
    assertThat(paypal.calls()).isEmpty();
  }

  // ---- cancel

  private CaptureRequest cancelOf(CheckoutRequest request, String orderId) {
    return new CaptureRequest(
        request.checkoutId(),
        orderId,
        "paybridge-cancel-" + request.checkoutId(),
        request.customerRef(),
        request.amountMinor(),
        request.currency());
  }

  @Test
  void cancellingAnUncapturedOrderSucceedsWithoutAVoidCall() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = await(plugin.start(request, account)).reference();
    paypal.reset();

    await(plugin.cancel(cancelOf(request, orderId), account));

    assertThat(paypal.calls())
        .extracting(call -> call.method() + " " + call.path())
        .containsExactly("GET " + PayPalOrderBook.ORDERS + "/" + orderId);
  }

  @Test
  void cancellingAnOrderPayPalNoLongerKnowsSucceeds() {
    CheckoutRequest request = checkout(1099, "USD", null);

    await(plugin.cancel(cancelOf(request, "5O190127TN364715T"), account));
  }

  @Test
  void aCapturedOrderCannotBeCancelled() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = await(plugin.start(request, account)).reference();
    paypal.orders().approve(orderId);
    await(plugin.capture(PayPalCaptureTest.captureOf(request, orderId, "k-1"), account));

    GatewayApiException e = apiFailure(plugin.cancel(cancelOf(request, orderId), account));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("cannot be cancelled").contains(orderId);
  }
}
