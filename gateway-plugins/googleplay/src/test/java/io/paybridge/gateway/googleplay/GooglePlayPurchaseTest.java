package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_ORDER_GET;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_PRODUCT_ACKNOWLEDGE;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_PRODUCT_GET;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_TOKEN;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.money;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newOrderId;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newPurchaseToken;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.oneTimeProductNotification;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.order;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.productPurchase;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.voidedPurchaseNotification;
import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PurchaseVerification.PurchaseOutcome;
import io.paybridge.spi.PurchaseVerification.Status;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One-time purchases an app hands over, confirmed with the Play Developer API (its simulator): what
 * each purchase state means, pricing and keys shared with the notification path, refusals that name
 * what to fix, failures that say whether to retry, and an acknowledgement that is safe to repeat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayPurchaseTest {

  private static final String COINS = "coins_100";

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private String token;
  private String orderId;

  @BeforeEach
  void newPurchase() {
    token = newPurchaseToken();
    orderId = newOrderId();
    f.google.clearCalls();
  }

  @AfterAll
  void stop() {
    f.close();
  }

  /** A purchase in {@code state}, not acknowledged yet, paid 4.99 EUR when processed. */
  private void purchase(int state, String orderState) {
    f.google.putProductPurchase(
        PACKAGE_NAME,
        COINS,
        token,
        productPurchase(state == 2 ? null : orderId, state, "play-account-1")
            .put("acknowledgementState", 0));
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, orderState, money("EUR", 4, 990_000_000), COINS));
  }

  private JsonObject handed(String packageName, String productId, String purchaseToken) {
    return new JsonObject()
        .put("packageName", packageName)
        .put("productId", productId)
        .put("purchaseToken", purchaseToken);
  }

  private PurchaseOutcome handOver(Credentials credentials) {
    return await(f.plugin.verifyPurchase(handed(PACKAGE_NAME, COINS, token), credentials));
  }

  private PurchaseOutcome handOver() {
    return handOver(f.credentials);
  }

  private void assertRefused(PurchaseOutcome outcome, String code, String field) {
    assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.REFUSED);
    assertThat(outcome.code()).isEqualTo(code);
    assertThat(outcome.field()).isEqualTo(field);
    assertThat(outcome.reason()).isNotBlank().doesNotContain(token);
  }

  @Test
  void aPurchaseIsItsPackageProductAndToken() {
    assertThat(f.plugin.purchaseFields())
        .containsExactly("packageName", "productId", "purchaseToken");
  }

  @Test
  void aPurchasedProductBooksItsOrderTotalUnderTheKeyItsNotificationBooks() {
    purchase(0, "PROCESSED");

    PurchaseOutcome outcome = handOver();

    assertThat(outcome.status()).isEqualTo(Status.BOOK);
    PaymentEvent entry = outcome.booking();
    assertThat(entry.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(entry.entryKey()).isEqualTo("order:" + orderId);
    assertThat(entry.amountMinor()).isEqualTo(499L);
    assertThat(entry.currency()).isEqualTo("EUR");
    assertThat(entry.externalPaymentId()).isEqualTo(orderId);
    assertThat(outcome.purchaseRef()).isEqualTo(PlayResolver.digest(token)).doesNotContain(token);
    assertThat(outcome.acknowledgement())
        .isEqualTo(handed(PACKAGE_NAME, COINS, token))
        .as("what the acknowledgement needs: the token, kept sealed by the platform");

    PaymentEvent notified =
        f.deliver(oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, Instant.now()))
            .events()
            .get(0);
    assertThat(notified.entryKey()).isEqualTo(entry.entryKey());
    assertThat(notified.amountMinor()).isEqualTo(entry.amountMinor());
    assertThat(notified.purchaseRef()).isEqualTo(outcome.purchaseRef());
  }

  @Test
  void anAcknowledgedPurchaseNeedsNoAcknowledgement() {
    purchase(0, "PROCESSED");
    f.google.putProductPurchase(
        PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, null)); // acknowledged already
    assertThat(handOver().acknowledgement()).isNull();
  }

  @Test
  void aPendingPurchaseIsHeldWithWhatItsAcknowledgementNeeds() {
    purchase(2, "PENDING");
    PurchaseOutcome outcome = handOver();
    assertThat(outcome.status()).isEqualTo(Status.PENDING);
    assertThat(outcome.code()).isEqualTo("pending_payment");
    assertThat(outcome.purchaseRef()).isEqualTo(PlayResolver.digest(token));
    assertThat(outcome.acknowledgement()).isNotNull();
    assertThat(outcome.reason()).contains("ONE_TIME_PRODUCT_PURCHASED");
    assertThat(f.google.calls(OP_ORDER_GET)).isEmpty();
  }

  @Test
  void aCancelledPurchaseIsRefused() {
    purchase(1, "CANCELED");
    assertRefused(handOver(), "cancelled", "purchaseToken");
  }

  @Test
  void anotherPackagesPurchaseIsRefusedWithoutAskingGoogle() {
    purchase(0, "PROCESSED");
    PurchaseOutcome outcome =
        await(f.plugin.verifyPurchase(handed("com.other.app", COINS, token), f.credentials));
    assertRefused(outcome, "other_package", "packageName");
    assertThat(f.google.calls(OP_PRODUCT_GET)).isEmpty();
  }

  @Test
  void malformedProductsAndTokensAreRefusedNamingTheMember() {
    assertRefused(
        await(f.plugin.verifyPurchase(handed(PACKAGE_NAME, "../orders", token), f.credentials)),
        "invalid_product",
        "productId");
    assertRefused(
        await(f.plugin.verifyPurchase(handed(PACKAGE_NAME, COINS, "a token?"), f.credentials)),
        "invalid_token",
        "purchaseToken");
    assertThat(f.google.calls(OP_PRODUCT_GET)).isEmpty();
  }

  @Test
  void aTokenGoogleDoesNotKnowIsRefused() {
    assertRefused(handOver(), "unknown_purchase", "purchaseToken");
  }

  @Test
  void aServiceAccountTheTokenEndpointRefusesIsRefusedSayingWhatToFix() {
    purchase(0, "PROCESSED");
    String key = f.google.newServiceAccountJson("revoked@paybridge-sample.iam.gserviceaccount.com");
    Credentials credentials = f.plugin.validateCredentials(f.google.credentialsJson(key));
    f.google.failNext(OP_TOKEN, 401);

    PurchaseOutcome outcome = handOver(credentials);

    assertRefused(outcome, "credentials_refused", null);
    assertThat(outcome.reason()).contains("revoked@paybridge-sample").contains("HTTP 401");
    assertThat(f.google.calls(OP_PRODUCT_GET)).isEmpty();
  }

  @Test
  void anAccountWithoutAServiceAccountKeyIsRefused() {
    purchase(0, "PROCESSED");
    Credentials keyless =
        f.plugin.validateCredentials(new JsonObject().put("packageName", PACKAGE_NAME));
    assertRefused(handOver(keyless), "needs_api_credentials", null);
  }

  @Test
  void serverErrorsAndTimeoutsFailRetryably() {
    purchase(0, "PROCESSED");
    f.google.failNext(OP_PRODUCT_GET, 503);
    Throwable unavailable =
        failure(f.plugin.verifyPurchase(handed(PACKAGE_NAME, COINS, token), f.credentials));
    assertThat(unavailable).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) unavailable).retryable()).isTrue();
    assertThat(unavailable.getMessage()).doesNotContain(token);

    GooglePlayPlugin impatient = new GooglePlayPlugin();
    Map<String, String> settings = new HashMap<>(f.google.pluginSettings());
    settings.put(GooglePlayPlugin.SETTING_TIMEOUT_MS, "300");
    await(impatient.init(new PluginContext(f.vertx, Clock.systemUTC(), settings)));
    f.google.delayNext(OP_ORDER_GET, 3_000);
    Throwable slow =
        failure(impatient.verifyPurchase(handed(PACKAGE_NAME, COINS, token), f.credentials));
    assertThat(((GatewayApiException) slow).status()).isZero();
    assertThat(((GatewayApiException) slow).retryable()).isTrue();

    assertThat(handOver().status()).as("and asked again, it books").isEqualTo(Status.BOOK);
  }

  @Test
  void anAcknowledgementIsSafeToRepeatAndRetryableOnServerErrors() {
    purchase(0, "PROCESSED");
    JsonObject acknowledgement = handOver().acknowledgement();

    f.google.failNext(OP_PRODUCT_ACKNOWLEDGE, 503);
    Throwable unavailable = failure(f.plugin.acknowledgePurchase(acknowledgement, f.credentials));
    assertThat(((GatewayApiException) unavailable).retryable()).isTrue();
    assertThat(productAt().getInteger("acknowledgementState")).isZero();

    await(f.plugin.acknowledgePurchase(acknowledgement, f.credentials));
    assertThat(productAt().getInteger("acknowledgementState")).isEqualTo(1);

    // Google refuses a second acknowledgement (400); the purchase reads acknowledged: done
    await(f.plugin.acknowledgePurchase(acknowledgement, f.credentials));
    assertThat(f.google.calls(OP_PRODUCT_ACKNOWLEDGE)).hasSize(3);
    assertThat(f.google.calls(OP_PRODUCT_ACKNOWLEDGE).get(0).path())
        .endsWith("/purchases/products/" + COINS + "/tokens/" + token + ":acknowledge");
  }

  @Test
  void aConflictingUpdateIsRetryableAndACancelledPurchaseIsNot() {
    purchase(0, "PROCESSED");
    JsonObject acknowledgement = handOver().acknowledgement();
    f.google.failNext(OP_PRODUCT_ACKNOWLEDGE, 409);
    Throwable busy = failure(f.plugin.acknowledgePurchase(acknowledgement, f.credentials));
    assertThat(((GatewayApiException) busy).retryable()).isTrue();

    productAt().put("purchaseState", 1);
    Throwable cancelled = failure(f.plugin.acknowledgePurchase(acknowledgement, f.credentials));
    assertThat(((GatewayApiException) cancelled).status()).isEqualTo(400);
    assertThat(((GatewayApiException) cancelled).retryable()).isFalse();
  }

  @Test
  void theRefundOfAOneTimePurchaseNamesThePurchase() {
    purchase(0, "PROCESSED");
    PurchaseOutcome bought = handOver();
    f.google.refund(PACKAGE_NAME, orderId);
    PaymentEvent refund =
        f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 1, Instant.now()))
            .events()
            .get(0);
    assertThat(refund.kind()).isEqualTo(EventKind.REFUND);
    assertThat(refund.amountMinor()).isEqualTo(-bought.booking().amountMinor());
    assertThat(refund.purchaseRef()).isEqualTo(bought.purchaseRef());
  }

  /** The purchase as the simulator keeps it. */
  private JsonObject productAt() {
    return f.google.storedProductPurchase(PACKAGE_NAME, COINS, token);
  }
}
