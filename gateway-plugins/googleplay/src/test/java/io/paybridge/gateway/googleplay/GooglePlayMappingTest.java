package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlaySimulator.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.money;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newOrderId;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.newPurchaseToken;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.oneTimeProductNotification;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.order;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.productPurchase;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.subscriptionNotification;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.subscriptionPurchase;
import static io.paybridge.gateway.googleplay.GooglePlaySimulator.voidedPurchaseNotification;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each notification means for the ledger, completed from the simulated Play Developer API:
 * kinds, signs, minor units in the currency's real exponent, entry keys, ids, customer and period
 * end; and what books nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayMappingTest {

  private static final String MONTHLY = "premium_monthly";
  private static final String COINS = "coins_500";
  private static final String CUSTOMER = "user-7f3a";

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private final Instant eventTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final Instant expiry =
      eventTime.plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
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

  private void activeSubscription(String latestOrderId, JsonObject total) {
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        subscriptionPurchase(
            "SUBSCRIPTION_STATE_ACTIVE",
            MONTHLY,
            latestOrderId,
            expiry,
            CUSTOMER,
            true,
            money("USD", 9, 990_000_000)));
    f.google.putOrder(PACKAGE_NAME, order(latestOrderId, token, "PROCESSED", total, MONTHLY));
  }

  private ParsedWebhook subscriptionEvent(int type) {
    return f.deliver(subscriptionNotification(PACKAGE_NAME, type, token, MONTHLY, eventTime));
  }

  private static PaymentEvent single(ParsedWebhook parsed) {
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  // ---- subscriptions

  @Test
  void aSubscriptionPurchaseIsAPaymentOfWhatTheOrderCharged() {
    // GIVEN a subscription whose order charged 10.99 USD (tax included) on a 9.99 list price
    activeSubscription(orderId, money("USD", 10, 990_000_000));

    // WHEN its purchase is notified
    WebhookRequest request =
        f.signed(subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime));
    ParsedWebhook parsed = f.deliver(request, f.credentials);

    // THEN it is one payment keyed by the order, with the order's total in cents
    String messageId =
        new JsonObject(request.bodyAsString()).getJsonObject("message").getString("messageId");
    assertThat(parsed.eventId()).isEqualTo(messageId);
    assertThat(parsed.eventType()).isEqualTo("SUBSCRIPTION_PURCHASED");
    PaymentEvent e = single(parsed);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("order:" + orderId);
    assertThat(e.amountMinor()).isEqualTo(1099L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo(orderId);
    assertThat(e.externalSubscriptionId()).isEqualTo(token);
    assertThat(e.customerRef()).isEqualTo(CUSTOMER);
    assertThat(e.periodEnd()).isEqualTo(expiry);
    assertThat(e.occurredAt()).isEqualTo(eventTime);
    assertThat(f.google.calls())
        .extracting(GooglePlaySimulator::operation)
        .containsSubsequence("purchases.subscriptionsv2.get", "orders.get");
  }

  @Test
  void aPurchaseNotifiedAfterTheFirstRenewalStillBooksTheSignupOrder() {
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        subscriptionPurchase(
            "SUBSCRIPTION_STATE_ACTIVE",
            MONTHLY,
            orderId + "..0",
            expiry,
            CUSTOMER,
            true,
            money("EUR", 4, 990_000_000)));
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, "PROCESSED", money("EUR", 4, 990_000_000), MONTHLY));
    f.google.putOrder(
        PACKAGE_NAME,
        order(orderId + "..0", token, "PROCESSED", money("EUR", 5, 990_000_000), MONTHLY));

    PaymentEvent purchase = single(subscriptionEvent(4));
    assertThat(purchase.entryKey()).isEqualTo("order:" + orderId);
    assertThat(purchase.amountMinor()).isEqualTo(499L);

    PaymentEvent renewal = single(subscriptionEvent(2));
    assertThat(renewal.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(renewal.entryKey()).isEqualTo("order:" + orderId + "..0");
    assertThat(renewal.amountMinor()).isEqualTo(599L);
  }

  @Test
  void renewalsAreRecurringChargesInTheCurrencysOwnMinorUnits() {
    // Yen have no minor unit
    activeSubscription(orderId + "..3", money("JPY", 1200, 0));
    PaymentEvent yen = single(subscriptionEvent(2));
    assertThat(yen.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(yen.amountMinor()).isEqualTo(1200L);
    assertThat(yen.currency()).isEqualTo("JPY");
    assertThat(yen.entryKey()).isEqualTo("order:" + orderId + "..3");
    assertThat(yen.externalSubscriptionId()).isEqualTo(token);
    assertThat(yen.periodEnd()).isEqualTo(expiry);

    // Kuwaiti dinars have three decimals
    token = newPurchaseToken();
    activeSubscription(orderId + "..4", money("KWD", 3, 500_000_000));
    PaymentEvent dinar = single(subscriptionEvent(1));
    assertThat(dinar.kind())
        .as("recovered from account hold")
        .isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(dinar.amountMinor()).isEqualTo(3500L);
    assertThat(dinar.currency()).isEqualTo("KWD");
  }

  @Test
  void anAmountFinerThanTheCurrencyAllowsIsAnUnusableAnswerNotARoundedOne() {
    activeSubscription(orderId, money("JPY", 1200, 500_000_000));
    Throwable failure =
        f.resolveFailure(subscriptionNotification(PACKAGE_NAME, 2, token, MONTHLY, eventTime));
    assertThat(failure).isInstanceOf(GatewayApiException.class).hasMessageContaining("orders.get");
    assertThat(((GatewayApiException) failure).retryable()).isFalse();
  }

  @Test
  void freeTrialAndUnpaidOrdersBookNothing() {
    activeSubscription(orderId, money("USD", 0, 0));
    assertThat(subscriptionEvent(4).isIgnored()).as("a $0 trial order").isTrue();

    token = newPurchaseToken();
    String pending = newOrderId();
    activeSubscription(pending, money("USD", 9, 990_000_000));
    f.google.storedOrder(PACKAGE_NAME, pending).put("state", "PENDING");
    assertThat(subscriptionEvent(4).isIgnored()).as("a pending order").isTrue();

    f.google.storedOrder(PACKAGE_NAME, pending).put("state", "MYSTERY");
    Throwable failure =
        f.resolveFailure(subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime));
    assertThat(failure)
        .as("an unknown order state is not guessed at")
        .hasMessageContaining("MYSTERY");
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 12, 13})
  void cancellationsRevocationsAndExpiriesEndTheSubscriptionOnceTheApiAgrees(int type) {
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        subscriptionPurchase(
            type == 3 ? "SUBSCRIPTION_STATE_CANCELED" : "SUBSCRIPTION_STATE_EXPIRED",
            MONTHLY,
            orderId,
            expiry,
            CUSTOMER,
            false,
            money("USD", 9, 990_000_000)));

    WebhookRequest request =
        f.signed(subscriptionNotification(PACKAGE_NAME, type, token, MONTHLY, eventTime));
    PaymentEvent fromParse = single(f.plugin.parse(request, f.credentials));
    PaymentEvent e = single(f.deliver(request, f.credentials));

    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
    assertThat(e.amountMinor()).isNull();
    assertThat(e.currency()).isNull();
    assertThat(e.entryKey()).as("the key parse gave").isEqualTo(fromParse.entryKey());
    assertThat(e.externalSubscriptionId()).isEqualTo(token);
    assertThat(e.customerRef()).isEqualTo(CUSTOMER);
    assertThat(e.periodEnd()).isEqualTo(expiry);
    assertThat(e.occurredAt()).isEqualTo(eventTime);
  }

  @Test
  void aCancellationTheApiContradictsBooksNothing() {
    // GIVEN a subscription restarted after its cancellation was notified (or never cancelled)
    activeSubscription(orderId, money("USD", 9, 990_000_000));
    // THEN the cancellation books nothing
    assertThat(subscriptionEvent(3).isIgnored()).isTrue();
  }

  @Test
  void aSecondCancellationAfterARestartHasItsOwnKey() {
    PaymentEvent first =
        PlayResolver.cancellation(
            PlayNotification.decode(
                f.signed(subscriptionNotification(PACKAGE_NAME, 3, token, MONTHLY, eventTime))
                    .body()));
    PaymentEvent again =
        PlayResolver.cancellation(
            PlayNotification.decode(
                f.signed(
                        subscriptionNotification(
                            PACKAGE_NAME, 3, token, MONTHLY, eventTime.plusSeconds(86_400)))
                    .body()));
    assertThat(first.entryKey()).isNotEqualTo(again.entryKey());
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 6, 7, 8, 9, 10, 11, 18, 19, 20, 22, 99})
  void otherSubscriptionNotificationsBookNothingAndCallNoApi(int type) {
    ParsedWebhook parsed = subscriptionEvent(type);
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventType()).startsWith("SUBSCRIPTION_");
    assertThat(parsed.reason())
        .startsWith(parsed.eventType() + ": ")
        .doesNotContain("is not one Paybridge books");
    assertThat(f.google.calls()).isEmpty();
  }

  @Test
  void aPurchaseTheApiDoesNotKnowFailsSoPubSubRetries() {
    Throwable failure =
        f.resolveFailure(subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).status()).isEqualTo(404);
    assertThat(failure.getMessage()).contains("purchases.subscriptionsv2.get");
  }

  // ---- one-time products

  @Test
  void aOneTimePurchaseIsAPaymentOfItsOrder() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, CUSTOMER));
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, "PROCESSED", money("GBP", 1, 990_000_000), COINS));

    ParsedWebhook parsed =
        f.deliver(oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, eventTime));

    assertThat(parsed.eventType()).isEqualTo("ONE_TIME_PRODUCT_PURCHASED");
    PaymentEvent e = single(parsed);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("order:" + orderId);
    assertThat(e.amountMinor()).isEqualTo(199L);
    assertThat(e.currency()).isEqualTo("GBP");
    assertThat(e.externalPaymentId()).isEqualTo(orderId);
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.customerRef()).isEqualTo(CUSTOMER);
    assertThat(e.periodEnd()).isNull();
    assertThat(f.google.calls(GooglePlaySimulator.OP_PRODUCT_GET).get(0).path())
        .endsWith(
            "/applications/" + PACKAGE_NAME + "/purchases/products/" + COINS + "/tokens/" + token);
  }

  @Test
  void pendingCancelledAndPromoPurchasesBookNothing() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 2, CUSTOMER));
    assertThat(
            f.deliver(oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, eventTime))
                .isIgnored())
        .as("pending")
        .isTrue();
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 1, CUSTOMER));
    assertThat(
            f.deliver(oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, eventTime))
                .isIgnored())
        .as("cancelled")
        .isTrue();
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(null, 0, CUSTOMER));
    assertThat(
            f.deliver(oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, eventTime))
                .isIgnored())
        .as("promo code: no order")
        .isTrue();
    f.google.clearCalls();
    assertThat(
            f.deliver(oneTimeProductNotification(PACKAGE_NAME, 2, token, COINS, eventTime))
                .isIgnored())
        .as("ONE_TIME_PRODUCT_CANCELED")
        .isTrue();
    assertThat(f.google.calls()).isEmpty();
  }

  // ---- voided purchases

  @Test
  void aVoidedSubscriptionIsANegativeRefundOfWhatWasRefunded() {
    activeSubscription(orderId, money("USD", 10, 990_000_000));
    f.google.refund(PACKAGE_NAME, orderId);

    ParsedWebhook parsed =
        f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 1, 1, eventTime));

    assertThat(parsed.eventType()).isEqualTo("VOIDED_PURCHASE");
    PaymentEvent e = single(parsed);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:" + orderId);
    assertThat(e.amountMinor()).isEqualTo(-1099L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo(orderId);
    assertThat(e.externalSubscriptionId()).isEqualTo(token);
    assertThat(e.customerRef()).isEqualTo(CUSTOMER);
  }

  @Test
  void aVoidedOneTimePurchaseFindsItsCustomerThroughTheOrdersProduct() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, CUSTOMER));
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, "PROCESSED", money("EUR", 2, 490_000_000), COINS));
    f.google.refund(PACKAGE_NAME, orderId);

    PaymentEvent e =
        single(
            f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 1, eventTime)));

    assertThat(e.amountMinor()).isEqualTo(-249L);
    assertThat(e.currency()).isEqualTo("EUR");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.customerRef()).isEqualTo(CUSTOMER);
  }

  @Test
  void partialRefundsAreBookedOneByOneAndTheFullRefundOnlyForTheRest() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, CUSTOMER));
    f.google.putOrder(PACKAGE_NAME, order(orderId, token, "PROCESSED", money("USD", 30, 0), COINS));
    Instant first = eventTime.minusSeconds(7200).truncatedTo(ChronoUnit.SECONDS);
    f.google.partialRefund(PACKAGE_NAME, orderId, money("USD", 10, 0), first);

    ParsedWebhook one =
        f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 2, eventTime));
    PaymentEvent partial = single(one);
    assertThat(partial.entryKey()).isEqualTo("refund:" + orderId + ":" + first);
    assertThat(partial.amountMinor()).isEqualTo(-1000L);

    Instant second = first.plusSeconds(3600);
    f.google.partialRefund(PACKAGE_NAME, orderId, money("USD", 5, 0), second);
    f.google.refund(PACKAGE_NAME, orderId);
    ParsedWebhook all =
        f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 1, eventTime));

    // The first partial refund again (deduplicated by its key), the second, and the rest
    assertThat(all.events())
        .extracting(PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("refund:" + orderId + ":" + first, -1000L),
            org.assertj.core.groups.Tuple.tuple("refund:" + orderId + ":" + second, -500L),
            org.assertj.core.groups.Tuple.tuple("refund:" + orderId, -1500L));
  }

  @Test
  void aVoidedPurchaseWhoseRefundTheApiDoesNotShowYetIsRetried() {
    activeSubscription(orderId, money("USD", 10, 990_000_000));
    Throwable failure =
        f.resolveFailure(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 1, 1, eventTime));
    assertThat(failure)
        .isInstanceOf(GatewayApiException.class)
        .hasMessageContaining("no processed refund");
    assertThat(((GatewayApiException) failure).retryable()).isTrue();
  }

  @Test
  void aVoidedPurchaseTooOldToLookUpIsBookedWithoutACustomer() {
    f.google.putOrder(
        PACKAGE_NAME, order(orderId, token, "PROCESSED", money("USD", 10, 990_000_000), MONTHLY));
    f.google.refund(PACKAGE_NAME, orderId);
    f.google.failNext(GooglePlaySimulator.OP_SUBSCRIPTION_GET, 410);

    PaymentEvent e =
        single(
            f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 1, 1, eventTime)));
    assertThat(e.amountMinor()).isEqualTo(-1099L);
    assertThat(e.customerRef()).isNull();
  }

  @Test
  void aVoidedCancelledOrderBooksNothingAndAMismatchedOneIsMalformed() {
    f.google.putOrder(PACKAGE_NAME, order(orderId, token, "CANCELED", money("USD", 1, 0), COINS));
    assertThat(
            f.deliver(voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 1, eventTime))
                .isIgnored())
        .isTrue();

    Throwable failure =
        f.resolveFailure(
            voidedPurchaseNotification(PACKAGE_NAME, newPurchaseToken(), orderId, 2, 1, eventTime));
    assertThat(failure)
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("another purchase");
  }

  // ---- the rest

  @Test
  void testNotificationsAreAcknowledgedWithoutAnyCall() {
    ParsedWebhook parsed = f.deliver(GooglePlaySimulator.testNotification(PACKAGE_NAME, eventTime));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventType()).isEqualTo("TEST_NOTIFICATION");
    assertThat(f.google.calls()).isEmpty();
  }

  @Test
  void redeliveriesKeepTheirMessageIdAndRepublishedEventsTheirEntryKey() {
    activeSubscription(orderId, money("USD", 10, 990_000_000));
    String notification = subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime);
    String body = GooglePlaySimulator.pushBody(notification, "777", Instant.now());
    Instant now = Instant.now();
    WebhookRequest delivery = f.google.request(body, f.google.pushToken(now), now);

    ParsedWebhook first = f.deliver(delivery, f.credentials);
    ParsedWebhook redelivered = f.deliver(delivery, f.credentials);
    ParsedWebhook republished = f.deliver(notification);

    assertThat(redelivered).isEqualTo(first);
    assertThat(republished.eventId()).isNotEqualTo(first.eventId());
    assertThat(single(republished).entryKey()).isEqualTo(single(first).entryKey());
  }

  @Test
  void withoutPushAuthenticationOnlyWhatTheApiConfirmsIsBooked() {
    // GIVEN an account whose push subscription is not authenticated
    JsonObject open = f.google.credentialsJson(f.serviceAccountJson);
    open.remove("pushAudience");
    open.remove("pushServiceAccountEmail");
    Credentials credentials = f.plugin.validateCredentials(open);
    activeSubscription(orderId, money("USD", 10, 990_000_000));

    // WHEN anyone posts a notification about a real purchase, without a token
    WebhookRequest unsigned =
        f.google.request(
            GooglePlaySimulator.push(
                subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime)),
            null,
            Instant.now());
    // THEN it books exactly what the API says, nothing taken from the body
    assertThat(single(f.deliver(unsigned, credentials)).amountMinor()).isEqualTo(1099L);

    // AND a notification about a purchase Google does not know books nothing
    WebhookRequest forged =
        f.google.request(
            GooglePlaySimulator.push(
                subscriptionNotification(PACKAGE_NAME, 4, newPurchaseToken(), MONTHLY, eventTime)),
            null,
            Instant.now());
    Throwable failure =
        failure(f.plugin.resolve(forged, f.plugin.parse(forged, credentials), credentials));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
  }

  @Test
  void aNotificationForAnotherPackageIsMalformedForThisAccount() {
    WebhookRequest other =
        f.signed(subscriptionNotification("com.paybridge.other", 4, token, MONTHLY, eventTime));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.plugin.parse(other, f.credentials))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("com.paybridge.other");
    assertThat(failure(f.plugin.resolve(other, ParsedWebhook.ignored("1", "x"), f.credentials)))
        .isInstanceOf(MalformedWebhookException.class);
  }
}
