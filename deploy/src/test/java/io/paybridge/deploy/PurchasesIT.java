package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static io.paybridge.deploy.TestNode.eventually;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.OP_PRODUCT_ACKNOWLEDGE;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.appstore.AppStoreSimulator;
import io.paybridge.gateway.googleplay.GooglePlaySimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Purchases an app's backend hands over, on a whole node: an App Store transaction booked once
 * however often it is handed over and whatever the store notifies, then refunded by Apple's signed
 * notification for the same customer; a Google Play purchase booked and acknowledged once at the
 * Play Developer API (its simulator), also when the first acknowledgement fails; and a pending Play
 * purchase held until the store's notification books it for the customer it was handed over for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurchasesIT {

  private static final String COINS = "coins_100";

  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final Vertx simulatorVertx = Vertx.vertx();
  private final GooglePlaySimulator google = await(new GooglePlaySimulator().start(simulatorVertx));
  private TestNode node;
  private Tenant tenant;
  private JsonObject appStoreAccount;
  private JsonObject playAccount;

  @BeforeAll
  void startNode() {
    Map<String, String> env = new HashMap<>();
    Map<String, String> settings = new HashMap<>(apple.pluginSettings());
    settings.putAll(google.pluginSettings());
    settings.forEach(
        (name, value) ->
            env.put("PAYBRIDGE_GATEWAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
    env.put("PAYBRIDGE_RETRY_BASE_MS", "200");
    node = TestNode.start("e2e_purchases", env);
    tenant = Tenant.signUp(node);
    appStoreAccount = tenant.connect("appstore", apple.credentialsJson());
    playAccount =
        tenant.connect(
            "googleplay",
            google.credentialsJson(
                google.newServiceAccountJson("play@purchases.iam.gserviceaccount.com")));
  }

  @AfterAll
  void stop() {
    node.close();
    await(google.close());
    await(simulatorVertx.close());
  }

  private HttpResponse<Buffer> handOver(String store, JsonObject purchase) {
    return await(tenant.post("/api/v1/purchases/" + store).sendJsonObject(purchase));
  }

  private HttpResponse<Buffer> deliver(JsonObject account, Webhook webhook) {
    return await(webhook.post(node.http, node.baseUrl() + Tenant.hookPath(account)));
  }

  private JsonArray entries(String customerRef) {
    return tenant.payments("?customerRef=" + customerRef).getJsonArray("data");
  }

  private long balance(String customerRef, String currency) {
    JsonArray balances = tenant.balance(customerRef).getJsonArray("balances");
    return balances.stream()
        .map(b -> (JsonObject) b)
        .filter(b -> b.getString("currency").equals(currency))
        .mapToLong(b -> b.getLong("amountMinor"))
        .sum();
  }

  private long ledgerRows(String externalPaymentId) {
    return node.count(
        "SELECT count(*) FROM ledger_entries WHERE tenant_id = '"
            + tenant.tenantId
            + "' AND external_payment_id = '"
            + externalPaymentId
            + "'");
  }

  @Test
  void anAppStoreTransactionIsBookedOnceAndItsRefundNotificationBooksItBack() {
    String id = AppStoreSimulator.newTransactionId();
    String customer = "member-" + UUID.randomUUID();
    // The app names its own account token; the hand-over's customer is what the tenant books for
    JsonObject txn = apple.oneTimeTransaction(id, 4990, "USD", UUID.randomUUID().toString());
    JsonObject purchase =
        new JsonObject().put("signedTransaction", apple.sign(txn)).put("customerRef", customer);

    HttpResponse<Buffer> first = handOver("appstore", purchase);
    HttpResponse<Buffer> second = handOver("appstore", purchase);

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
    String entryId = first.bodyAsJsonObject().getJsonObject("entry").getString("id");
    assertThat(second.bodyAsJsonObject().getJsonObject("entry").getString("id")).isEqualTo(entryId);
    assertThat(balance(customer, "USD")).isEqualTo(499);

    // Apple's ONE_TIME_CHARGE for the same transaction books nothing more
    HttpResponse<Buffer> notified =
        deliver(appStoreAccount, AppStoreSimulator.webhook(apple.oneTimeCharge(txn)));
    assertThat(notified.statusCode()).as(notified.bodyAsString()).isEqualTo(200);
    assertThat(ledgerRows(id)).isEqualTo(1);

    // Apple refunds it: the negative entry against the same payment, for the same customer
    HttpResponse<Buffer> refunded =
        deliver(appStoreAccount, AppStoreSimulator.webhook(apple.refund(txn)));
    assertThat(refunded.statusCode()).as(refunded.bodyAsString()).isEqualTo(200);
    assertThat(ledgerRows(id)).isEqualTo(2);
    JsonArray booked = entries(customer);
    assertThat(booked).hasSize(2);
    JsonObject refund = booked.getJsonObject(0);
    assertThat(refund.getString("kind")).isEqualTo("REFUND");
    assertThat(refund.getLong("amountMinor")).isEqualTo(-499L);
    assertThat(refund.getString("externalPaymentId")).isEqualTo(id);
    assertThat(balance(customer, "USD")).isZero();
  }

  private void playPurchase(String token, String orderId, int state) {
    google.putProductPurchase(
        PACKAGE_NAME,
        COINS,
        token,
        GooglePlaySimulator.productPurchase(state == 2 ? null : orderId, state, "play-account-7")
            .put("acknowledgementState", 0));
    google.putOrder(
        PACKAGE_NAME,
        GooglePlaySimulator.order(
            orderId,
            token,
            state == 2 ? "PENDING" : "PROCESSED",
            GooglePlaySimulator.money("EUR", 4, 990_000_000),
            COINS));
  }

  private JsonObject playHandOver(String token, String customer) {
    return new JsonObject()
        .put("packageName", PACKAGE_NAME)
        .put("productId", COINS)
        .put("purchaseToken", token)
        .put("customerRef", customer);
  }

  private long acknowledgements(String token) {
    return google.calls(OP_PRODUCT_ACKNOWLEDGE).stream()
        .filter(call -> call.path().contains(token))
        .count();
  }

  private boolean acknowledged(String token) {
    return google
            .storedProductPurchase(PACKAGE_NAME, COINS, token)
            .getInteger("acknowledgementState")
        == 1;
  }

  private Webhook rtdn(String notification) {
    Instant now = Instant.now();
    return GooglePlaySimulator.webhook(
        GooglePlaySimulator.pushBody(notification, GooglePlaySimulator.newMessageId(), now),
        google.pushToken(now));
  }

  @Test
  void aPlayPurchaseIsBookedOnceAndAcknowledgedOnceAfterAFailedFirstTry() {
    String token = GooglePlaySimulator.newPurchaseToken();
    String orderId = GooglePlaySimulator.newOrderId();
    String customer = "member-" + UUID.randomUUID();
    playPurchase(token, orderId, 0);
    google.failNext(OP_PRODUCT_ACKNOWLEDGE, 503);

    HttpResponse<Buffer> first = handOver("googleplay", playHandOver(token, customer));
    HttpResponse<Buffer> second = handOver("googleplay", playHandOver(token, customer));

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
    JsonObject entry = first.bodyAsJsonObject().getJsonObject("entry");
    assertThat(entry.getLong("amountMinor")).isEqualTo(499L);
    assertThat(entry.getString("currency")).isEqualTo("EUR");
    assertThat(entry.getString("customerRef")).isEqualTo(customer);

    eventually(
        Duration.ofSeconds(30),
        () -> acknowledged(token),
        () -> "acknowledgements: " + acknowledgements(token));
    assertThat(acknowledgements(token)).as("the 503, then the one that took").isEqualTo(2);

    // The store's notification for the same purchase books nothing more, acknowledges nothing
    HttpResponse<Buffer> notified =
        deliver(
            playAccount,
            rtdn(
                GooglePlaySimulator.oneTimeProductNotification(
                    PACKAGE_NAME, 1, token, COINS, Instant.now())));
    assertThat(notified.statusCode()).as(notified.bodyAsString()).isEqualTo(200);
    assertThat(ledgerRows(orderId)).isEqualTo(1);
    assertThat(handOver("googleplay", playHandOver(token, customer)).statusCode()).isEqualTo(200);
    sleep(Duration.ofSeconds(1));
    assertThat(acknowledgements(token)).isEqualTo(2);
    assertThat(
            node.count(
                "SELECT count(*) FROM jobs WHERE kind = 'purchase_acknowledge' AND tenant_id = '"
                    + tenant.tenantId
                    + "'"))
        .isZero();
  }

  @Test
  void aPendingPlayPurchaseIsHeldUntilTheStoreNotifiesItPaidThenBookedForItsCustomer() {
    String token = GooglePlaySimulator.newPurchaseToken();
    String orderId = GooglePlaySimulator.newOrderId();
    String customer = "member-" + UUID.randomUUID();
    playPurchase(token, orderId, 2);

    HttpResponse<Buffer> held = handOver("googleplay", playHandOver(token, customer));

    assertThat(held.statusCode()).as(held.bodyAsString()).isEqualTo(202);
    assertThat(held.bodyAsJsonObject().getString("status")).isEqualTo("held");
    assertThat(held.bodyAsJsonObject().getString("code")).isEqualTo("pending_payment");
    assertThat(held.bodyAsJsonObject().getValue("entry")).isNull();
    assertThat(ledgerRows(orderId)).isZero();

    // The customer pays at the store; Google notifies the purchase, naming its own account id
    playPurchase(token, orderId, 0);
    HttpResponse<Buffer> paid =
        deliver(
            playAccount,
            rtdn(
                GooglePlaySimulator.oneTimeProductNotification(
                    PACKAGE_NAME, 1, token, COINS, Instant.now())));
    assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(200);
    JsonArray booked = entries(customer);
    assertThat(booked).hasSize(1);
    assertThat(booked.getJsonObject(0).getString("externalPaymentId")).isEqualTo(orderId);
    assertThat(balance(customer, "EUR")).isEqualTo(499);
    assertThat(entries("play-account-7"))
        .noneMatch(e -> ((JsonObject) e).getString("externalPaymentId").equals(orderId));
    eventually(
        Duration.ofSeconds(30),
        () -> acknowledged(token),
        () -> "acknowledgements: " + acknowledgements(token));
    assertThat(acknowledgements(token)).isEqualTo(1);

    // Google voids it: the refund is booked for the same customer
    google.refund(PACKAGE_NAME, orderId);
    HttpResponse<Buffer> voided =
        deliver(
            playAccount,
            rtdn(
                GooglePlaySimulator.voidedPurchaseNotification(
                    PACKAGE_NAME, token, orderId, 2, 1, Instant.now())));
    assertThat(voided.statusCode()).as(voided.bodyAsString()).isEqualTo(200);
    assertThat(entries(customer)).hasSize(2);
    assertThat(balance(customer, "EUR")).isZero();
  }

  @Test
  void aPurchaseHandedOverForOneCustomerIsNeverBookedForAnother() {
    String token = GooglePlaySimulator.newPurchaseToken();
    playPurchase(token, GooglePlaySimulator.newOrderId(), 2);
    assertThat(handOver("googleplay", playHandOver(token, "member-a")).statusCode()).isEqualTo(202);
    HttpResponse<Buffer> other = handOver("googleplay", playHandOver(token, "member-b"));
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(409);
    assertThat(other.bodyAsJsonObject().getString("error"))
        .isEqualTo("purchase_of_another_customer");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
