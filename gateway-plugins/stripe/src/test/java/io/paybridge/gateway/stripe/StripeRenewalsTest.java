package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals.SubscriptionState;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link StripePlugin} as {@link io.paybridge.spi.Renewals}, against {@link StripeApiFake}. */
@ExtendWith(VertxExtension.class)
class StripeRenewalsTest {

  /** How long the fake holds back an answer in the timeout tests: far beyond the short timeout. */
  private static final Duration SLOW = Duration.ofSeconds(3);

  private static final Instant PERIOD_END =
      Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);

  private final String apiKey = StripeApiFake.newSecretKey();
  private final StripeApiFake stripe = new StripeApiFake(apiKey);

  @RegisterExtension
  final ApiPluginHarness<StripePlugin> harness =
      new ApiPluginHarness<>(stripe, StripePlugin::new, StripePlugin.API_TIMEOUT_SETTING);

  private final StripePlugin plugin = harness.plugin();

  private final Credentials credentials = credentials(apiKey);

  private Credentials credentials(String key) {
    JsonObject submitted =
        new JsonObject().put("webhookSecret", StripeSimulator.newWebhookSecret());
    if (key != null) {
      submitted.put("apiKey", key);
    }
    return plugin.validateCredentials(submitted);
  }

  private SubscriptionState subscription(String id) {
    return harness.onEventLoop(() -> plugin.subscription(id, credentials));
  }

  @Test
  void anActiveSubscriptionRunsUntilItsItemsPeriodEnd() {
    // GIVEN an active subscription in the pinned API version's shape
    stripe.addSubscription("sub_Active01", "active", PERIOD_END);

    // WHEN the plugin asks Stripe
    SubscriptionState state = subscription("sub_Active01");

    // THEN it runs until its item's period end
    assertThat(state).isEqualTo(new SubscriptionState("sub_Active01", true, PERIOD_END));
    ApiCall call = stripe.calls().get(0);
    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.path()).isEqualTo("/v1/subscriptions/sub_Active01");
    assertThat(call.header("Authorization")).isEqualTo("Bearer " + apiKey);
    assertThat(call.header("Stripe-Version"))
        .isEqualTo(StripePlugin.API_VERSION)
        .isEqualTo(StripeSimulator.API_VERSION);
  }

  @ParameterizedTest(name = "{0} → running {1}")
  @CsvSource({
    "active, true",
    "trialing, true",
    "past_due, true",
    "incomplete, false",
    "incomplete_expired, false",
    "unpaid, false",
    "paused, false",
    "canceled, false"
  })
  void whetherTheSubscriptionRunsFollowsItsStatus(String status, boolean running) {
    stripe.addSubscription("sub_Status01", status, PERIOD_END);

    SubscriptionState state = subscription("sub_Status01");

    assertThat(state.active()).isEqualTo(running);
    assertThat(state.currentPeriodEnd()).isEqualTo(PERIOD_END);
  }

  @Test
  void aCancelledSubscriptionIsInactiveAfterTheCancelCall() {
    stripe.addSubscription("sub_Cancel01", "active", PERIOD_END);
    stripe.addPaymentIntent("pi_Cancel01", 1500, "usd");

    PaymentEvent charge =
        PaymentEvent.builder(EventKind.RECURRING_CHARGED, "invoice:in_1", Instant.now())
            .amount(1500, "USD")
            .externalPaymentId("pi_Cancel01")
            .externalSubscriptionId("sub_Cancel01")
            .build();
    harness.onEventLoop(() -> plugin.cancelAndRefund(charge, credentials));

    SubscriptionState state = subscription("sub_Cancel01");
    assertThat(state.active()).isFalse();
    assertThat(state.currentPeriodEnd()).isEqualTo(PERIOD_END);
  }

  @Test
  void olderShapesWithThePeriodOnTheSubscriptionAreRead() {
    stripe.putSubscription(
        new JsonObject()
            .put("id", "sub_Legacy01")
            .put("object", "subscription")
            .put("status", "active")
            .put("current_period_end", PERIOD_END.getEpochSecond())
            .put(
                "items",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(new JsonObject().put("id", "si_1")))));

    assertThat(subscription("sub_Legacy01").currentPeriodEnd()).isEqualTo(PERIOD_END);
  }

  @Test
  void withSeveralItemsTheEarliestPeriodEndCounts() {
    Instant later = PERIOD_END.plus(Duration.ofDays(300));
    stripe.putSubscription(
        new JsonObject()
            .put("id", "sub_Mixed01")
            .put("status", "active")
            .put(
                "items",
                new JsonObject()
                    .put(
                        "data",
                        new JsonArray()
                            .add(new JsonObject().put("current_period_end", later.getEpochSecond()))
                            .add(
                                new JsonObject()
                                    .put("current_period_end", PERIOD_END.getEpochSecond())))));

    assertThat(subscription("sub_Mixed01").currentPeriodEnd()).isEqualTo(PERIOD_END);
  }

  @Test
  void aRunningSubscriptionWithoutAPeriodEndIsAClearPermanentError() {
    stripe.putSubscription(
        new JsonObject()
            .put("id", "sub_NoEnd01")
            .put("status", "active")
            .put("items", new JsonObject().put("data", new JsonArray().add(new JsonObject()))));

    assertThatThrownBy(() -> subscription("sub_NoEnd01"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.gateway()).isEqualTo("stripe");
            })
        .hasMessageContaining("sub_NoEnd01")
        .hasMessageContaining("current period end");
  }

  @Test
  void anEndedSubscriptionWithoutAPeriodEndIsReportedWithoutOne() {
    stripe.putSubscription(new JsonObject().put("id", "sub_Gone01").put("status", "canceled"));

    assertThat(subscription("sub_Gone01"))
        .isEqualTo(new SubscriptionState("sub_Gone01", false, null));
  }

  @Test
  void anAnswerWithoutStatusOrJsonIsAPermanentError() {
    stripe.putSubscription(new JsonObject().put("id", "sub_Odd01"));
    assertThatThrownBy(() -> subscription("sub_Odd01"))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'status' is missing");

    stripe.answerNext("GET", "/v1/subscriptions/sub_Odd01", 200, "<html>maintenance</html>");
    assertThatThrownBy(() -> subscription("sub_Odd01"))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("without a JSON object");
  }

  @Test
  void anUnknownSubscriptionIsA404ThatRetryingWillNotFix() {
    assertThatThrownBy(() -> subscription("sub_Unknown01"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageContaining("resource_missing");
  }

  @Test
  void aWrongApiKeyIsRefusedWith401AndIsNotRetryable() {
    stripe.addSubscription("sub_Key01", "active", PERIOD_END);
    String wrongKey = StripeApiFake.newSecretKey();

    assertThatThrownBy(
            () ->
                harness.onEventLoop(() -> plugin.subscription("sub_Key01", credentials(wrongKey))))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageNotContaining(wrongKey);
  }

  @Test
  void anAccountWithoutApiKeyFailsNamingTheFieldWithoutCallingStripe() {
    assertThatThrownBy(
            () -> harness.onEventLoop(() -> plugin.subscription("sub_Any01", credentials(null))))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'apiKey'");
    assertThat(stripe.calls()).isEmpty();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @CsvSource({"500", "502", "503", "429"})
  void serverErrorsAndRateLimitsAreRetryable(int status) {
    stripe.addSubscription("sub_Busy01", "active", PERIOD_END);
    stripe.failNext("GET", "/v1/subscriptions/sub_Busy01", status);

    assertThatThrownBy(() -> subscription("sub_Busy01"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.retryable()).isTrue();
            });
    assertThat(subscription("sub_Busy01").active()).as("the next call succeeds").isTrue();
  }

  @Test
  void anAnswerSlowerThanTheTimeoutIsARetryableFailure() {
    stripe.addSubscription("sub_Slow01", "active", PERIOD_END);
    stripe.delayNext("GET", "/v1/subscriptions/sub_Slow01", SLOW);

    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                harness.onEventLoop(
                    () -> harness.impatient().subscription("sub_Slow01", credentials)))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.retryable()).isTrue();
            })
        .hasMessageContaining("retrieve subscription");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SLOW.minusMillis(500));
  }

  @Test
  void idsThatCannotBeStripeIdsAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> subscription("../v1/charges"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Stripe subscription id");
    assertThat(stripe.calls()).isEmpty();
  }

  @Test
  void settingsAreCheckedAtInitAndCallsNeedInit(Vertx vertx) {
    StripePlugin fresh = new StripePlugin();
    assertThatThrownBy(() -> harness.onEventLoop(() -> fresh.subscription("sub_1", credentials)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("init");
    assertThatThrownBy(
            () ->
                fresh
                    .init(
                        new PluginContext(
                            vertx,
                            Clock.systemUTC(),
                            Map.of(StripePlugin.API_BASE_SETTING, "api.stripe.com")))
                    .await())
        .hasMessageContaining(StripePlugin.API_BASE_SETTING);
    assertThatThrownBy(
            () ->
                fresh
                    .init(
                        new PluginContext(
                            vertx,
                            Clock.systemUTC(),
                            Map.of(StripePlugin.API_TIMEOUT_SETTING, "soon")))
                    .await())
        .hasMessageContaining(StripePlugin.API_TIMEOUT_SETTING);
  }

  @Test
  void theFakeSpeaksOnlyThePinnedVersion(Vertx vertx) {
    stripe.addSubscription("sub_Version01", "active", PERIOD_END);
    WebClient client = WebClient.create(vertx);
    try {
      var response =
          client
              .getAbs(stripe.baseUrl() + "/v1/subscriptions/sub_Version01")
              .putHeader("Authorization", "Bearer " + apiKey)
              .putHeader("Stripe-Version", "2024-06-20")
              .send()
              .await();
      assertThat(response.statusCode()).isEqualTo(400);
    } finally {
      client.close();
    }
  }
}
