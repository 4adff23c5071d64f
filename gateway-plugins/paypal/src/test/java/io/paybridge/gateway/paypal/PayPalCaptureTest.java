package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalCheckoutTest.checkout;
import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.paypal.PayPalOrderBook.CaptureScript;
import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Captures.Status;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Captures of approved PayPal orders against the simulator: completed, not approved yet, already
 * captured, declined and pending; failures a retry can fix under the same {@code
 * PayPal-Request-Id}; and the capture's entry keyed as the {@code PAYMENT.CAPTURE.COMPLETED}
 * webhook of the same capture books it, so the webhook that follows books nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalCaptureTest {

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
    settings.put(PayPalPlugin.TIMEOUT_SETTING, "3000");
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), settings)));
    account = paypal.credentials();
  }

  @BeforeEach
  void forgetCalls() {
    paypal.reset();
    paypal.orders().nextCapture(CaptureScript.COMPLETED);
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  static CaptureRequest captureOf(CheckoutRequest request, String orderId, String key) {
    return new CaptureRequest(
        request.checkoutId(),
        orderId,
        key,
        request.customerRef(),
        request.amountMinor(),
        request.currency());
  }

  /** An order of the checkout, opened through the plugin and approved (or not) by the payer. */
  private String order(CheckoutRequest request, boolean approved) {
    String orderId = await(plugin.start(request, account)).reference();
    if (approved) {
      paypal.orders().approve(orderId);
    }
    paypal.reset();
    return orderId;
  }

  private List<ApiCall> captureCalls(String orderId) {
    return paypal.calls(
        HttpMethod.POST.name(), PayPalOrderBook.ORDERS + "/" + orderId + "/capture");
  }

  @Test
  void anApprovedOrderIsCapturedAndBooksPayPalsCaptureForTheCheckoutsCustomer() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);

    CaptureOutcome outcome = await(plugin.capture(captureOf(request, orderId, "cap-1"), account));

    assertThat(outcome.status()).isEqualTo(Status.CAPTURED);
    String captureId = PayPalOrders.firstCapture(paypal.orders().order(orderId)).getString("id");
    PaymentEvent booking = outcome.booking();
    assertThat(booking.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(booking.entryKey()).isEqualTo("capture:" + captureId);
    assertThat(booking.amountMinor()).isEqualTo(1099L);
    assertThat(booking.currency()).isEqualTo("USD");
    assertThat(booking.externalPaymentId()).isEqualTo(captureId);
    assertThat(booking.customerRef()).isEqualTo("member-42");
    assertThat(booking.feeMinor()).isEqualTo(38L);
    ApiCall call = captureCalls(orderId).get(0);
    assertThat(call.header("PayPal-Request-Id")).isEqualTo("cap-1");
    assertThat(call.header("Content-Type")).isEqualTo("application/json");
    assertThat(call.header("Authorization")).startsWith("Bearer ");
  }

  @Test
  void aZeroDecimalCaptureBooksWholeYen() {
    CheckoutRequest request = checkout(1500, "JPY", null);
    String orderId = order(request, true);

    CaptureOutcome outcome = await(plugin.capture(captureOf(request, orderId, "cap-jpy"), account));

    assertThat(outcome.booking().amountMinor()).isEqualTo(1500L);
    assertThat(outcome.booking().currency()).isEqualTo("JPY");
  }

  @Test
  void theWebhookOfTheSameCaptureCarriesTheSameEntryKeySoItBooksNothingTwice() {
    CheckoutRequest request = checkout(2500, "EUR", null);
    String orderId = order(request, true);
    PaymentEvent booking =
        await(plugin.capture(captureOf(request, orderId, "cap-2"), account)).booking();

    // PayPal then delivers PAYMENT.CAPTURE.COMPLETED for the capture it made
    String captureId = booking.externalPaymentId();
    JsonObject capture = paypal.apiResource(PayPalSimulator.CAPTURES + captureId).copy();
    String body =
        paypal.event(
            PayPalSimulator.newEventId(),
            "PAYMENT.CAPTURE.COMPLETED",
            "capture",
            "2.0",
            "Payment completed for EUR 25.0 EUR",
            capture);
    WebhookRequest delivery = paypal.request(body, Instant.now());
    Verdict verdict = await(plugin.verify(delivery, account));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    ParsedWebhook resolved =
        await(plugin.resolve(delivery, plugin.parse(delivery, account), account));

    assertThat(resolved.events()).hasSize(1);
    PaymentEvent fromWebhook = resolved.events().get(0);
    assertThat(fromWebhook.entryKey()).isEqualTo(booking.entryKey());
    assertThat(fromWebhook.amountMinor()).isEqualTo(booking.amountMinor());
    assertThat(fromWebhook.currency()).isEqualTo(booking.currency());
    assertThat(fromWebhook.externalPaymentId()).isEqualTo(booking.externalPaymentId());
    assertThat(fromWebhook.customerRef()).isEqualTo(booking.customerRef());
  }

  @Test
  void anOrderTheCustomerHasNotApprovedIsWaiting() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, false);

    CaptureOutcome outcome = await(plugin.capture(captureOf(request, orderId, "cap-3"), account));

    assertThat(outcome.status()).isEqualTo(Status.WAITING);
    assertThat(outcome.code()).isEqualTo("ORDER_NOT_APPROVED");
    assertThat(outcome.message()).contains("Payer has not yet approved the Order");
  }

  @Test
  void anOrderCapturedElsewhereIsReadAndItsCaptureReportedWithTheSameEntryKey() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    CaptureOutcome first = await(plugin.capture(captureOf(request, orderId, "app-side"), account));

    CaptureOutcome second = await(plugin.capture(captureOf(request, orderId, "cap-4"), account));

    assertThat(second.status()).isEqualTo(Status.CAPTURED);
    assertThat(second.booking().entryKey()).isEqualTo(first.booking().entryKey());
    assertThat(paypal.calls(HttpMethod.GET.name(), PayPalOrderBook.ORDERS + "/" + orderId))
        .hasSize(1);
  }

  @Test
  void aDeclinedInstrumentFailsWithPayPalsReason() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    paypal.orders().nextCapture(CaptureScript.INSTRUMENT_DECLINED);

    CaptureOutcome outcome = await(plugin.capture(captureOf(request, orderId, "cap-5"), account));

    assertThat(outcome.status()).isEqualTo(Status.FAILED);
    assertThat(outcome.code()).isEqualTo("INSTRUMENT_DECLINED");
    assertThat(outcome.message()).contains("declined by the processor or bank");
  }

  @Test
  void aCaptureAnsweredAsDeclinedFails() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    paypal.orders().nextCapture(CaptureScript.DECLINED);

    CaptureOutcome outcome = await(plugin.capture(captureOf(request, orderId, "cap-6"), account));

    assertThat(outcome.status()).isEqualTo(Status.FAILED);
    assertThat(outcome.code()).isEqualTo("DECLINED");
    assertThat(outcome.message()).contains("declined").contains("5120");
  }

  @Test
  void aPendingCaptureWaitsAndIsCapturedOncePayPalCompletesIt() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    paypal.orders().nextCapture(CaptureScript.PENDING);

    CaptureOutcome pending = await(plugin.capture(captureOf(request, orderId, "cap-7"), account));
    paypal.orders().settle(orderId);
    CaptureOutcome later = await(plugin.capture(captureOf(request, orderId, "cap-7"), account));

    assertThat(pending.status()).isEqualTo(Status.WAITING);
    assertThat(pending.code()).isEqualTo("PENDING_REVIEW");
    // PayPal replays the pending answer to the same key; the order read after it is the truth
    assertThat(later.status()).isEqualTo(Status.CAPTURED);
    assertThat(captureCalls(orderId))
        .extracting(call -> call.header("PayPal-Request-Id"))
        .containsExactly("cap-7", "cap-7");
  }

  @Test
  void aServerErrorIsRetryableAndTheRetryUnderTheSameKeyCapturesOnce() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    paypal.delayNext(
        HttpMethod.POST.name(),
        PayPalOrderBook.ORDERS + "/" + orderId + "/capture",
        java.time.Duration.ofMillis(5_000));

    GatewayApiException lost =
        (GatewayApiException)
            failure(plugin.capture(captureOf(request, orderId, "cap-8"), account));
    CaptureOutcome retried = await(plugin.capture(captureOf(request, orderId, "cap-8"), account));

    assertThat(lost.retryable()).isTrue();
    assertThat(retried.status()).isEqualTo(Status.CAPTURED);
    assertThat(captureCalls(orderId))
        .extracting(call -> call.header("PayPal-Request-Id"))
        .containsExactly("cap-8", "cap-8");
    assertThat(
            paypal
                .orders()
                .order(orderId)
                .getJsonArray("purchase_units")
                .getJsonObject(0)
                .getJsonObject("payments")
                .getJsonArray("captures"))
        .hasSize(1);
  }

  @Test
  void aFiveHundredIsRetryable() {
    CheckoutRequest request = checkout(1099, "USD", null);
    String orderId = order(request, true);
    paypal.failNext(HttpMethod.POST, PayPalOrderBook.ORDERS + "/" + orderId, 500, "{}");

    GatewayApiException e =
        (GatewayApiException)
            failure(plugin.capture(captureOf(request, orderId, "cap-9"), account));

    assertThat(e.status()).isEqualTo(500);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void anOrderPayPalNoLongerKnowsHasFailed() {
    CheckoutRequest request = checkout(1099, "USD", null);

    CaptureOutcome outcome =
        await(plugin.capture(captureOf(request, "5O190127TN364715T", "cap-10"), account));

    assertThat(outcome.status()).isEqualTo(Status.FAILED);
    assertThat(outcome.code()).isEqualTo("INVALID_RESOURCE_ID");
    assertThat(outcome.message()).contains("no longer knows order 5O190127TN364715T");
  }

  @Test
  void aReferenceThatIsNoOrderIdIsRefusedBeforeAnythingIsSent() {
    CheckoutRequest request = checkout(1099, "USD", null);

    GatewayApiException e =
        (GatewayApiException)
            failure(plugin.capture(captureOf(request, "../v1/oauth2/token", "cap-11"), account));

    assertThat(e.retryable()).isFalse();
    assertThat(paypal.calls()).isEmpty();
  }
}
