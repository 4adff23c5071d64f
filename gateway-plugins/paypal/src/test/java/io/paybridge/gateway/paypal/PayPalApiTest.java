package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals.SubscriptionState;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plugin's REST calls against the simulator's fake API: access tokens, {@link
 * io.paybridge.spi.Renewals} and {@link io.paybridge.spi.CancelAndRefund}, with PayPal's error
 * answers, timeouts and retries after partial failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalApiTest {

  private static final long TIMEOUT_MS = 1_500;

  private Vertx vertx;
  private PayPalSimulator paypal;
  private ManualClock clock;
  private PayPalPlugin plugin;
  private Credentials account;

  @BeforeAll
  void startSimulator() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    account = paypal.credentials();
  }

  /** A fresh plugin per test, so each starts with an empty token cache. */
  @BeforeEach
  void freshPlugin() {
    clock = new ManualClock();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    Map<String, String> settings = new HashMap<>(paypal.pluginSettings());
    settings.put(PayPalPlugin.TIMEOUT_SETTING, Long.toString(TIMEOUT_MS));
    await(plugin.init(new PluginContext(vertx, clock, settings)));
    paypal.tokenLifetime(Duration.ofHours(9));
    paypal.reset();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  private GatewayApiException apiFailure(Future<?> future) {
    Throwable failure = failure(future);
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    return (GatewayApiException) failure;
  }

  private static PaymentEvent saleCharge(String saleId, String subscriptionId) {
    return PaymentEvent.builder(EventKind.RECURRING_CHARGED, "sale:" + saleId, Instant.now())
        .amount(1500, "USD")
        .externalPaymentId(saleId)
        .externalSubscriptionId(subscriptionId)
        .build();
  }

  private String activeSubscription() {
    String id = PayPalSimulator.newSubscriptionId();
    paypal.putSubscription(
        id,
        "ACTIVE",
        Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS),
        "u-1");
    return id;
  }

  private static String unprocessable(String issue) {
    return new JsonObject()
        .put("name", "UNPROCESSABLE_ENTITY")
        .put("message", "The requested action could not be performed.")
        .put("details", new JsonArray().add(new JsonObject().put("issue", issue)))
        .encode();
  }

  // ---- Renewals

  @Test
  void anActiveSubscriptionReportsItsNextBillingTime() {
    String id = PayPalSimulator.newSubscriptionId();
    Instant next = Instant.now().plus(Duration.ofDays(12)).truncatedTo(ChronoUnit.SECONDS);
    paypal.putSubscription(id, "ACTIVE", next, "u-7");

    SubscriptionState state = await(plugin.subscription(id, account));

    assertThat(state).isEqualTo(new SubscriptionState(id, true, next));
    ApiCall lookup = paypal.calls(HttpMethod.GET, "/v1/billing/subscriptions/").get(0);
    assertThat(lookup.path()).isEqualTo("/v1/billing/subscriptions/" + id);
    assertThat(lookup.headers().get("Authorization")).startsWith("Bearer A21AA");
    assertThat(lookup.headers().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void suspendedOrCancelledSubscriptionsAreNotActiveAndMayHaveNoPeriodEnd() {
    for (String status : List.of("SUSPENDED", "CANCELLED", "EXPIRED", "APPROVAL_PENDING")) {
      String id = PayPalSimulator.newSubscriptionId();
      paypal.putSubscription(id, status, null, null);
      assertThat(await(plugin.subscription(id, account)))
          .as(status)
          .isEqualTo(new SubscriptionState(id, false, null));
    }
  }

  @Test
  void anUnknownSubscriptionIsA404ThatRetryingWillNotFix() {
    GatewayApiException e = apiFailure(plugin.subscription("I-UNKNOWN00000", account));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("subscription lookup").contains("RESOURCE_NOT_FOUND");
  }

  @Test
  void serverErrorsAndRateLimitsAreRetryable() {
    String id = activeSubscription();
    for (int status : List.of(500, 503, 429)) {
      paypal.failNext(
          HttpMethod.GET,
          "/v1/billing/subscriptions/",
          status,
          new JsonObject().put("name", "INTERNAL_SERVICE_ERROR").encode());
      GatewayApiException e = apiFailure(plugin.subscription(id, account));
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.retryable()).isTrue();
    }
  }

  @Test
  void aStalledAnswerTimesOutAsARetryableFailure() {
    String id = activeSubscription();
    paypal.stallNext(HttpMethod.GET, "/v1/billing/subscriptions/" + id);
    long started = System.nanoTime();
    GatewayApiException e = apiFailure(plugin.subscription(id, account));
    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMalformedNextBillingTimeIsAnApiFailure() {
    String id = PayPalSimulator.newSubscriptionId();
    paypal.failNext(
        HttpMethod.GET,
        "/v1/billing/subscriptions/" + id,
        200,
        new JsonObject()
            .put("id", id)
            .put("status", "ACTIVE")
            .put("billing_info", new JsonObject().put("next_billing_time", "tomorrow"))
            .encode());
    GatewayApiException e = apiFailure(plugin.subscription(id, account));
    assertThat(e.getMessage()).contains("next_billing_time");
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void idsThatCannotBePayPalsAreRefusedWithoutACall() {
    for (String id : List.of("../../v1/oauth2/token", "I-1?x=1", "I 1", "")) {
      assertThat(failure(plugin.subscription(id, account)))
          .as(id)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(paypal.calls()).isEmpty();
  }

  // ---- the lookups that confirm deliveries

  @Test
  void everyLookupIsAGetOfPayPalsPathWithTheAccountsToken() {
    PayPalApi api = api();
    Map<String, Future<JsonObject>> lookups = new java.util.LinkedHashMap<>();
    lookups.put(PayPalSimulator.CAPTURES + "C1", api.capture("C1", account));
    lookups.put(PayPalSimulator.CAPTURE_REFUNDS + "R1", api.captureRefund("R1", account));
    lookups.put(PayPalSimulator.SALES + "S1", api.sale("S1", account));
    lookups.put(PayPalSimulator.SALE_REFUNDS + "R2", api.saleRefund("R2", account));
    lookups.put(PayPalSimulator.DISPUTES + "PP-D-12345", api.dispute("PP-D-12345", account));
    for (Map.Entry<String, Future<JsonObject>> lookup : lookups.entrySet()) {
      GatewayApiException e = apiFailure(lookup.getValue());
      assertThat(e.status()).as(lookup.getKey()).isEqualTo(404);
      assertThat(e.retryable()).isFalse();
    }
    assertThat(paypal.calls(HttpMethod.GET, "/v"))
        .extracting(ApiCall::path)
        .containsExactlyInAnyOrderElementsOf(lookups.keySet());
    assertThat(paypal.calls(HttpMethod.GET, "/v"))
        .allSatisfy(c -> assertThat(c.headers().get("Authorization")).startsWith("Bearer A21AA"));

    JsonObject capture = new JsonObject().put("id", "C1").put("status", "COMPLETED");
    paypal.putApiResource(PayPalSimulator.CAPTURES + "C1", capture);
    assertThat(await(api.capture("C1", account))).isEqualTo(capture);
    paypal.putApiResource(PayPalSimulator.CAPTURES + "C1", null);
  }

  /** The plugin's API client, as {@link PayPalResolver} uses it. */
  private PayPalApi api() {
    return new PayPalApi(
        new io.paybridge.spi.GatewayHttp(vertx, PayPalPlugin.ID),
        paypal.baseUrl(),
        TIMEOUT_MS,
        clock);
  }

  // ---- access tokens

  @Test
  void oneTokenServesManyCallsAndIsRequestedWithBasicAuth() {
    String id = activeSubscription();
    List<Future<SubscriptionState>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(plugin.subscription(id, account));
    }
    await(Future.all(calls));
    await(plugin.subscription(id, account));

    List<ApiCall> tokenCalls = paypal.calls(HttpMethod.POST, "/v1/oauth2/token");
    assertThat(tokenCalls).as("concurrent callers share one token request").hasSize(1);
    ApiCall token = tokenCalls.get(0);
    assertThat(token.body()).isEqualTo("grant_type=client_credentials");
    assertThat(token.headers().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(token.headers().get("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((paypal.clientId() + ":" + paypal.clientSecret()).getBytes()));
    assertThat(paypal.calls(HttpMethod.GET, "/v1/billing/subscriptions/")).hasSize(6);
  }

  @Test
  void aTokenIsRenewedShortlyBeforeItExpires() {
    String id = activeSubscription();
    paypal.tokenLifetime(Duration.ofHours(1));
    await(plugin.subscription(id, account));

    clock.advance(Duration.ofMinutes(58));
    await(plugin.subscription(id, account));
    assertThat(paypal.calls(HttpMethod.POST, "/v1/oauth2/token")).hasSize(1);

    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    await(plugin.subscription(id, account));
    assertThat(paypal.calls(HttpMethod.POST, "/v1/oauth2/token"))
        .as("renewed a minute before expires_in")
        .hasSize(2);
  }

  @Test
  void aTokenPayPalNoLongerAcceptsIsReplacedAndTheCallRetriedOnce() {
    String id = activeSubscription();
    await(plugin.subscription(id, account));
    paypal.revokeTokens();

    assertThat(await(plugin.subscription(id, account)).active()).isTrue();
    assertThat(paypal.calls(HttpMethod.POST, "/v1/oauth2/token")).hasSize(2);
    assertThat(paypal.calls(HttpMethod.GET, "/v1/billing/subscriptions/")).hasSize(3);
  }

  @Test
  void aWrongSecretIsANonRetryable401AndIsNotRetried() {
    Credentials wrong =
        plugin.validateCredentials(
            paypal
                .credentialsJson()
                .put(PayPalPlugin.CLIENT_SECRET, "ENotTheSecretOfThisApp0123456789"));
    GatewayApiException e = apiFailure(plugin.subscription(activeSubscription(), wrong));
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("access token")
        .doesNotContain("ENotTheSecretOfThisApp0123456789");
    assertThat(paypal.calls(HttpMethod.POST, "/v1/oauth2/token")).hasSize(1);
    assertThat(paypal.calls(HttpMethod.GET, "/v1/billing/subscriptions/")).isEmpty();
  }

  @Test
  void tokensAreNotSharedBetweenAccountsThatOnlyShareAClientId() {
    String id = activeSubscription();
    await(plugin.subscription(id, account));
    Credentials impostor =
        plugin.validateCredentials(
            paypal
                .credentialsJson()
                .put(PayPalPlugin.CLIENT_SECRET, "EGuessedSecretOfThisApp0123456789"));
    assertThat(apiFailure(plugin.subscription(id, impostor)).status()).isEqualTo(401);
  }

  @Test
  void aTokenAnswerWithoutATokenIsAnApiFailure() {
    paypal.failNext(
        HttpMethod.POST, "/v1/oauth2/token", 200, new JsonObject().put("scope", "x").encode());
    GatewayApiException e = apiFailure(plugin.subscription(activeSubscription(), account));
    assertThat(e.getMessage()).contains("access_token");
    assertThat(await(plugin.subscription(activeSubscription(), account)).active())
        .as("the failed token request is not cached")
        .isTrue();
  }

  @Test
  void callsBegunOutsideAnyVertxContextGetTheirAnswers() {
    String id = activeSubscription();
    for (int i = 0; i < 100; i++) {
      assertThat(await(plugin.subscription(id, account)).active()).isTrue();
    }
  }

  @Test
  void theDefaultBasesArePayPals() {
    PayPalApi api = new PayPalApi(null, null, 1000, Clock.systemUTC());
    assertThat(api.base(account)).isEqualTo("https://api-m.sandbox.paypal.com");
    assertThat(
            api.base(
                plugin.validateCredentials(paypal.credentialsJson().put("environment", "live"))))
        .isEqualTo("https://api-m.paypal.com");
    assertThat(new PayPalApi(null, "http://127.0.0.1:1", 1000, Clock.systemUTC()).base(account))
        .isEqualTo("http://127.0.0.1:1");
  }

  // ---- CancelAndRefund

  @Test
  void aSaleIsCancelledThenRefundedUnderAnIdempotencyKey() {
    String subscription = activeSubscription();
    String sale = PayPalSimulator.newResourceId();

    await(plugin.cancelAndRefund(saleCharge(sale, subscription), account));

    assertThat(paypal.subscriptionStatus(subscription)).isEqualTo("CANCELLED");
    ApiCall cancel = paypal.calls(HttpMethod.POST, "/v1/billing/subscriptions/").get(0);
    assertThat(cancel.path()).isEqualTo("/v1/billing/subscriptions/" + subscription + "/cancel");
    assertThat(cancel.json().getString("reason")).isEqualTo(PayPalPlugin.CANCEL_REASON);
    assertThat(cancel.headers().get("Content-Type")).isEqualTo("application/json");

    ApiCall refund = paypal.calls(HttpMethod.POST, "/v1/payments/sale/").get(0);
    assertThat(refund.path()).isEqualTo("/v1/payments/sale/" + sale + "/refund");
    assertThat(refund.json()).isEqualTo(new JsonObject());
    assertThat(refund.headers().get("PayPal-Request-Id"))
        .isEqualTo("paybridge-refund-sale-" + sale);
    assertThat(paypal.refunds())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.paymentId()).isEqualTo(sale);
              assertThat(r.capture()).isFalse();
            });
  }

  @Test
  void aCaptureIsRefundedThroughThePaymentsV2Api() {
    String subscription = activeSubscription();
    String capture = PayPalSimulator.newResourceId();
    PaymentEvent charge =
        PaymentEvent.builder(EventKind.PAYMENT, "capture:" + capture, Instant.now())
            .amount(990, "EUR")
            .externalPaymentId(capture)
            .externalSubscriptionId(subscription)
            .build();

    await(plugin.cancelAndRefund(charge, account));

    ApiCall refund = paypal.calls(HttpMethod.POST, "/v2/payments/captures/").get(0);
    assertThat(refund.path()).isEqualTo("/v2/payments/captures/" + capture + "/refund");
    assertThat(refund.headers().get("PayPal-Request-Id"))
        .isEqualTo("paybridge-refund-capture-" + capture);
    assertThat(paypal.refunds()).singleElement().satisfies(r -> assertThat(r.capture()).isTrue());
  }

  @Test
  void aRetryAfterAFailedRefundCompletesTheWorkWithoutASecondRefund() {
    String subscription = activeSubscription();
    String sale = PayPalSimulator.newResourceId();
    PaymentEvent charge = saleCharge(sale, subscription);
    paypal.failNext(
        HttpMethod.POST,
        "/v1/payments/sale/",
        503,
        new JsonObject().put("name", "SERVICE_UNAVAILABLE").encode());

    GatewayApiException first = apiFailure(plugin.cancelAndRefund(charge, account));
    assertThat(first.retryable()).isTrue();
    assertThat(paypal.subscriptionStatus(subscription)).isEqualTo("CANCELLED");
    assertThat(paypal.refunds()).isEmpty();

    await(plugin.cancelAndRefund(charge, account));
    await(plugin.cancelAndRefund(charge, account));

    assertThat(paypal.refunds()).hasSize(1);
    assertThat(paypal.calls(HttpMethod.POST, "/v1/billing/subscriptions/")).hasSize(3);
    assertThat(paypal.calls(HttpMethod.POST, "/v1/payments/sale/"))
        .extracting(c -> c.headers().get("PayPal-Request-Id"))
        .containsOnly("paybridge-refund-sale-" + sale);
  }

  @Test
  void aPaymentAlreadyRefundedElsewhereCountsAsRefunded() {
    String sale = PayPalSimulator.newResourceId();
    paypal.refundedElsewhere(sale, false);
    await(plugin.cancelAndRefund(saleCharge(sale, activeSubscription()), account));

    String capture = PayPalSimulator.newResourceId();
    paypal.refundedElsewhere(capture, true);
    await(
        plugin.cancelAndRefund(
            PaymentEvent.builder(EventKind.PAYMENT, "capture:" + capture, Instant.now())
                .amount(100, "USD")
                .externalPaymentId(capture)
                .externalSubscriptionId(activeSubscription())
                .build(),
            account));
    assertThat(paypal.refunds()).isEmpty();
  }

  @Test
  void otherRefundRefusalsFail() {
    String sale = PayPalSimulator.newResourceId();
    paypal.failNext(
        HttpMethod.POST,
        "/v1/payments/sale/" + sale,
        400,
        new JsonObject().put("name", "REFUND_TIME_LIMIT_EXCEEDED").encode());
    GatewayApiException e =
        apiFailure(plugin.cancelAndRefund(saleCharge(sale, activeSubscription()), account));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void aCancelRefusedForAnotherReasonCountsOnlyIfTheSubscriptionHasEnded() {
    String ended = PayPalSimulator.newSubscriptionId();
    paypal.putSubscription(ended, "EXPIRED", null, null);
    paypal.failNext(
        HttpMethod.POST, "/v1/billing/subscriptions/" + ended, 422, unprocessable("OTHER_ISSUE"));
    await(plugin.cancelAndRefund(saleCharge(PayPalSimulator.newResourceId(), ended), account));
    assertThat(paypal.refunds()).hasSize(1);

    String active = activeSubscription();
    paypal.failNext(
        HttpMethod.POST, "/v1/billing/subscriptions/" + active, 422, unprocessable("OTHER_ISSUE"));
    GatewayApiException e =
        apiFailure(
            plugin.cancelAndRefund(saleCharge(PayPalSimulator.newResourceId(), active), account));
    assertThat(e.status()).isEqualTo(422);
    assertThat(paypal.refunds()).as("nothing refunded while the subscription runs on").hasSize(1);
  }

  @Test
  void aCancelThatTimesOutFailsRetryablyAndRefundsNothing() {
    String subscription = activeSubscription();
    paypal.stallNext(HttpMethod.POST, "/v1/billing/subscriptions/" + subscription);
    GatewayApiException e =
        apiFailure(
            plugin.cancelAndRefund(
                saleCharge(PayPalSimulator.newResourceId(), subscription), account));
    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(paypal.refunds()).isEmpty();
  }

  @Test
  void aChargeWithoutSubscriptionOrPaymentIdIsRefused() {
    PaymentEvent noSubscription =
        PaymentEvent.builder(EventKind.PAYMENT, "sale:X", Instant.now())
            .amount(100, "USD")
            .externalPaymentId("X")
            .build();
    assertThat(failure(plugin.cancelAndRefund(noSubscription, account)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(paypal.calls()).isEmpty();
  }

  @Test
  void callsBeforeInitFailClearly() {
    PayPalPlugin idle = new PayPalPlugin(List.of(paypal.trustAnchor()));
    assertThat(failure(idle.subscription("I-1", account)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initialised");
    assertThat(failure(idle.cancelAndRefund(saleCharge("S", "I-1"), account)))
        .isInstanceOf(IllegalStateException.class);
  }
}
