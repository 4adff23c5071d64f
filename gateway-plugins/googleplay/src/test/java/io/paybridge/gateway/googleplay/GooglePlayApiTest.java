package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_ORDER_GET;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_ORDER_REFUND;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_SUBSCRIPTION_CANCEL;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_SUBSCRIPTION_GET;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_TOKEN;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.money;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newOrderId;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newPurchaseToken;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.order;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.subscriptionNotification;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.subscriptionPurchase;
import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Play Developer API call against the simulator: the service-account token exchange and its
 * cache, errors and their retryable flag, timeouts, {@link Renewals} and {@code CancelAndRefund}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayApiTest {

  private static final String MONTHLY = "premium_monthly";

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private final Instant expiry =
      Instant.now().plus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  private String token;
  private String orderId;

  @BeforeEach
  void newSubscription() {
    token = newPurchaseToken();
    orderId = newOrderId();
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId, expiry, true);
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, "PROCESSED", money("USD", 4, 990_000_000), MONTHLY));
    f.google.clearCalls();
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private void subscription(String state, String latestOrderId, Instant until, boolean renewing) {
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        subscriptionPurchase(
            state,
            MONTHLY,
            latestOrderId,
            until,
            "user-1",
            renewing,
            money("USD", 4, 990_000_000)));
  }

  private String renewal() {
    return subscriptionNotification(PACKAGE_NAME, 2, token, MONTHLY, Instant.now());
  }

  private Renewals.SubscriptionState renewals(String id, Credentials credentials) {
    return await(f.plugin.subscription(id, credentials));
  }

  private PaymentEvent charge(String chargedOrder) {
    return PaymentEvent.builder(EventKind.RECURRING_CHARGED, "order:" + chargedOrder, Instant.now())
        .amount(499, "USD")
        .externalPaymentId(chargedOrder)
        .externalSubscriptionId(token)
        .build();
  }

  // ---- access tokens

  @Test
  void theServiceAccountAssertionIsSignedAsGoogleRequiresAndTheTokenIsCached() {
    // A fresh service account, so no token is cached yet
    String key = f.google.newServiceAccountJson("fresh@paybridge-sample.iam.gserviceaccount.com");
    Credentials credentials = f.plugin.validateCredentials(f.google.credentialsJson(key));

    f.deliver(f.signed(renewal()), credentials);
    f.deliver(f.signed(renewal()), credentials);

    // The simulator verified the assertion's signature, audience, scope and times: one exchange
    assertThat(f.google.calls(OP_TOKEN)).hasSize(1);
    String form = f.google.calls(OP_TOKEN).get(0).body();
    assertThat(form)
        .startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    String assertion = form.substring(form.indexOf("assertion=") + 10);
    JsonObject header = part(assertion, 0);
    JsonObject claims = part(assertion, 1);
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(header.getString("kid")).isEqualTo(new JsonObject(key).getString("private_key_id"));
    assertThat(claims.getString("iss")).isEqualTo("fresh@paybridge-sample.iam.gserviceaccount.com");
    assertThat(claims.getString("scope"))
        .isEqualTo("https://www.googleapis.com/auth/androidpublisher");
    assertThat(claims.getString("aud")).isEqualTo(f.google.tokenUri());
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(3600L);

    // Every API call carried the token it got
    assertThat(f.google.calls(OP_SUBSCRIPTION_GET))
        .allSatisfy(c -> assertThat(c.header("Authorization")).startsWith("Bearer ya29.sim-"));
  }

  private static JsonObject part(String jwt, int index) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  @Test
  void anAccountNamingAnotherAccountsEmailWithItsOwnKeyGetsNoTokenFromTheCache() {
    // GIVEN the tenant's token is cached
    f.deliver(f.signed(renewal()), f.credentials);
    // WHEN another account claims the same client_email with a key of its own
    JsonObject impostor =
        new JsonObject(f.google.newServiceAccountJson("impostor@evil.iam.gserviceaccount.com"))
            .put("client_email", GooglePlayFixture.API_ACCOUNT);
    Credentials stolen = f.plugin.validateCredentials(f.google.credentialsJson(impostor.encode()));
    // THEN it must exchange its own assertion, which Google refuses
    Throwable failure = failure(f.plugin.subscription(token, stolen));
    assertThat(failure)
        .isInstanceOf(GatewayApiException.class)
        .hasMessageContaining("oauth2 token");
    assertThat(((GatewayApiException) failure).status()).isEqualTo(400);
    assertThat(((GatewayApiException) failure).retryable()).isFalse();
  }

  @Test
  void aFailedExchangeIsNotCached() {
    String key = f.google.newServiceAccountJson("flaky@paybridge-sample.iam.gserviceaccount.com");
    Credentials credentials = f.plugin.validateCredentials(f.google.credentialsJson(key));
    f.google.failNext(OP_TOKEN, 503);

    Throwable failure = failure(f.plugin.subscription(token, credentials));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).retryable()).isTrue();

    assertThat(renewals(token, credentials).active()).isTrue();
    assertThat(f.google.calls(OP_TOKEN)).hasSize(2);
  }

  @Test
  void aTokenTheApiRefusesIsReplacedOnceAndTheCallMadeAgain() {
    assertThat(renewals(token, f.credentials).active()).isTrue();
    f.google.revokeAccessTokens();
    f.google.clearCalls();

    // WHEN the cached token no longer works, THEN one new token is fetched and the call succeeds
    assertThat(renewals(token, f.credentials).active()).isTrue();
    assertThat(f.google.calls(OP_TOKEN)).hasSize(1);
    assertThat(f.google.calls(OP_SUBSCRIPTION_GET))
        .extracting(c -> c.header("Authorization"))
        .hasSize(2)
        .doesNotHaveDuplicates();
  }

  @Test
  void aServiceAccountTheApiRefusesTwiceIsReportedAsRefusedNotRetryable() {
    f.google.failNext(OP_SUBSCRIPTION_GET, 401);
    f.google.failNext(OP_SUBSCRIPTION_GET, 401);
    Throwable failure = failure(f.plugin.subscription(token, f.credentials));
    assertThat(failure).isInstanceOf(ServiceAccountRefusedException.class);
    assertThat(((GatewayApiException) failure).status()).isEqualTo(401);
    assertThat(((GatewayApiException) failure).retryable()).isFalse();
    assertThat(renewals(token, f.credentials).active()).as("and nothing is cached").isTrue();
  }

  // ---- errors and timeouts

  @ParameterizedTest
  @CsvSource({"500,true", "503,true", "429,true", "408,true", "404,false", "400,false"})
  void apiErrorsAreGatewayApiExceptionsWithTheirStatus(int status, boolean retryable) {
    f.google.failNext(OP_ORDER_GET, status);
    Throwable failure = f.resolveFailure(renewal());
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    GatewayApiException e = (GatewayApiException) failure;
    assertThat(e.gateway()).isEqualTo("googleplay");
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.getMessage())
        .contains("orders.get")
        .doesNotContain("ya29")
        .doesNotContain("PRIVATE");
  }

  @Test
  void aSlowApiTimesOutAsARetryableFailure() {
    // GIVEN a plugin allowing calls half a second, and an API answering only after five
    long timeoutMs = 500;
    GooglePlayPlugin impatient = new GooglePlayPlugin();
    Map<String, String> settings = new HashMap<>(f.google.pluginSettings());
    settings.put(GooglePlayPlugin.SETTING_TIMEOUT_MS, Long.toString(timeoutMs));
    await(impatient.init(new PluginContext(f.vertx, Clock.systemUTC(), settings)));
    f.google.delayNext(OP_SUBSCRIPTION_GET, timeoutMs * 10);

    // WHEN it asks, THEN it gives up long before the answer, with a retryable failure
    long started = System.nanoTime();
    Throwable failure = failure(impatient.subscription(token, f.credentials));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).status()).isZero();
    assertThat(((GatewayApiException) failure).retryable()).isTrue();
    assertThat(failure.getMessage()).containsIgnoringCase("timeout");
    assertThat(tookMs).isGreaterThanOrEqualTo(timeoutMs).isLessThan(timeoutMs * 10);
  }

  @Test
  void anAnswerMissingWhatThePluginNeedsIsUnusable() {
    f.google.putOrder(PACKAGE_NAME, new JsonObject().put("orderId", orderId));
    Throwable failure = f.resolveFailure(renewal());
    assertThat(failure)
        .isInstanceOf(GatewayApiException.class)
        .hasMessageContaining("'state' is missing");
    assertThat(((GatewayApiException) failure).retryable()).isFalse();
  }

  @Test
  void anUninitializedPluginFailsCleanly() {
    GooglePlayPlugin fresh = new GooglePlayPlugin();
    WebhookRequest request = f.signed(renewal());
    Throwable failure =
        failure(fresh.resolve(request, fresh.parse(request, f.credentials), f.credentials));
    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initialized");
    assertThat(await(fresh.verify(request, f.credentials)).authentic()).isFalse();
  }

  @Test
  void aBadTimeoutSettingFailsInit() {
    Vertx vertx = Vertx.vertx();
    try {
      Throwable failure =
          failure(
              new GooglePlayPlugin()
                  .init(
                      new PluginContext(
                          vertx,
                          Clock.systemUTC(),
                          Map.of(GooglePlayPlugin.SETTING_TIMEOUT_MS, "soon"))));
      assertThat(failure).hasMessageContaining(GooglePlayPlugin.SETTING_TIMEOUT_MS);
    } finally {
      await(vertx.close());
    }
  }

  // ---- Renewals

  @Test
  void renewalsReportTheSubscriptionByThePurchaseTokenRecordedForIt() {
    Renewals.SubscriptionState state = renewals(token, f.credentials);
    assertThat(state.externalSubscriptionId()).isEqualTo(token);
    assertThat(state.active()).isTrue();
    assertThat(state.currentPeriodEnd()).isEqualTo(expiry);
    assertThat(f.google.calls(OP_SUBSCRIPTION_GET).get(0).path())
        .isEqualTo(
            "/androidpublisher/v3/applications/"
                + PACKAGE_NAME
                + "/purchases/subscriptionsv2/tokens/"
                + token);
  }

  @Test
  void aCancelledSubscriptionIsActiveUntilItsPeriodEndsAndNotAfter() {
    subscription("SUBSCRIPTION_STATE_CANCELED", orderId, expiry, false);
    assertThat(renewals(token, f.credentials).active()).isTrue();

    Instant past = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    subscription("SUBSCRIPTION_STATE_CANCELED", orderId, past, false);
    Renewals.SubscriptionState ended = renewals(token, f.credentials);
    assertThat(ended.active()).isFalse();
    assertThat(ended.currentPeriodEnd()).isEqualTo(past);

    for (String state :
        new String[] {
          "SUBSCRIPTION_STATE_EXPIRED",
          "SUBSCRIPTION_STATE_ON_HOLD",
          "SUBSCRIPTION_STATE_PAUSED",
          "SUBSCRIPTION_STATE_PENDING"
        }) {
      subscription(state, orderId, expiry, true);
      assertThat(renewals(token, f.credentials).active()).as(state).isFalse();
    }
    subscription("SUBSCRIPTION_STATE_IN_GRACE_PERIOD", orderId, expiry, true);
    assertThat(renewals(token, f.credentials).active()).isTrue();
  }

  @Test
  void withoutAServiceAccountKeyRenewalsAndRefundsFailNamingTheField() {
    JsonObject submitted = f.google.credentialsJson(f.serviceAccountJson);
    submitted.remove(GooglePlayPlugin.SERVICE_ACCOUNT_JSON);
    Credentials noKey = f.plugin.validateCredentials(submitted);

    for (Throwable failure :
        new Throwable[] {
          failure(f.plugin.subscription(token, noKey)),
          failure(f.plugin.cancelAndRefund(charge(orderId), noKey))
        }) {
      assertThat(failure)
          .isInstanceOfSatisfying(
              io.paybridge.spi.InvalidCredentialsException.class,
              e -> assertThat(e.field()).isEqualTo(GooglePlayPlugin.SERVICE_ACCOUNT_JSON));
    }
    assertThat(f.google.calls()).isEmpty();
  }

  @Test
  void renewalsOfAnUnknownSubscriptionFailWithTheApisAnswer() {
    Throwable failure = failure(f.plugin.subscription(newPurchaseToken(), f.credentials));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).status()).isEqualTo(404);
  }

  // ---- CancelAndRefund

  @Test
  void cancelAndRefundRefundsTheChargeWithRevocationOnce() {
    await(f.plugin.cancelAndRefund(charge(orderId), f.credentials));

    assertThat(f.google.calls(OP_ORDER_REFUND))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.path()).endsWith("/orders/" + orderId + ":refund");
              assertThat(c.query()).isEqualTo("revoke=true");
              assertThat(c.body()).isEmpty();
            });
    assertThat(f.google.storedOrder(PACKAGE_NAME, orderId).getString("state"))
        .isEqualTo("REFUNDED");
    assertThat(f.google.subscription(PACKAGE_NAME, token).getString("subscriptionState"))
        .isEqualTo("SUBSCRIPTION_STATE_EXPIRED");
    assertThat(f.google.calls(OP_SUBSCRIPTION_CANCEL)).as("revocation already ended it").isEmpty();

    // A retry changes nothing and refunds nothing twice
    await(f.plugin.cancelAndRefund(charge(orderId), f.credentials));
    assertThat(f.google.calls(OP_ORDER_REFUND)).hasSize(1);
    assertThat(f.google.calls(OP_SUBSCRIPTION_CANCEL)).isEmpty();
  }

  @Test
  void refundingAnOlderChargeAlsoStopsTheRenewals() {
    // GIVEN the charge is not the subscription's latest order, so revoking it does not end it
    String older = orderId;
    String latest = orderId + "..0";
    subscription("SUBSCRIPTION_STATE_ACTIVE", latest, expiry, true);
    f.google.putOrder(
        PACKAGE_NAME, order(latest, token, "PROCESSED", money("USD", 4, 990_000_000), MONTHLY));

    await(f.plugin.cancelAndRefund(charge(older), f.credentials));

    assertThat(f.google.calls(OP_ORDER_REFUND)).hasSize(1);
    assertThat(f.google.calls(OP_SUBSCRIPTION_CANCEL))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.path())
                    .endsWith(
                        "/purchases/subscriptions/" + MONTHLY + "/tokens/" + token + ":cancel"));
    assertThat(f.google.subscription(PACKAGE_NAME, token).getString("subscriptionState"))
        .isEqualTo("SUBSCRIPTION_STATE_CANCELED");
  }

  @Test
  void aRetryAfterAPartialFailureCompletesWithoutASecondRefund() {
    String latest = orderId + "..0";
    subscription("SUBSCRIPTION_STATE_ACTIVE", latest, expiry, true);
    // GIVEN the refund goes through but the follow-up lookup fails
    f.google.failNext(OP_SUBSCRIPTION_GET, 503);
    Throwable failure = failure(f.plugin.cancelAndRefund(charge(orderId), f.credentials));
    assertThat(((GatewayApiException) failure).retryable()).isTrue();
    assertThat(f.google.storedOrder(PACKAGE_NAME, orderId).getString("state"))
        .isEqualTo("REFUNDED");

    // WHEN it is retried, THEN the subscription is cancelled and the order not refunded again
    await(f.plugin.cancelAndRefund(charge(orderId), f.credentials));
    assertThat(f.google.calls(OP_ORDER_REFUND)).hasSize(1);
    assertThat(f.google.calls(OP_SUBSCRIPTION_CANCEL)).hasSize(1);
  }

  @Test
  void aChargeWithoutItsIdsCannotBeCancelledAndRefunded() {
    PaymentEvent anonymous =
        PaymentEvent.builder(EventKind.RECURRING_CHARGED, "order:x", Instant.now())
            .amount(100, "USD")
            .build();
    assertThat(failure(f.plugin.cancelAndRefund(anonymous, f.credentials)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(f.google.calls()).isEmpty();
  }
}
