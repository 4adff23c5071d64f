package io.paybridge.gateway.appstore;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PurchaseVerification.PurchaseOutcome;
import io.paybridge.spi.PurchaseVerification.Status;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transactions an app hands over, signed as StoreKit signs them: verified without calling Apple,
 * bound to the account's app and environment, priced exactly from Apple's milliunits, and keyed as
 * the notification for the same transaction, so that the two book once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppStorePurchaseTest {

  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final AppStorePlugin plugin = new AppStorePlugin();
  private Vertx vertx;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings())));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private PurchaseOutcome handOver(String signedTransaction, Credentials credentials) {
    return await(
        plugin.verifyPurchase(
            new JsonObject().put("signedTransaction", signedTransaction), credentials));
  }

  private PurchaseOutcome handOver(JsonObject transaction) {
    return handOver(apple.sign(transaction), apple.credentials());
  }

  private static String newId() {
    return AppStoreSimulator.newTransactionId();
  }

  private static void assertRefused(PurchaseOutcome outcome, String code) {
    assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.REFUSED);
    assertThat(outcome.code()).isEqualTo(code);
    assertThat(outcome.field()).isEqualTo("signedTransaction");
    assertThat(outcome.reason()).isNotBlank();
  }

  @Test
  void theOnlyMemberOfAPurchaseIsTheSignedTransaction() {
    assertThat(plugin.purchaseFields()).containsExactly("signedTransaction");
  }

  @Test
  void aValidTransactionBooksItsPriceUnderTheKeyItsNotificationBooks() {
    String id = newId();
    JsonObject txn = apple.oneTimeTransaction(id, 4990, "USD", null);

    PurchaseOutcome outcome = handOver(txn);

    assertThat(outcome.status()).isEqualTo(Status.BOOK);
    assertThat(outcome.purchaseRef()).isEqualTo(id);
    assertThat(outcome.acknowledgement()).isNull();
    PaymentEvent entry = outcome.booking();
    assertThat(entry.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(entry.amountMinor()).isEqualTo(499L);
    assertThat(entry.currency()).isEqualTo("USD");
    assertThat(entry.externalPaymentId()).isEqualTo(id);
    assertThat(entry.externalSubscriptionId()).isNull();

    ParsedWebhook notification = plugin.parse(apple.request(apple.oneTimeCharge(txn)), creds());
    PaymentEvent notified = notification.events().get(0);
    assertThat(notified.entryKey()).isEqualTo(entry.entryKey()).isEqualTo("txn:" + id);
    assertThat(notified.amountMinor()).isEqualTo(entry.amountMinor());
    assertThat(notified.purchaseRef()).isEqualTo(id);
  }

  @Test
  void subscriptionsBookTheirPurchaseAndRenewalsAsTheirNotificationsDo() {
    String original = newId();
    JsonObject first = apple.subscriptionTransaction(original, original, 10990, "USD", null);
    PurchaseOutcome bought = handOver(first);
    ParsedWebhook subscribed = plugin.parse(apple.request(apple.subscribed(first)), creds());
    assertThat(bought.booking().kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(bought.booking().entryKey()).isEqualTo(subscribed.events().get(0).entryKey());
    assertThat(bought.booking().externalSubscriptionId()).isEqualTo(original);
    assertThat(bought.booking().periodEnd()).isNotNull();

    String renewalId = newId();
    JsonObject renewal =
        apple
            .subscriptionTransaction(renewalId, original, 10990, "USD", null)
            .put("transactionReason", "RENEWAL");
    PurchaseOutcome renewed = handOver(renewal);
    ParsedWebhook didRenew = plugin.parse(apple.request(apple.didRenew(renewal)), creds());
    assertThat(renewed.booking().kind())
        .isEqualTo(didRenew.events().get(0).kind())
        .isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(renewed.booking().entryKey()).isEqualTo(didRenew.events().get(0).entryKey());
  }

  @Test
  void theRefundNotificationOfAHandedOverTransactionNamesTheSamePurchase() {
    String id = newId();
    JsonObject txn = apple.oneTimeTransaction(id, 2990, "EUR", null);
    PurchaseOutcome bought = handOver(txn);
    PaymentEvent refund = plugin.parse(apple.request(apple.refund(txn)), creds()).events().get(0);
    assertThat(refund.kind()).isEqualTo(EventKind.REFUND);
    assertThat(refund.amountMinor()).isEqualTo(-bought.booking().amountMinor());
    assertThat(refund.purchaseRef()).isEqualTo(bought.purchaseRef());
    assertThat(refund.externalPaymentId()).isEqualTo(bought.booking().externalPaymentId());
  }

  @Test
  void pricesConvertExactlyForEveryCurrencyExponent() {
    assertThat(amountOf(1_000_000, "JPY")).isEqualTo(1000L);
    assertThat(amountOf(160_000, "jpy")).isEqualTo(160L);
    assertThat(amountOf(10_990, "USD")).isEqualTo(1099L);
    assertThat(amountOf(1_234, "KWD")).isEqualTo(1234L);
    assertThat(amountOf(2_500, "BHD")).isEqualTo(2500L);
    assertRefused(
        handOver(apple.oneTimeTransaction(newId(), 10_995, "USD", null)), "invalid_price");
    assertRefused(handOver(apple.oneTimeTransaction(newId(), 1_500, "JPY", null)), "invalid_price");
  }

  private long amountOf(long milliunits, String currency) {
    PurchaseOutcome outcome =
        handOver(apple.oneTimeTransaction(newId(), milliunits, currency, null));
    assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.BOOK);
    return outcome.booking().amountMinor();
  }

  @Test
  void aForgedSignatureIsRefused() {
    String jws = apple.sign(apple.oneTimeTransaction(newId(), 990, "USD", null));
    String[] parts = jws.split("\\.");
    JsonObject tampered =
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .put("price", 99_990);
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(tampered.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    assertRefused(handOver(forged, apple.credentials()), "bad_signature");
  }

  @Test
  void aTransactionSignedThroughAnotherRootIsRefused() {
    AppStoreSimulator impostor =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), apple.environment());
    PurchaseOutcome outcome =
        handOver(
            impostor.sign(impostor.oneTimeTransaction(newId(), 990, "USD", null)),
            apple.credentials());
    assertRefused(outcome, "untrusted_chain");
    assertThat(outcome.reason()).contains("not a trusted Apple root");
  }

  @Test
  void anotherAppsTransactionIsRefused() {
    AppStoreSimulator otherApp =
        new AppStoreSimulator("com.other.app", apple.appAppleId(), "Sandbox", apple.chain());
    PurchaseOutcome outcome =
        handOver(
            otherApp.sign(otherApp.oneTimeTransaction(newId(), 990, "USD", null)),
            apple.credentials());
    assertRefused(outcome, "other_bundle");
    assertThat(outcome.reason()).contains("com.other.app").contains(apple.bundleId());
  }

  @Test
  void sandboxAndProductionTransactionsBelongToTheirOwnAccounts() {
    AppStoreSimulator production =
        new AppStoreSimulator(apple.bundleId(), apple.appAppleId(), "Production", apple.chain());
    String sandboxTxn = apple.sign(apple.oneTimeTransaction(newId(), 990, "USD", null));
    String productionTxn =
        production.sign(production.oneTimeTransaction(newId(), 990, "USD", null));

    assertRefused(handOver(sandboxTxn, production.credentials()), "wrong_environment");
    assertRefused(handOver(productionTxn, apple.credentials()), "wrong_environment");
    assertThat(handOver(productionTxn, production.credentials()).status()).isEqualTo(Status.BOOK);
    assertThat(handOver(sandboxTxn, apple.credentials()).status()).isEqualTo(Status.BOOK);
  }

  @Test
  void malformedTokensAreRefusedNamingTheMember() {
    for (String token :
        List.of("", "not-a-jws", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30.", "x".repeat(70_000))) {
      assertRefused(handOver(token, apple.credentials()), "malformed_jws");
    }
    JsonObject unsigned = new JsonObject().put("alg", "none").put("x5c", apple.chain().x5c());
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(unsigned.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + apple.sign(apple.oneTimeTransaction(newId(), 990, "USD", null)).split("\\.")[1]
            + ".";
    assertRefused(handOver(none, apple.credentials()), "malformed_jws");
  }

  @Test
  void revokedSharedFreeAndUnpricedTransactionsBookNothing() {
    JsonObject revoked =
        apple
            .oneTimeTransaction(newId(), 990, "USD", null)
            .put("revocationDate", System.currentTimeMillis())
            .put("revocationReason", 0);
    assertRefused(handOver(revoked), "revoked");
    assertRefused(
        handOver(
            apple
                .oneTimeTransaction(newId(), 990, "USD", null)
                .put("inAppOwnershipType", "FAMILY_SHARED")),
        "family_shared");
    assertRefused(handOver(apple.oneTimeTransaction(newId(), 0, "USD", null)), "nothing_to_book");
    JsonObject unpriced = apple.oneTimeTransaction(newId(), 990, "USD", null);
    unpriced.remove("price");
    assertRefused(handOver(unpriced), "price_missing");
  }

  @Test
  void theAppAccountTokenIsCarriedAsTheStoresCustomer() {
    String token = UUID.randomUUID().toString();
    PurchaseOutcome outcome = handOver(apple.oneTimeTransaction(newId(), 990, "USD", token));
    assertThat(outcome.booking().customerRef()).isEqualTo(token);
    assertThat(outcome.booking().withCustomerRef("member-7").customerRef()).isEqualTo("member-7");
  }

  private Credentials creds() {
    return apple.credentials();
  }
}
