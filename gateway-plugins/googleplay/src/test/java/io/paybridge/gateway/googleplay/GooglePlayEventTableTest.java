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
import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The events table, row by row: every notification type it lists has a fixture here (the
 * notification, and what the simulated Play Developer API knows about its purchase), is pushed in
 * both shapes an account can receive (an authenticated push with its bearer token, and an
 * unauthenticated one), and does what its row says. A row added without a fixture fails {@link
 * #everyRowDoesWhatItSaysInEveryShape}. Then the held paths: no service account key, and a key
 * Google refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GooglePlayEventTableTest {

  private static final String MONTHLY = "premium_monthly";
  private static final String COINS = "coins_500";
  private static final String CUSTOMER = "user-table";

  private final GooglePlayFixture f = GooglePlayFixture.start();
  private final Instant eventTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final Instant expiry =
      eventTime.plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  private String token;
  private String orderId;

  /** What a booking row books: kind, sign of the amount, and the entry key for this purchase. */
  private record Booking(
      EventKind kind, int sign, Function<GooglePlayEventTableTest, String> key) {}

  /** A row's fixture: prepares the simulated API and returns the notification Google publishes. */
  private interface Fixture {
    String prepare(GooglePlayEventTableTest t);
  }

  private static final Map<String, Fixture> FIXTURES = new HashMap<>();
  private static final Map<String, Booking> BOOKINGS = new HashMap<>();

  static {
    // Bookings: the API knows a paid purchase.
    FIXTURES.put("SUBSCRIPTION_RECOVERED", t -> t.renewed(1));
    BOOKINGS.put(
        "SUBSCRIPTION_RECOVERED",
        new Booking(EventKind.RECURRING_CHARGED, 1, t -> "order:" + t.orderId + "..1"));
    FIXTURES.put("SUBSCRIPTION_RENEWED", t -> t.renewed(2));
    BOOKINGS.put(
        "SUBSCRIPTION_RENEWED",
        new Booking(EventKind.RECURRING_CHARGED, 1, t -> "order:" + t.orderId + "..1"));
    FIXTURES.put("SUBSCRIPTION_PURCHASED", t -> t.purchased());
    BOOKINGS.put(
        "SUBSCRIPTION_PURCHASED", new Booking(EventKind.PAYMENT, 1, t -> "order:" + t.orderId));
    FIXTURES.put("SUBSCRIPTION_ITEMS_CHANGED", t -> t.itemsChanged());
    BOOKINGS.put(
        "SUBSCRIPTION_ITEMS_CHANGED",
        new Booking(EventKind.RECURRING_CHARGED, 1, t -> "order:" + t.orderId + "..1"));
    for (int type : new int[] {3, 12, 13}) {
      String name = PlayNotification.subscriptionTypes().get(type);
      FIXTURES.put(name, t -> t.ended(type));
      BOOKINGS.put(
          name,
          new Booking(
              EventKind.RECURRING_CANCELLED,
              0,
              t ->
                  "cancel:"
                      + PlayResolver.digest(t.token)
                      + ":"
                      + type
                      + ":"
                      + t.eventTime.toEpochMilli()));
    }
    FIXTURES.put("ONE_TIME_PRODUCT_PURCHASED", t -> t.oneTimePurchased());
    BOOKINGS.put(
        "ONE_TIME_PRODUCT_PURCHASED", new Booking(EventKind.PAYMENT, 1, t -> "order:" + t.orderId));
    FIXTURES.put("VOIDED_PURCHASE", t -> t.voided());
    BOOKINGS.put("VOIDED_PURCHASE", new Booking(EventKind.REFUND, -1, t -> "refund:" + t.orderId));

    // Everything else: the notification alone; the API is never asked.
    PlayNotification.subscriptionTypes()
        .forEach(
            (type, name) ->
                FIXTURES.putIfAbsent(
                    name,
                    t ->
                        subscriptionNotification(
                            PACKAGE_NAME, type, t.token, MONTHLY, t.eventTime)));
    FIXTURES.put(
        "ONE_TIME_PRODUCT_CANCELED",
        t -> oneTimeProductNotification(PACKAGE_NAME, 2, t.token, COINS, t.eventTime));
    FIXTURES.put(
        "TEST_NOTIFICATION", t -> GooglePlaySimulator.testNotification(PACKAGE_NAME, t.eventTime));
  }

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

  // ---- fixtures

  private void subscription(String state, String latestOrderId) {
    f.google.putSubscription(
        PACKAGE_NAME,
        token,
        subscriptionPurchase(
            state, MONTHLY, latestOrderId, expiry, CUSTOMER, true, money("USD", 9, 990_000_000)));
  }

  private void paidOrder(String id, String productId, JsonObject total) {
    f.google.putOrder(PACKAGE_NAME, order(id, token, "PROCESSED", total, productId));
  }

  private String renewed(int type) {
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId + "..1");
    paidOrder(orderId + "..1", MONTHLY, money("USD", 9, 990_000_000));
    return subscriptionNotification(PACKAGE_NAME, type, token, MONTHLY, eventTime);
  }

  private String purchased() {
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId);
    paidOrder(orderId, MONTHLY, money("USD", 9, 990_000_000));
    return subscriptionNotification(PACKAGE_NAME, 4, token, MONTHLY, eventTime);
  }

  /** A subscription with a base plan and an add-on, both renewed by one order. */
  private String itemsChanged() {
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId + "..1");
    JsonArray items = f.google.subscription(PACKAGE_NAME, token).getJsonArray("lineItems");
    items.add(items.getJsonObject(0).copy().put("productId", "extra_storage"));
    paidOrder(orderId + "..1", MONTHLY, money("USD", 12, 490_000_000));
    return subscriptionNotification(PACKAGE_NAME, 17, token, MONTHLY, eventTime);
  }

  private String ended(int type) {
    subscription(type == 3 ? "SUBSCRIPTION_STATE_CANCELED" : "SUBSCRIPTION_STATE_EXPIRED", orderId);
    return subscriptionNotification(PACKAGE_NAME, type, token, MONTHLY, eventTime);
  }

  private String oneTimePurchased() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, CUSTOMER));
    paidOrder(orderId, COINS, money("EUR", 4, 990_000_000));
    return oneTimeProductNotification(PACKAGE_NAME, 1, token, COINS, eventTime);
  }

  private String voided() {
    f.google.putProductPurchase(PACKAGE_NAME, COINS, token, productPurchase(orderId, 0, CUSTOMER));
    paidOrder(orderId, COINS, money("EUR", 4, 990_000_000));
    f.google.refund(PACKAGE_NAME, orderId);
    return voidedPurchaseNotification(PACKAGE_NAME, token, orderId, 2, 1, eventTime);
  }

  // ---- shapes

  /** The account and delivery of a shape: with push authentication, or without. */
  private record Shape(String name, boolean authenticated) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Shape> SHAPES =
      List.of(new Shape("authenticated push", true), new Shape("unauthenticated push", false));

  private WebhookRequest delivery(String notification, Shape shape) {
    Instant now = Instant.now();
    return f.google.request(
        GooglePlaySimulator.push(notification),
        shape.authenticated() ? f.google.pushToken(now) : null,
        now);
  }

  private Credentials credentials(Shape shape, boolean withKey) {
    JsonObject submitted = f.google.credentialsJson(f.serviceAccountJson);
    if (!shape.authenticated()) {
      submitted.remove(GooglePlayPlugin.PUSH_AUDIENCE);
      submitted.remove(GooglePlayPlugin.PUSH_SERVICE_ACCOUNT_EMAIL);
    }
    if (!withKey) {
      submitted.remove(GooglePlayPlugin.SERVICE_ACCOUNT_JSON);
    }
    return f.plugin.validateCredentials(submitted);
  }

  Stream<Arguments> rowsAndShapes() {
    return f.plugin.eventTable().stream()
        .flatMap(row -> SHAPES.stream().map(shape -> Arguments.of(row, shape)));
  }

  Stream<EventRule> bookingRows() {
    return f.plugin.eventTable().stream().filter(row -> row.action() == EventRule.Action.BOOKS);
  }

  // ---- the table

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("rowsAndShapes")
  void everyRowDoesWhatItSaysInEveryShape(EventRule row, Shape shape) {
    Fixture fixture = FIXTURES.get(row.eventType());
    assertThat(fixture).as("a fixture for the row %s", row.eventType()).isNotNull();
    WebhookRequest request = delivery(fixture.prepare(this), shape);
    ParsedWebhook parsed = f.deliver(request, credentials(shape, true));

    assertThat(parsed.eventType()).isEqualTo(row.eventType());
    assertThat(parsed.eventId())
        .isEqualTo(
            new JsonObject(request.bodyAsString()).getJsonObject("message").getString("messageId"));
    switch (row.action()) {
      case BOOKS -> {
        Booking booking = BOOKINGS.get(row.eventType());
        assertThat(booking).as("the expected booking of %s", row.eventType()).isNotNull();
        assertThat(parsed.events()).hasSize(1);
        PaymentEvent event = parsed.events().get(0);
        assertThat(event.kind()).isEqualTo(booking.kind());
        assertThat(event.entryKey()).isEqualTo(booking.key().apply(this));
        assertThat(event.amountMinor() == null ? 0 : Long.signum(event.amountMinor()))
            .isEqualTo(booking.sign());
        assertThat(event.externalSubscriptionId())
            .isEqualTo(row.eventType().startsWith("SUBSCRIPTION_") ? token : null);
        assertThat(row.what()).contains(event.kind().name());
      }
      case IGNORES -> {
        assertSpecificReason(parsed);
        assertThat(parsed.reason()).endsWith(row.what());
        assertThat(f.google.calls()).as("no API call for %s", row.eventType()).isEmpty();
      }
      case HOLDS -> throw new AssertionError("no Google Play row holds by design");
    }
  }

  @Test
  void everyFixtureIsARowAndEveryDocumentedTypeHasOne() {
    assertThat(f.plugin.eventTable().stream().map(EventRule::eventType))
        .containsExactlyInAnyOrderElementsOf(FIXTURES.keySet())
        .doesNotHaveDuplicates()
        .containsAll(PlayNotification.subscriptionTypes().values())
        .contains("ONE_TIME_PRODUCT_PURCHASED", "ONE_TIME_PRODUCT_CANCELED")
        .contains("VOIDED_PURCHASE", "TEST_NOTIFICATION");
    assertThat(PlayNotification.subscriptionTypes().keySet())
        .as("Google's numbers 1 to 13 and those added since, 14 to 16 and 21 unassigned")
        .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 18, 19, 20, 22);
    f.plugin
        .eventTable()
        .forEach(
            row ->
                assertThat(row.action() == EventRule.Action.BOOKS)
                    .as("%s books exactly when a booking is expected", row.eventType())
                    .isEqualTo(BOOKINGS.containsKey(row.eventType())));
  }

  @Test
  void theSubscribedTypesAreTheBookingRows() {
    assertThat(f.plugin.subscribedEvents()).containsExactlyInAnyOrderElementsOf(BOOKINGS.keySet());
  }

  @Test
  void anItemsChangeWithAnOrderPerItemBooksEachOrderOnce() {
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId + "..1");
    JsonObject sub = f.google.subscription(PACKAGE_NAME, token);
    String addOnOrder = newOrderId();
    sub.getJsonArray("lineItems")
        .add(
            sub.getJsonArray("lineItems")
                .getJsonObject(0)
                .copy()
                .put("productId", "extra_storage")
                .put("latestSuccessfulOrderId", addOnOrder));
    paidOrder(orderId + "..1", MONTHLY, money("USD", 9, 990_000_000));
    paidOrder(addOnOrder, "extra_storage", money("USD", 1, 500_000_000));

    ParsedWebhook parsed =
        f.deliver(subscriptionNotification(PACKAGE_NAME, 17, token, MONTHLY, eventTime));

    assertThat(parsed.events())
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                EventKind.RECURRING_CHARGED, "order:" + orderId + "..1", 999L),
            org.assertj.core.groups.Tuple.tuple(EventKind.PAYMENT, "order:" + addOnOrder, 150L));
  }

  @Test
  void anItemsChangeWhoseOrdersTookNoMoneySaysSo() {
    subscription("SUBSCRIPTION_STATE_ACTIVE", orderId);
    paidOrder(orderId, MONTHLY, money("USD", 0, 0));
    ParsedWebhook parsed =
        f.deliver(subscriptionNotification(PACKAGE_NAME, 17, token, MONTHLY, eventTime));
    assertSpecificReason(parsed);
    assertThat(parsed.reason()).contains(orderId).contains("charged 0 USD");
  }

  // ---- held: no key

  @ParameterizedTest(name = "{0}")
  @MethodSource("bookingRows")
  void withoutAServiceAccountKeyEveryBookingTypeIsHeldNamingTheField(EventRule row) {
    WebhookRequest request = delivery(FIXTURES.get(row.eventType()).prepare(this), SHAPES.get(0));
    Credentials noKey = credentials(SHAPES.get(0), false);

    ParsedWebhook fromParse = f.plugin.parse(request, noKey);
    ParsedWebhook held = f.deliver(request, noKey);

    for (ParsedWebhook parsed : List.of(fromParse, held)) {
      assertThat(parsed.isHeld()).isTrue();
      assertThat(parsed.isIgnored()).isFalse();
      assertThat(parsed.events()).isEmpty();
      assertThat(parsed.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
      assertThat(parsed.eventType()).isEqualTo(row.eventType());
      assertThat(parsed.reason())
          .startsWith(row.eventType() + ": ")
          .contains("serviceAccountJson")
          .contains("kept and booked");
    }
    assertThat(f.google.calls()).as("nothing to call the API with").isEmpty();

    // AND once the tenant saves the key, the same delivery books (the platform reprocesses it)
    assertThat(f.deliver(request, credentials(SHAPES.get(0), true)).events()).isNotEmpty();
  }

  @Test
  void withoutAKeyTypesThatNeedNoApiAreStillIgnoredWithTheirReason() {
    Credentials noKey = credentials(SHAPES.get(1), false);
    ParsedWebhook parsed =
        f.deliver(
            delivery(
                oneTimeProductNotification(PACKAGE_NAME, 2, token, COINS, eventTime),
                SHAPES.get(1)),
            noKey);
    assertSpecificReason(parsed);
    assertThat(parsed.reason())
        .isEqualTo(
            "ONE_TIME_PRODUCT_CANCELED: the purchase was cancelled before payment (abandoned, or"
                + " its pending payment declined); nothing to book");
  }

  // ---- held: a key Google refuses

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {401, 403})
  void aServiceAccountTheApiRefusesHoldsTheDeliveryAsRejected(int status) {
    String email = "refused-" + status + "@paybridge-sample.iam.gserviceaccount.com";
    Credentials refused = withServiceAccount(f.google.newServiceAccountJson(email));
    String message =
        status == 401
            ? "The current user has insufficient permissions to perform the requested operation."
            : "Google Play Android Developer API has not been used in project 1234 before or it is"
                + " disabled.";
    f.google.refuseServiceAccount(email, status, message);
    String notification = renewed(2);

    ParsedWebhook held = f.deliver(delivery(notification, SHAPES.get(0)), refused);

    assertThat(held.isHeld()).isTrue();
    assertThat(held.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(held.reason())
        .startsWith(
            "SUBSCRIPTION_RENEWED: the Play Developer API refused the service account " + email)
        .contains("HTTP " + status)
        .contains(message)
        .contains("Users and permissions")
        .contains("kept and booked");
    if (status == 401) {
      assertThat(f.google.calls(GooglePlaySimulator.OP_TOKEN))
          .as("a refused token is replaced once before the key is given up on")
          .hasSize(2);
    }

    // AND once Google accepts the service account again, the same delivery books
    f.google.acceptServiceAccount(email);
    assertThat(f.deliver(delivery(notification, SHAPES.get(0)), refused).events()).hasSize(1);
  }

  @Test
  void aDeletedKeyHoldsTheDeliveryAsRejectedNamingTheKey() {
    String email = "deleted@paybridge-sample.iam.gserviceaccount.com";
    Credentials deleted = withServiceAccount(f.google.newServiceAccountJson(email));
    f.google.deleteServiceAccountKey(email);

    ParsedWebhook held = f.deliver(delivery(renewed(2), SHAPES.get(1)), withoutPush(deleted));

    assertThat(held.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(held.reason())
        .contains("Google would not issue an access token for the service account " + email)
        .contains("HTTP 400")
        .contains("invalid_grant")
        .contains("Create a new JSON key")
        .contains("serviceAccountJson");
    assertThat(f.google.calls(GooglePlaySimulator.OP_SUBSCRIPTION_GET)).isEmpty();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 500, 503})
  void retryableFailuresStayFailuresSoPubSubDeliversAgain(int status) {
    f.google.failNext(GooglePlaySimulator.OP_SUBSCRIPTION_GET, status);
    Throwable failure = f.resolveFailure(renewed(2));
    assertThat(failure).isInstanceOf(GatewayApiException.class);
    assertThat(((GatewayApiException) failure).retryable()).isTrue();
  }

  @Test
  void aKeyThatNoLongerParsesIsHeldAsNeeded() {
    JsonObject submitted = f.google.credentialsJson(f.serviceAccountJson);
    Map<String, String> values = new HashMap<>();
    f.plugin.validateCredentials(submitted).asMap().forEach(values::put);
    values.put(GooglePlayPlugin.SERVICE_ACCOUNT_JSON, "{\"type\":\"service_account\"}");
    Credentials broken = new Credentials(values);
    WebhookRequest request = delivery(renewed(2), SHAPES.get(0));
    ParsedWebhook held = await(f.plugin.resolve(request, f.plugin.parse(request, broken), broken));
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.reason()).contains("cannot be used").contains("serviceAccountJson");
  }

  private Credentials withServiceAccount(String json) {
    return f.plugin.validateCredentials(f.google.credentialsJson(json));
  }

  private Credentials withoutPush(Credentials credentials) {
    Map<String, String> values = new HashMap<>(credentials.asMap());
    values.remove(GooglePlayPlugin.PUSH_AUDIENCE);
    values.remove(GooglePlayPlugin.PUSH_SERVICE_ACCOUNT_EMAIL);
    return new Credentials(values);
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
