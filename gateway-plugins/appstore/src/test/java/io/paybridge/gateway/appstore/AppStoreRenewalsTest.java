package io.paybridge.gateway.appstore;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals.SubscriptionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Subscription renewals through the App Store Server API, against the simulator's fake API on
 * 127.0.0.1: the bearer token the plugin signs, the verified answer, and every way the call can
 * fail (refusal, server error, rate limit, timeout, unreachable, an answer not signed by Apple).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppStoreRenewalsTest {

  private final AppStoreSimulator apple =
      new AppStoreSimulator("com.example.renewals", 1_555_000_111L, "Production");
  private final AppStorePlugin plugin = new AppStorePlugin();
  private Vertx vertx;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    apple.start(vertx).await(10, TimeUnit.SECONDS);
    plugin
        .init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    apple.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private AppStorePlugin pluginWith(Map<String, String> extra) throws Exception {
    Map<String, String> settings = new HashMap<>(apple.pluginSettings());
    settings.putAll(extra);
    AppStorePlugin other = new AppStorePlugin();
    other.init(new PluginContext(vertx, Clock.systemUTC(), settings)).await(10, TimeUnit.SECONDS);
    return other;
  }

  private JsonObject subscribe(String original, int status) {
    JsonObject txn =
        apple.subscriptionTransaction(original + "9", original, 10990, "USD", "user-1");
    apple.putSubscription(status, txn, apple.renewalInfo(txn));
    return txn;
  }

  private static GatewayApiException apiFailure(Future<?> future) {
    Throwable err = failure(future);
    assertThat(err).isInstanceOf(GatewayApiException.class);
    return (GatewayApiException) err;
  }

  @Test
  void anActiveSubscriptionReportsItsPeriodEnd() throws Exception {
    JsonObject txn = subscribe("3000000100", 1);

    SubscriptionState state = await(plugin.subscription("3000000100", apple.credentials()));

    assertThat(state.externalSubscriptionId()).isEqualTo("3000000100");
    assertThat(state.active()).isTrue();
    assertThat(state.currentPeriodEnd())
        .isEqualTo(Instant.ofEpochMilli(txn.getLong("expiresDate")));
  }

  @Test
  void expiredBillingRetryGracePeriodAndRevokedAreNotActive() throws Exception {
    for (int status : new int[] {2, 3, 4, 5}) {
      subscribe("30000002" + status, status);
      SubscriptionState state =
          await(plugin.subscription("30000002" + status, apple.credentials()));
      assertThat(state.active()).as("status %d", status).isFalse();
    }
  }

  @Test
  void theBearerTokenIsAnEs256JwtWithApplesClaims() throws Exception {
    subscribe("3000000300", 1);
    Instant before = Instant.now();

    await(plugin.subscription("3000000300", apple.credentials()));

    String token = apple.receivedTokens().get(apple.receivedTokens().size() - 1);
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    Base64.Decoder decoder = Base64.getUrlDecoder();
    JsonObject header = new JsonObject(Buffer.buffer(decoder.decode(parts[0])));
    JsonObject claims = new JsonObject(Buffer.buffer(decoder.decode(parts[1])));
    assertThat(header.getString("alg")).isEqualTo("ES256");
    assertThat(header.getString("kid")).isEqualTo(apple.keyId());
    assertThat(header.getString("typ")).isEqualTo("JWT");
    assertThat(claims.getString("iss")).isEqualTo(apple.issuerId());
    assertThat(claims.getString("aud")).isEqualTo("appstoreconnect-v1");
    assertThat(claims.getString("bid")).isEqualTo(apple.bundleId());
    assertThat(claims.getLong("iat"))
        .isBetween(before.getEpochSecond() - 1, Instant.now().getEpochSecond());
    assertThat(claims.getLong("exp") - claims.getLong("iat"))
        .isPositive()
        .isLessThanOrEqualTo(3600);
    assertThat(decoder.decode(parts[2])).hasSize(64);
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefusedAndNotRetryable() {
    subscribe("3000000400", 1);
    Map<String, String> values = new HashMap<>(apple.credentials().asMap());
    values.put(AppStorePlugin.PRIVATE_KEY, new AppStoreSimulator().privateKeyPem());

    GatewayApiException e = apiFailure(plugin.subscription("3000000400", new Credentials(values)));

    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(e.gateway()).isEqualTo("appstore");
    assertThat(e.getMessage()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void anUnknownSubscriptionIsA404() {
    GatewayApiException e = apiFailure(plugin.subscription("3999999999", apple.credentials()));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("4040005");
  }

  @Test
  void serverErrorsAndRateLimitsAreRetryable() {
    subscribe("3000000500", 1);
    apple.failNext(500, "{\"errorCode\":5000000,\"errorMessage\":\"An unknown error occurred.\"}");
    GatewayApiException serverError =
        apiFailure(plugin.subscription("3000000500", apple.credentials()));
    assertThat(serverError.status()).isEqualTo(500);
    assertThat(serverError.retryable()).isTrue();

    apple.failNext(429, "{\"errorCode\":4290000,\"errorMessage\":\"Rate limit exceeded.\"}");
    GatewayApiException limited =
        apiFailure(plugin.subscription("3000000500", apple.credentials()));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.retryable()).isTrue();
  }

  @Test
  void aSlowAnswerTimesOutAsRetryable() throws Exception {
    subscribe("3000000600", 1);
    AppStorePlugin impatient = pluginWith(Map.of(AppStorePlugin.API_TIMEOUT_SETTING, "300"));
    apple.delayNext(3_000);

    long started = System.nanoTime();
    GatewayApiException e = apiFailure(impatient.subscription("3000000600", apple.credentials()));

    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_500);
  }

  @Test
  void anUnreachableApiIsRetryable() throws Exception {
    AppStorePlugin nowhere =
        pluginWith(Map.of(AppStorePlugin.API_BASE_SETTING, "http://127.0.0.1:1"));
    GatewayApiException e = apiFailure(nowhere.subscription("3000000700", apple.credentials()));
    assertThat(e.status()).isZero();
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void anAnswerNotSignedByATrustedRootIsRefused() throws Exception {
    subscribe("3000000800", 1);
    AppStorePlugin strict =
        pluginWith(
            Map.of(AppStorePlugin.TRUST_ANCHOR_SETTING, SigningChain.create().rootFingerprint()));

    GatewayApiException e = apiFailure(strict.subscription("3000000800", apple.credentials()));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage())
        .contains("signedTransactionInfo")
        .contains("not a trusted Apple root");
  }

  @Test
  void anAnswerAboutAnotherAppOrSubscriptionIsRefused() {
    JsonObject txn = apple.subscriptionTransaction("30000009009", "3000000900", 990, "USD", null);
    apple.putSubscription(1, txn.copy().put("bundleId", "com.other"), null);
    GatewayApiException otherApp =
        apiFailure(plugin.subscription("3000000900", apple.credentials()));
    assertThat(otherApp.getMessage()).contains("bundleId");
    assertThat(otherApp.retryable()).isFalse();

    apple.putSubscription(1, txn.copy().put("environment", "Sandbox"), null);
    assertThat(apiFailure(plugin.subscription("3000000900", apple.credentials())).getMessage())
        .contains("environment");

    apple.failNext(200, "this is not json");
    assertThat(apiFailure(plugin.subscription("3000000900", apple.credentials())).getMessage())
        .contains("not a JSON object");

    apple.failNext(200, "{\"data\":[]}");
    assertThat(apiFailure(plugin.subscription("3000000900", apple.credentials())).getMessage())
        .contains("no status for subscription 3000000900");
  }

  @Test
  void withoutAnInAppPurchaseKeyTheAccountCannotReadRenewals() {
    Credentials webhookOnly =
        new Credentials(
            Map.of(
                "bundleId", apple.bundleId(),
                "environment", "Production",
                "appAppleId", Long.toString(apple.appAppleId())));
    Throwable err = failure(plugin.subscription("3000001000", webhookOnly));
    assertThat(err).isInstanceOf(InvalidCredentialsException.class);
    assertThat(((InvalidCredentialsException) err).field()).isEqualTo("issuerId");
  }

  @Test
  void aSubscriptionIdThatIsNoTransactionIdIsRefusedBeforeAnyCall() {
    int calls = apple.receivedTokens().size();
    assertThat(failure(plugin.subscription("../transactions/1", apple.credentials())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(plugin.subscription(null, apple.credentials())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(apple.receivedTokens()).hasSize(calls);
  }

  @Test
  void theApiBaseFollowsTheEnvironmentUnlessOverridden() throws Exception {
    AppStorePlugin unconfigured = new AppStorePlugin();
    unconfigured
        .init(new PluginContext(vertx, Clock.systemUTC(), Map.of()))
        .await(10, TimeUnit.SECONDS);
    AppStorePlugin.Account production =
        AppStorePlugin.Account.of(
            new Credentials(Map.of("bundleId", "b", "environment", "Production")));
    AppStorePlugin.Account sandbox =
        AppStorePlugin.Account.of(
            new Credentials(Map.of("bundleId", "b", "environment", "Sandbox")));
    assertThat(unconfigured.apiBase(production)).isEqualTo("https://api.storekit.itunes.apple.com");
    assertThat(unconfigured.apiBase(sandbox))
        .isEqualTo("https://api.storekit-sandbox.itunes.apple.com");
    assertThat(plugin.apiBase(production)).isEqualTo(apple.baseUrl());
    assertThat(pluginWith(Map.of(AppStorePlugin.API_BASE_SETTING, "http://h:1/")).apiBase(sandbox))
        .isEqualTo("http://h:1");
  }
}
