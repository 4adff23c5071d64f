package io.paybridge.gateway.appstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every mapped notification type, delivered as the simulator signs it: kind, amount sign and minor
 * units with the currency's real exponent, ids, customer reference, times and entry keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppStoreEventMappingTest {

  private final AppStorePlugin plugin = new AppStorePlugin();
  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final Credentials credentials = apple.credentials();
  private Vertx vertx;

  @BeforeAll
  void startPlugin() throws Exception {
    vertx = Vertx.vertx();
    plugin
        .init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Verifies the delivery, then parses it twice to show parsing is deterministic. */
  private ParsedWebhook deliver(String body) {
    WebhookRequest request = apple.request(body);
    Verdict verdict =
        plugin.verify(request, credentials).toCompletionStage().toCompletableFuture().join();
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, credentials);
    assertThat(plugin.parse(request, credentials)).isEqualTo(parsed);
    JsonObject payload = AppStoreSimulator.payloadOf(body);
    assertThat(parsed.eventId()).isEqualTo(payload.getString("notificationUUID"));
    assertThat(parsed.eventType()).isEqualTo(payload.getString("notificationType"));
    return parsed;
  }

  private static PaymentEvent only(ParsedWebhook parsed) {
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  private static Instant signedDate(String body) {
    return Instant.ofEpochMilli(AppStoreSimulator.payloadOf(body).getLong("signedDate"));
  }

  private JsonObject subscription(String txn, String original, long price, String currency) {
    return apple.subscriptionTransaction(txn, original, price, currency, "user-42");
  }

  // ---- money in ----

  @Test
  void oneTimeChargeIsAPaymentInMinorUnits() {
    JsonObject txn = apple.oneTimeTransaction("2000000501", 10990, "usd", "user-7");
    String body = apple.oneTimeCharge(txn);

    PaymentEvent event = only(deliver(body));

    assertThat(event.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(event.amountMinor()).isEqualTo(1099L);
    assertThat(event.currency()).isEqualTo("USD");
    assertThat(event.entryKey()).isEqualTo("txn:2000000501");
    assertThat(event.externalPaymentId()).isEqualTo("2000000501");
    assertThat(event.externalSubscriptionId()).isNull();
    assertThat(event.customerRef()).isEqualTo("user-7");
    assertThat(event.occurredAt()).isEqualTo(signedDate(body));
    assertThat(event.periodEnd()).isNull();
  }

  @Test
  void pricesUseEachCurrencysRealExponent() {
    assertThat(
            only(deliver(
                    apple.oneTimeCharge(apple.oneTimeTransaction("1", 1_000_000, "JPY", null))))
                .amountMinor())
        .as("1000 yen: JPY has no minor unit")
        .isEqualTo(1000L);
    assertThat(
            only(deliver(apple.oneTimeCharge(apple.oneTimeTransaction("2", 1234, "KWD", null))))
                .amountMinor())
        .as("1.234 dinar: KWD has three decimals")
        .isEqualTo(1234L);
    assertThat(
            only(deliver(apple.oneTimeCharge(apple.oneTimeTransaction("3", 990, "EUR", null))))
                .amountMinor())
        .as("0.99 euro")
        .isEqualTo(99L);
  }

  @Test
  void aPriceFinerThanTheCurrencyAllowsIsRefusedNotRounded() {
    String usd = apple.oneTimeCharge(apple.oneTimeTransaction("4", 10995, "USD", null));
    assertThatThrownBy(() -> deliver(usd))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("precision");
    String jpy = apple.oneTimeCharge(apple.oneTimeTransaction("5", 1_000_500, "JPY", null));
    assertThatThrownBy(() -> deliver(jpy)).isInstanceOf(MalformedWebhookException.class);
  }

  @Test
  void subscribedStartsTheSubscriptionWithAPayment() {
    JsonObject txn = subscription("2000000601", "2000000600", 4990, "EUR");
    String body = apple.subscribed(txn);

    PaymentEvent event = only(deliver(body));

    assertThat(event.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(event.amountMinor()).isEqualTo(499L);
    assertThat(event.currency()).isEqualTo("EUR");
    assertThat(event.entryKey()).isEqualTo("txn:2000000601");
    assertThat(event.externalPaymentId()).isEqualTo("2000000601");
    assertThat(event.externalSubscriptionId()).isEqualTo("2000000600");
    assertThat(event.customerRef()).isEqualTo("user-42");
    assertThat(event.periodEnd()).isEqualTo(Instant.ofEpochMilli(txn.getLong("expiresDate")));
    assertThat(event.occurredAt()).isEqualTo(signedDate(body));
  }

  @Test
  void didRenewIsARecurringChargeOfTheSubscription() {
    JsonObject txn = subscription("2000000702", "2000000700", 1_500_000, "JPY");
    String body = apple.didRenew(txn);

    PaymentEvent event = only(deliver(body));

    assertThat(event.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(event.amountMinor()).isEqualTo(1500L);
    assertThat(event.currency()).isEqualTo("JPY");
    assertThat(event.entryKey()).isEqualTo("txn:2000000702");
    assertThat(event.externalPaymentId()).isEqualTo("2000000702");
    assertThat(event.externalSubscriptionId()).isEqualTo("2000000700");
    assertThat(event.customerRef()).isEqualTo("user-42");
    assertThat(event.periodEnd()).isEqualTo(Instant.ofEpochMilli(txn.getLong("expiresDate")));
  }

  @Test
  void aReNotificationOfOneTransactionBooksUnderTheSameKey() {
    JsonObject txn = subscription("2000000802", "2000000800", 10990, "USD");
    ParsedWebhook first = deliver(apple.didRenew(txn));
    ParsedWebhook second = deliver(apple.didRenew(txn));
    assertThat(second.eventId()).isNotEqualTo(first.eventId());
    assertThat(only(second).entryKey()).isEqualTo(only(first).entryKey());
  }

  @Test
  void aFreeTrialStartBooksNothing() {
    ParsedWebhook parsed =
        deliver(apple.subscribed(subscription("2000000901", "2000000901", 0, "USD")));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventType()).isEqualTo("SUBSCRIBED");
  }

  @Test
  void familySharedTransactionsMoveNoMoney() {
    JsonObject shared =
        subscription("2000001001", "2000001000", 10990, "USD")
            .put("inAppOwnershipType", "FAMILY_SHARED");
    assertThat(deliver(apple.didRenew(shared)).isIgnored()).isTrue();
    assertThat(deliver(apple.subscribed(shared)).isIgnored()).isTrue();
    assertThat(deliver(apple.refund(shared)).isIgnored()).isTrue();
  }

  @Test
  void theCustomerReferenceFallsBackToTheRenewalInfo() {
    JsonObject txn = subscription("2000001101", "2000001100", 10990, "USD");
    txn.remove("appAccountToken");
    JsonObject renewal = apple.renewalInfo(txn).put("appAccountToken", "from-renewal");
    String body = apple.notification("DID_RENEW", null, txn, renewal);
    assertThat(only(deliver(body)).customerRef()).isEqualTo("from-renewal");

    String none = apple.notification("DID_RENEW", null, txn, apple.renewalInfo(txn));
    assertThat(only(deliver(none)).customerRef()).isNull();
  }

  // ---- refunds ----

  @Test
  void refundIsNegativeAndKeyedByTheTransaction() {
    JsonObject txn = apple.oneTimeTransaction("2000001201", 10990, "USD", "user-9");
    String body = apple.refund(txn);

    PaymentEvent event = only(deliver(body));

    assertThat(event.kind()).isEqualTo(EventKind.REFUND);
    assertThat(event.amountMinor()).isEqualTo(-1099L);
    assertThat(event.currency()).isEqualTo("USD");
    assertThat(event.entryKey()).isEqualTo("refund:2000001201");
    assertThat(event.externalPaymentId()).isEqualTo("2000001201");
    assertThat(event.externalSubscriptionId()).isNull();
    assertThat(event.customerRef()).isEqualTo("user-9");
    assertThat(event.occurredAt()).isEqualTo(signedDate(body));
  }

  @Test
  void aSubscriptionRefundNamesTheSubscription() {
    PaymentEvent event =
        only(deliver(apple.refund(subscription("2000001302", "2000001300", 2_000, "KWD"))));
    assertThat(event.amountMinor()).isEqualTo(-2000L);
    assertThat(event.currency()).isEqualTo("KWD");
    assertThat(event.externalSubscriptionId()).isEqualTo("2000001300");
  }

  @Test
  void aProratedRefundBooksItsShareRoundedToTheMinorUnit() {
    PaymentEvent usd =
        only(
            deliver(
                apple.proratedRefund(
                    apple.oneTimeTransaction("2000001401", 10990, "USD", null), 40_000)));
    assertThat(usd.amountMinor()).as("40% of 10.99 is 4.396").isEqualTo(-440L);

    PaymentEvent jpy =
        only(
            deliver(
                apple.proratedRefund(
                    apple.oneTimeTransaction("2000001402", 1_000_000, "JPY", null), 33_333)));
    assertThat(jpy.amountMinor()).as("33.333% of 1000 yen").isEqualTo(-333L);

    PaymentEvent whole =
        only(
            deliver(
                apple.proratedRefund(
                    apple.oneTimeTransaction("2000001403", 10990, "USD", null), 100_000)));
    assertThat(whole.amountMinor()).isEqualTo(-1099L);
  }

  @Test
  void refundReversedBooksTheRefundAndItsReversalSoEitherOrderNetsToZero() {
    JsonObject txn = subscription("2000001502", "2000001500", 10990, "USD");
    ParsedWebhook reversed = deliver(apple.refundReversed(txn));

    assertThat(reversed.events()).hasSize(2);
    PaymentEvent refund = reversed.events().get(0);
    PaymentEvent reversal = reversed.events().get(1);
    assertThat(refund.kind()).isEqualTo(EventKind.REFUND);
    assertThat(refund.entryKey())
        .as("the key REFUND books under, so only one of the two books the refund")
        .isEqualTo("refund:2000001502");
    assertThat(refund.amountMinor()).isEqualTo(-1099L);
    assertThat(reversal.kind()).isEqualTo(EventKind.REFUND_REVERSED);
    assertThat(reversal.amountMinor()).isEqualTo(1099L);
    assertThat(reversal.entryKey())
        .isEqualTo("refund_reversal:2000001502")
        .isNotEqualTo("txn:2000001502");
    assertThat(reversal.externalPaymentId()).isEqualTo("2000001502");
    assertThat(reversal.externalSubscriptionId()).isEqualTo("2000001500");
    assertThat(reversal.customerRef()).isEqualTo("user-42");

    // The ledger books each key once: REFUND first, or REFUND_REVERSED first, nets the same.
    PaymentEvent refundFirst = only(deliver(apple.refund(txn)));
    java.util.Map<String, Long> refundThenReversal = new java.util.LinkedHashMap<>();
    java.util.Map<String, Long> reversalThenRefund = new java.util.LinkedHashMap<>();
    for (PaymentEvent e : List.of(refundFirst, refund, reversal)) {
      refundThenReversal.putIfAbsent(e.entryKey(), e.amountMinor());
    }
    for (PaymentEvent e : List.of(refund, reversal, refundFirst)) {
      reversalThenRefund.putIfAbsent(e.entryKey(), e.amountMinor());
    }
    assertThat(refundThenReversal.values().stream().mapToLong(Long::longValue).sum()).isZero();
    assertThat(reversalThenRefund.values().stream().mapToLong(Long::longValue).sum()).isZero();
  }

  // ---- subscription ends ----

  @Test
  void expiryGracePeriodExpiryAndRevocationEndTheSubscription() {
    JsonObject txn = subscription("2000001602", "2000001600", 10990, "USD");
    for (String body :
        new String[] {apple.expired(txn), apple.gracePeriodExpired(txn), apple.revoke(txn)}) {
      PaymentEvent event = only(deliver(body));
      assertThat(event.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
      assertThat(event.amountMinor()).isNull();
      assertThat(event.currency()).isNull();
      assertThat(event.entryKey()).isEqualTo("ended:2000001602");
      assertThat(event.externalSubscriptionId()).isEqualTo("2000001600");
      assertThat(event.externalPaymentId()).isEqualTo("2000001602");
      assertThat(event.customerRef()).isEqualTo("user-42");
      assertThat(event.periodEnd()).isEqualTo(Instant.ofEpochMilli(txn.getLong("expiresDate")));
      assertThat(event.occurredAt()).isEqualTo(signedDate(body));
    }
  }

  @Test
  void revokingAOneTimePurchaseEndsNoSubscription() {
    JsonObject nonConsumable =
        apple.oneTimeTransaction("2000001701", 2990, "USD", "user-1").put("type", "Non-Consumable");
    assertThat(deliver(apple.revoke(nonConsumable)).isIgnored()).isTrue();
  }

  // ---- acknowledged only ----

  @Test
  void testNotificationsAreAcknowledgedOnly() {
    ParsedWebhook parsed = deliver(apple.test());
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventType()).isEqualTo("TEST");
  }

  @Test
  void otherTypesAreAcknowledgedOnly() {
    JsonObject txn = subscription("2000001802", "2000001800", 10990, "USD");
    for (String type :
        new String[] {
          "DID_CHANGE_RENEWAL_PREF",
          "DID_FAIL_TO_RENEW",
          "OFFER_REDEEMED",
          "PRICE_INCREASE",
          "CONSUMPTION_REQUEST",
          "RENEWAL_EXTENDED",
          "REFUND_DECLINED"
        }) {
      ParsedWebhook parsed = deliver(apple.notification(type, null, txn, apple.renewalInfo(txn)));
      assertThat(parsed.isIgnored()).as(type).isTrue();
      assertThat(parsed.eventType()).isEqualTo(type);
    }
  }

  // ---- malformed ----

  @Test
  void missingTransactionDetailsAreMalformedWithAClearMessage() {
    assertThatThrownBy(() -> deliver(apple.notification("REFUND", null, null, null)))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("REFUND")
        .hasMessageContaining("signedTransactionInfo");

    JsonObject badCurrency = apple.oneTimeTransaction("2000001902", 10990, "XYZ", null);
    assertThatThrownBy(() -> deliver(apple.oneTimeCharge(badCurrency)))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("currency");

    JsonObject negative = apple.oneTimeTransaction("2000001903", -100, "USD", null);
    assertThatThrownBy(() -> deliver(apple.oneTimeCharge(negative)))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void aTransactionWithoutAPriceWaitsForTheApiAndIsHeldWithoutAKey() {
    JsonObject noPrice = apple.oneTimeTransaction("2000001901", 10990, "USD", null);
    noPrice.remove("price");
    ParsedWebhook withKey = deliver(apple.refund(noPrice));
    assertThat(withKey.isIgnored()).as("until resolve reads the price").isTrue();
    assertThat(withKey.reason()).contains("App Store Server API");

    Credentials webhookOnly =
        new Credentials(
            java.util.Map.of(
                "bundleId", apple.bundleId(),
                "environment", apple.environment(),
                "appAppleId", Long.toString(apple.appAppleId())));
    ParsedWebhook held = plugin.parse(apple.request(apple.refund(noPrice)), webhookOnly);
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.reason()).contains("2000001901").contains("issuerId, keyId and privateKey");
  }
}
