package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals.SubscriptionState;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.ApiPluginHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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

/** {@link RazorpayPlugin} as {@link io.paybridge.spi.Renewals}, against {@link RazorpayApiFake}. */
@ExtendWith(VertxExtension.class)
class RazorpayRenewalsTest {

  /** How long the fake holds back an answer in the timeout tests: far beyond the short timeout. */
  private static final Duration SLOW = Duration.ofSeconds(3);

  private static final Instant CURRENT_END =
      Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);

  private final String keyId = RazorpayApiFake.newKeyId();
  private final String keySecret = RazorpayApiFake.newKeySecret();
  private final RazorpayApiFake razorpay = new RazorpayApiFake(keyId, keySecret);

  @RegisterExtension
  final ApiPluginHarness<RazorpayPlugin> harness =
      new ApiPluginHarness<>(razorpay, RazorpayPlugin::new, RazorpayPlugin.API_TIMEOUT_SETTING);

  private final RazorpayPlugin plugin = harness.plugin();

  private final Credentials credentials = credentials(keyId, keySecret);

  private Credentials credentials(String id, String secret) {
    return plugin
        .credentialSchema()
        .validate(
            new JsonObject()
                .put("keyId", id)
                .put("keySecret", secret)
                .put("webhookSecret", "renewals-test-secret"));
  }

  private SubscriptionState subscription(String id) {
    return harness.onEventLoop(() -> plugin.subscription(id, credentials));
  }

  @Test
  void anActiveSubscriptionRunsUntilItsCurrentEnd() {
    // GIVEN an active subscription at Razorpay
    razorpay.addSubscription("sub_Active000001", "active", CURRENT_END);

    // WHEN the plugin asks Razorpay
    SubscriptionState state = subscription("sub_Active000001");

    // THEN it runs until the end of the current cycle
    assertThat(state).isEqualTo(new SubscriptionState("sub_Active000001", true, CURRENT_END));
    ApiCall call = razorpay.calls().get(0);
    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.path()).isEqualTo("/v1/subscriptions/sub_Active000001");
    assertThat(call.header("Authorization")).isEqualTo(GatewayHttp.basic(keyId, keySecret));
  }

  @ParameterizedTest(name = "{0} → running {1}")
  @CsvSource({
    "authenticated, true",
    "active, true",
    "pending, true",
    "created, false",
    "halted, false",
    "paused, false",
    "cancelled, false",
    "completed, false",
    "expired, false"
  })
  void whetherTheSubscriptionRunsFollowsItsStatus(String status, boolean running) {
    razorpay.addSubscription("sub_Status000001", status, CURRENT_END);

    SubscriptionState state = subscription("sub_Status000001");

    assertThat(state.active()).isEqualTo(running);
    assertThat(state.currentPeriodEnd()).isEqualTo(CURRENT_END);
  }

  @Test
  void anAuthenticatedSubscriptionBeforeItsFirstCycleRunsUntilItsFirstCharge() {
    JsonObject subscription =
        razorpay.addSubscription("sub_Future000001", "authenticated", CURRENT_END);
    razorpay.putSubscription(
        subscription.put("current_start", null).put("current_end", null).put("paid_count", 0));

    assertThat(subscription("sub_Future000001"))
        .isEqualTo(new SubscriptionState("sub_Future000001", true, CURRENT_END));
  }

  @Test
  void aRunningSubscriptionWithoutAPeriodEndIsAClearPermanentError() {
    JsonObject subscription = razorpay.addSubscription("sub_NoEnd0000001", "active", CURRENT_END);
    razorpay.putSubscription(subscription.put("current_end", null).put("charge_at", null));

    assertThatThrownBy(() -> subscription("sub_NoEnd0000001"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.gateway()).isEqualTo("razorpay");
            })
        .hasMessageContaining("sub_NoEnd0000001")
        .hasMessageContaining("current period end");
  }

  @Test
  void anEndedSubscriptionWithoutAPeriodEndIsReportedWithoutOne() {
    razorpay.putSubscription(
        new JsonObject().put("id", "sub_Gone00000001").put("status", "expired"));

    assertThat(subscription("sub_Gone00000001"))
        .isEqualTo(new SubscriptionState("sub_Gone00000001", false, null));
  }

  @Test
  void anAnswerWithoutStatusOrJsonIsAPermanentError() {
    razorpay.putSubscription(new JsonObject().put("id", "sub_Odd000000001"));
    assertThatThrownBy(() -> subscription("sub_Odd000000001"))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'status' is missing");

    razorpay.answerNext("GET", "/v1/subscriptions/sub_Odd000000001", 200, "OK");
    assertThatThrownBy(() -> subscription("sub_Odd000000001"))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("without a JSON object");
  }

  @Test
  void anUnknownSubscriptionIsRefusedAndNotRetryable() {
    assertThatThrownBy(() -> subscription("sub_Unknown00001"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageContaining("does not exist");
  }

  @Test
  void aWrongKeySecretIsRefusedWith401AndIsNotRetryable() {
    razorpay.addSubscription("sub_Key00000001", "active", CURRENT_END);
    String wrongSecret = RazorpayApiFake.newKeySecret();

    assertThatThrownBy(
            () ->
                harness.onEventLoop(
                    () -> plugin.subscription("sub_Key00000001", credentials(keyId, wrongSecret))))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageNotContaining(wrongSecret);
  }

  @Test
  void credentialsWithoutTheKeySecretFailNamingTheFieldWithoutCallingRazorpay() {
    assertThatThrownBy(
            () ->
                harness.onEventLoop(
                    () -> plugin.subscription("sub_Any00000001", Credentials.of("keyId", keyId))))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("'keySecret'");
    assertThat(razorpay.calls()).isEmpty();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @CsvSource({"500", "502", "503", "504", "429"})
  void serverErrorsAndRateLimitsAreRetryable(int status) {
    razorpay.addSubscription("sub_Busy00000001", "active", CURRENT_END);
    razorpay.failNext("GET", "/v1/subscriptions/sub_Busy00000001", status);

    assertThatThrownBy(() -> subscription("sub_Busy00000001"))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.retryable()).isTrue();
            });
    assertThat(subscription("sub_Busy00000001").active()).as("the next call succeeds").isTrue();
  }

  @Test
  void anAnswerSlowerThanTheTimeoutIsARetryableFailure() {
    razorpay.addSubscription("sub_Slow00000001", "active", CURRENT_END);
    razorpay.delayNext("GET", "/v1/subscriptions/sub_Slow00000001", SLOW);

    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                harness.onEventLoop(
                    () -> harness.impatient().subscription("sub_Slow00000001", credentials)))
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.retryable()).isTrue();
            })
        .hasMessageContaining("fetch subscription");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SLOW.minusMillis(500));
  }

  @Test
  void idsThatCannotBeSubscriptionIdsAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> subscription("pay_Wrong0000001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Razorpay subscription id");
    assertThatThrownBy(() -> subscription("sub_1/../../v1/payments"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(razorpay.calls()).isEmpty();
  }

  @Test
  void settingsAreCheckedAtInitAndCallsNeedInit(Vertx vertx) {
    RazorpayPlugin fresh = new RazorpayPlugin();
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
                            Map.of(RazorpayPlugin.API_BASE_SETTING, "ftp://api.razorpay.com")))
                    .await())
        .hasMessageContaining(RazorpayPlugin.API_BASE_SETTING);
    assertThatThrownBy(
            () ->
                fresh
                    .init(
                        new PluginContext(
                            vertx,
                            Clock.systemUTC(),
                            Map.of(RazorpayPlugin.API_TIMEOUT_SETTING, "-5")))
                    .await())
        .hasMessageContaining(RazorpayPlugin.API_TIMEOUT_SETTING);
  }
}
