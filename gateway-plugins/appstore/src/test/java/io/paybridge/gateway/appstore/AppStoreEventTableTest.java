package io.paybridge.gateway.appstore;

import static io.paybridge.testkit.Futures.await;
import static io.paybridge.testkit.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The events table, row by row: every notification type it lists has fixtures here, one per subtype
 * Apple documents for it and per payload shape it comes in (a subscription's or a one-time
 * purchase's transaction in {@code data}, a {@code summary}, an {@code externalPurchaseToken}, an
 * {@code appData}), each signed as Apple signs it, verified, parsed and resolved; each does what
 * its row says. A row added without fixtures fails {@link
 * #everyRowHasFixturesAndNoFixtureLacksARow}. Then the held paths of a transaction that names no
 * price: no In-App Purchase key, and a key Apple refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppStoreEventTableTest {

  private final AppStoreSimulator apple = new AppStoreSimulator();
  private final AppStorePlugin plugin = new AppStorePlugin();
  private Vertx vertx;
  private Credentials credentials;
  private String txn;

  /** What a fixture leads to: the entries it books (kind, key prefix, sign), or none. */
  private record Expect(List<Entry> entries) {
    static Expect books(EventKind kind, String keyPrefix, int sign) {
      return new Expect(List.of(new Entry(kind, keyPrefix, sign)));
    }

    static Expect nothing() {
      return new Expect(List.of());
    }
  }

  private record Entry(EventKind kind, String keyPrefix, int sign) {}

  /** One delivery of a row's type: its name (subtype and shape), its body, and its outcome. */
  private record Fixture(
      String name, Function<AppStoreEventTableTest, String> body, Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final Map<String, List<Fixture>> FIXTURES = new LinkedHashMap<>();

  private static void fixture(
      String type, String name, Function<AppStoreEventTableTest, String> body, Expect expect) {
    FIXTURES.computeIfAbsent(type, t -> new ArrayList<>()).add(new Fixture(name, body, expect));
  }

  static {
    Expect payment = Expect.books(EventKind.PAYMENT, "txn:", 1);
    Expect charge = Expect.books(EventKind.RECURRING_CHARGED, "txn:", 1);
    Expect ended = Expect.books(EventKind.RECURRING_CANCELLED, "ended:", 0);
    Expect nothing = Expect.nothing();

    for (String sub : List.of("INITIAL_BUY", "RESUBSCRIBE")) {
      fixture("SUBSCRIBED", sub, t -> t.sub("SUBSCRIBED", sub), payment);
    }
    fixture("DID_RENEW", "no subtype", t -> t.sub("DID_RENEW", null), charge);
    fixture("DID_RENEW", "BILLING_RECOVERY", t -> t.sub("DID_RENEW", "BILLING_RECOVERY"), charge);
    for (String kind : List.of("Consumable", "Non-Consumable", "Non-Renewing Subscription")) {
      fixture("ONE_TIME_CHARGE", kind, t -> t.oneTime("ONE_TIME_CHARGE", null, kind), payment);
    }
    fixture("OFFER_REDEEMED", "INITIAL_BUY", t -> t.sub("OFFER_REDEEMED", "INITIAL_BUY"), payment);
    fixture("OFFER_REDEEMED", "RESUBSCRIBE", t -> t.sub("OFFER_REDEEMED", "RESUBSCRIBE"), payment);
    fixture("OFFER_REDEEMED", "UPGRADE", t -> t.sub("OFFER_REDEEMED", "UPGRADE"), charge);
    fixture("OFFER_REDEEMED", "DOWNGRADE", t -> t.sub("OFFER_REDEEMED", "DOWNGRADE"), nothing);
    fixture("OFFER_REDEEMED", "no subtype", t -> t.sub("OFFER_REDEEMED", null), nothing);
    fixture(
        "DID_CHANGE_RENEWAL_PREF",
        "UPGRADE",
        t -> t.sub("DID_CHANGE_RENEWAL_PREF", "UPGRADE"),
        charge);
    fixture(
        "DID_CHANGE_RENEWAL_PREF",
        "DOWNGRADE",
        t -> t.sub("DID_CHANGE_RENEWAL_PREF", "DOWNGRADE"),
        nothing);
    fixture(
        "DID_CHANGE_RENEWAL_PREF",
        "no subtype",
        t -> t.sub("DID_CHANGE_RENEWAL_PREF", null),
        nothing);
    Expect refund = Expect.books(EventKind.REFUND, "refund:", -1);
    fixture("REFUND", "subscription", t -> t.apple.refund(t.subscription()), refund);
    fixture("REFUND", "Consumable", t -> t.apple.refund(t.consumable("Consumable")), refund);
    Expect reversed =
        new Expect(
            List.of(
                new Entry(EventKind.REFUND, "refund:", -1),
                new Entry(EventKind.REFUND_REVERSED, "refund_reversal:", 1)));
    fixture(
        "REFUND_REVERSED", "subscription", t -> t.apple.refundReversed(t.subscription()), reversed);
    fixture(
        "REFUND_REVERSED",
        "Non-Consumable",
        t -> t.apple.refundReversed(t.consumable("Non-Consumable")),
        reversed);
    for (String sub :
        List.of("VOLUNTARY", "BILLING_RETRY", "PRICE_INCREASE", "PRODUCT_NOT_FOR_SALE")) {
      fixture("EXPIRED", sub, t -> t.sub("EXPIRED", sub), ended);
    }
    fixture(
        "GRACE_PERIOD_EXPIRED",
        "no subtype",
        t -> t.apple.gracePeriodExpired(t.subscription()),
        ended);
    fixture("REVOKE", "family-shared subscription", t -> t.apple.revoke(t.subscription()), ended);
    fixture(
        "REVOKE",
        "family-shared Non-Consumable",
        t -> t.apple.revoke(t.consumable("Non-Consumable")),
        nothing);

    for (String sub : List.of("AUTO_RENEW_DISABLED", "AUTO_RENEW_ENABLED")) {
      fixture(
          "DID_CHANGE_RENEWAL_STATUS", sub, t -> t.sub("DID_CHANGE_RENEWAL_STATUS", sub), nothing);
    }
    fixture(
        "DID_FAIL_TO_RENEW",
        "GRACE_PERIOD",
        t -> t.sub("DID_FAIL_TO_RENEW", "GRACE_PERIOD"),
        nothing);
    fixture("DID_FAIL_TO_RENEW", "no subtype", t -> t.sub("DID_FAIL_TO_RENEW", null), nothing);
    for (String sub : List.of("PENDING", "ACCEPTED")) {
      fixture("PRICE_INCREASE", sub, t -> t.sub("PRICE_INCREASE", sub), nothing);
    }
    fixture("REFUND_DECLINED", "subscription", t -> t.sub("REFUND_DECLINED", null), nothing);
    fixture(
        "REFUND_DECLINED",
        "Consumable",
        t -> t.oneTime("REFUND_DECLINED", null, "Consumable"),
        nothing);
    fixture(
        "CONSUMPTION_REQUEST",
        "Consumable",
        t -> t.oneTime("CONSUMPTION_REQUEST", null, "Consumable"),
        nothing);
    fixture(
        "CONSUMPTION_REQUEST", "subscription", t -> t.sub("CONSUMPTION_REQUEST", null), nothing);
    fixture("RENEWAL_EXTENDED", "no subtype", t -> t.sub("RENEWAL_EXTENDED", null), nothing);
    fixture(
        "RENEWAL_EXTENSION", "SUMMARY (summary)", t -> t.apple.renewalExtensionSummary(), nothing);
    fixture("RENEWAL_EXTENSION", "FAILURE", t -> t.sub("RENEWAL_EXTENSION", "FAILURE"), nothing);
    for (String sub : List.of("UNREPORTED", "CREATED", "ACTIVE_TOKEN_REMINDER")) {
      fixture(
          "EXTERNAL_PURCHASE_TOKEN",
          sub + " (externalPurchaseToken)",
          t -> t.apple.externalPurchaseToken(sub),
          nothing);
    }
    fixture("TEST", "no transaction", t -> t.apple.test(), nothing);
    fixture("RESCIND_CONSENT", "appData", t -> t.apple.rescindConsent(), nothing);
    for (String type : List.of("METADATA_UPDATE", "MIGRATION", "PRICE_CHANGE")) {
      fixture(type, "subscription", t -> t.sub(type, null), nothing);
    }
  }

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    apple.start(vertx).await(10, TimeUnit.SECONDS);
    plugin
        .init(new PluginContext(vertx, Clock.systemUTC(), apple.pluginSettings()))
        .await(10, TimeUnit.SECONDS);
    credentials = apple.credentials();
  }

  @AfterAll
  void stop() throws Exception {
    apple.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void newTransaction() {
    txn = AppStoreSimulator.newTransactionId();
    apple.reinstateApiKey();
  }

  // ---- fixture bodies

  private JsonObject subscription() {
    return apple.subscriptionTransaction(txn, txn, 10990, "USD", "user-table");
  }

  private JsonObject consumable(String type) {
    return apple.oneTimeTransaction(txn, 2990, "EUR", "user-table").put("type", type);
  }

  private String sub(String type, String subtype) {
    JsonObject t = subscription();
    return apple.notification(type, subtype, t, apple.renewalInfo(t));
  }

  private String oneTime(String type, String subtype, String kind) {
    return apple.notification(type, subtype, consumable(kind), null);
  }

  // ---- helpers

  private ParsedWebhook deliver(String body, Credentials creds) {
    WebhookRequest request = apple.request(body);
    Verdict verdict = await(plugin.verify(request, creds));
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, creds);
    return await(plugin.resolve(request, parsed, creds));
  }

  private Credentials withoutKey() {
    Map<String, String> values = new HashMap<>(credentials.asMap());
    values.remove(AppStorePlugin.ISSUER_ID);
    values.remove(AppStorePlugin.KEY_ID);
    values.remove(AppStorePlugin.PRIVATE_KEY);
    return new Credentials(values);
  }

  Stream<Arguments> rowsAndFixtures() {
    return plugin.eventTable().stream()
        .flatMap(
            row ->
                FIXTURES.getOrDefault(row.eventType(), List.of()).stream()
                    .map(fixture -> Arguments.of(row, fixture)));
  }

  // ---- the table

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rowsAndFixtures")
  void everyFixtureOfEveryRowDoesWhatTheRowSays(EventRule row, Fixture fixture) {
    String body = fixture.body().apply(this);
    ParsedWebhook parsed = deliver(body, credentials);

    JsonObject payload = AppStoreSimulator.payloadOf(body);
    assertThat(parsed.eventType()).isEqualTo(row.eventType());
    assertThat(parsed.eventId()).isEqualTo(payload.getString("notificationUUID"));
    assertThat(parsed.isHeld()).isFalse();
    List<Entry> expected = fixture.expect().entries();
    if (expected.isEmpty()) {
      assertSpecificReason(parsed);
      String subtype = payload.getString("subtype");
      if (subtype != null) {
        assertThat(parsed.reason()).contains(subtype);
      }
      return;
    }
    assertThat(row.action()).isEqualTo(EventRule.Action.BOOKS);
    assertThat(parsed.events()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      PaymentEvent event = parsed.events().get(i);
      Entry entry = expected.get(i);
      assertThat(event.kind()).isEqualTo(entry.kind());
      assertThat(event.entryKey()).isEqualTo(entry.keyPrefix() + txn);
      assertThat(event.amountMinor() == null ? 0 : Long.signum(event.amountMinor()))
          .isEqualTo(entry.sign());
      assertThat(row.what()).contains(entry.keyPrefix()).contains(entry.kind().name());
    }
  }

  @Test
  void everyRowHasFixturesAndNoFixtureLacksARow() {
    Map<String, EventRule.Action> actions = new LinkedHashMap<>();
    plugin.eventTable().forEach(row -> actions.put(row.eventType(), row.action()));
    assertThat(actions).hasSize(plugin.eventTable().size());
    assertThat(actions.keySet()).containsExactlyInAnyOrderElementsOf(FIXTURES.keySet());
    assertThat(actions.keySet())
        .as("every notificationType of App Store Server Notifications V2")
        .containsExactlyInAnyOrder(
            "SUBSCRIBED",
            "DID_CHANGE_RENEWAL_PREF",
            "DID_CHANGE_RENEWAL_STATUS",
            "OFFER_REDEEMED",
            "DID_RENEW",
            "EXPIRED",
            "DID_FAIL_TO_RENEW",
            "GRACE_PERIOD_EXPIRED",
            "PRICE_INCREASE",
            "REFUND",
            "REFUND_DECLINED",
            "CONSUMPTION_REQUEST",
            "RENEWAL_EXTENDED",
            "REVOKE",
            "TEST",
            "RENEWAL_EXTENSION",
            "REFUND_REVERSED",
            "EXTERNAL_PURCHASE_TOKEN",
            "ONE_TIME_CHARGE",
            "RESCIND_CONSENT",
            "METADATA_UPDATE",
            "MIGRATION",
            "PRICE_CHANGE");
    FIXTURES.forEach(
        (type, fixtures) ->
            assertThat(fixtures.stream().anyMatch(f -> !f.expect().entries().isEmpty()))
                .as("%s books in some fixture exactly when its row books", type)
                .isEqualTo(actions.get(type) == EventRule.Action.BOOKS));
  }

  @Test
  void aTypeAppleAddsLaterIsKeptWithAReasonNamingIt() {
    ParsedWebhook parsed = deliver(sub("SOMETHING_NEW", null), credentials);
    assertSpecificReason(parsed);
    assertThat(parsed.reason())
        .startsWith("SOMETHING_NEW: not a notification type Apple documented");
  }

  @Test
  void aFreeTrialAndAFamilyMembersPurchaseSayWhyTheyBookNothing() {
    JsonObject trial = apple.subscriptionTransaction(txn, txn, 0, "USD", null);
    ParsedWebhook free = deliver(apple.subscribed(trial), credentials);
    assertSpecificReason(free);
    assertThat(free.reason()).contains(txn).contains("free trial");

    JsonObject shared = subscription().put("inAppOwnershipType", "FAMILY_SHARED");
    ParsedWebhook family = deliver(apple.didRenew(shared), credentials);
    assertSpecificReason(family);
    assertThat(family.reason()).contains("Family Sharing").contains(txn);
  }

  // ---- a transaction without a price: read from the API, or held

  private JsonObject priceless() {
    JsonObject t = consumable("Consumable");
    JsonObject withoutPrice = t.copy();
    withoutPrice.remove("price");
    withoutPrice.remove("currency");
    apple.putTransaction(t);
    return withoutPrice;
  }

  @Test
  void aPricelessRefundIsBookedWithThePriceTheApiReports() {
    ParsedWebhook parsed = deliver(apple.refund(priceless()), credentials);
    assertThat(parsed.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(EventKind.REFUND);
              assertThat(e.entryKey()).isEqualTo("refund:" + txn);
              assertThat(e.amountMinor()).isEqualTo(-299L);
              assertThat(e.currency()).isEqualTo("EUR");
            });
    assertThat(apple.receivedTokens()).isNotEmpty();
  }

  @Test
  void aPricelessChargeAndReversalAreCompletedTheSameWay() {
    JsonObject t = priceless();
    assertThat(deliver(apple.oneTimeCharge(t), credentials).events())
        .extracting(PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("txn:" + txn, 299L));
    assertThat(deliver(apple.refundReversed(t), credentials).events())
        .extracting(PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("refund:" + txn, -299L),
            org.assertj.core.groups.Tuple.tuple("refund_reversal:" + txn, 299L));
  }

  @Test
  void withoutAnInAppPurchaseKeyAPricelessRefundIsHeldNamingTheFields() {
    String body = apple.refund(priceless());
    int calls = apple.receivedTokens().size();

    ParsedWebhook held = deliver(body, withoutKey());

    assertThat(held.isHeld()).isTrue();
    assertThat(held.isIgnored()).isFalse();
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.eventType()).isEqualTo("REFUND");
    assertThat(held.reason())
        .startsWith("REFUND: transaction " + txn + " carries no price")
        .contains("issuerId, keyId and privateKey")
        .contains("kept and booked");
    assertThat(apple.receivedTokens()).as("no call without a key").hasSize(calls);

    // AND once the key is saved, the same delivery books
    assertThat(deliver(body, credentials).events()).hasSize(1);
  }

  @Test
  void aKeyAppleRefusesHoldsThePricelessRefundAsRejected() {
    String body = apple.refund(priceless());
    apple.revokeApiKey();

    ParsedWebhook held = deliver(body, credentials);

    assertThat(held.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(held.reason())
        .startsWith(
            "REFUND: the App Store Server API refused the In-App Purchase key " + apple.keyId())
        .contains("HTTP 401")
        .contains(txn)
        .contains("kept and booked");

    apple.reinstateApiKey();
    assertThat(deliver(body, credentials).events()).hasSize(1);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 500, 503})
  void retryableApiFailuresStayFailuresSoAppleRetries(int status) {
    String body = apple.refund(priceless());
    apple.failNext(status, "{\"errorCode\":4290000,\"errorMessage\":\"Rate limit exceeded.\"}");
    WebhookRequest request = apple.request(body);
    Throwable err =
        failure(plugin.resolve(request, plugin.parse(request, credentials), credentials));
    assertThat(err).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) err).retryable()).isTrue();
  }

  @Test
  void aTransactionTheApiDoesNotKnowIsKeptWithTheReason() {
    JsonObject unknown = consumable("Consumable");
    unknown.remove("price");
    ParsedWebhook parsed = deliver(apple.refund(unknown), credentials);
    assertSpecificReason(parsed);
    assertThat(parsed.reason()).contains(txn).contains("HTTP 404");
  }

  @Test
  void aTransactionWithoutAPriceEvenInTheApiIsKeptWithTheReason() {
    JsonObject t = consumable("Consumable");
    t.remove("price");
    apple.putTransaction(t);
    ParsedWebhook parsed = deliver(apple.refund(t), credentials);
    assertSpecificReason(parsed);
    assertThat(parsed.reason()).contains("no price").contains(txn).contains("by hand");
  }

  /** A reason a tenant can act on: names the type and is not the SPI's generic fallback. */
  static void assertSpecificReason(ParsedWebhook parsed) {
    assertThat(parsed.isIgnored()).as("ignored").isTrue();
    assertThat(parsed.isHeld()).isFalse();
    assertThat(parsed.reason())
        .isNotBlank()
        .startsWith(parsed.eventType() + ": ")
        .doesNotContain("is not one Paybridge books")
        .doesNotContainIgnoringCase("not acted on")
        .hasSizeGreaterThan(parsed.eventType().length() + 30);
  }
}
