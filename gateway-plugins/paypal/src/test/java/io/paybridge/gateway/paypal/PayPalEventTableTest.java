package io.paybridge.gateway.paypal;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events table, row by row: every event type in {@link PayPalPlugin#eventTable()} has a fixture
 * here, in each resource shape the plugin supports (v2 captures, v1 sales), delivered through
 * verify, parse and resolve against the simulator's API, and its outcome asserted. A row added
 * without a fixture fails {@link #everyRowOfTheEventsTableDoesWhatItSays}; a fixture left for a
 * removed row fails {@link #everyFixtureIsARowOfTheTable}; the docs page must show the table as the
 * code has it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayPalEventTableTest {

  private Vertx vertx;
  private PayPalSimulator paypal;
  private PayPalPlugin plugin;
  private Credentials account;

  /** One delivery of a row's event type and what must come of it. */
  private record Case(String shape, Supplier<String> body, Consumer<ParsedWebhook> outcome) {}

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    paypal = new PayPalSimulator(PayPalSimulator.SANDBOX).start(vertx).await();
    plugin = new PayPalPlugin(List.of(paypal.trustAnchor()));
    await(plugin.init(new PluginContext(vertx, Clock.systemUTC(), paypal.pluginSettings())));
    account = paypal.credentials();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  Stream<Arguments> rows() {
    return new PayPalPlugin().eventTable().stream().map(r -> Arguments.of(r.eventType(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowOfTheEventsTableDoesWhatItSays(String eventType, EventRule rule) {
    List<Case> cases = fixtures().get(eventType);
    assertThat(cases).as("a fixture for the events table row %s", eventType).isNotEmpty();
    for (Case c : cases) {
      String body = c.body().get();
      assertThat(new JsonObject(body).getString("event_type")).isEqualTo(eventType);

      WebhookRequest request = paypal.request(body, Instant.now());
      Verdict verdict = await(plugin.verify(request, account));
      assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
      paypal.reset();
      ParsedWebhook resolved =
          await(plugin.resolve(request, plugin.parse(request, account), account));

      assertThat(resolved.eventType()).as(c.shape()).isEqualTo(eventType);
      switch (rule.action()) {
        case BOOKS ->
            assertThat(paypal.calls(HttpMethod.GET, "/v"))
                .as("%s (%s) is confirmed with PayPal's API", eventType, c.shape())
                .isNotEmpty();
        case IGNORES -> {
          assertThat(resolved.isIgnored()).as(c.shape()).isTrue();
          assertThat(resolved.reason()).as(c.shape()).isEqualTo(rule.what());
          assertThat(paypal.calls()).as("nothing to confirm for %s", eventType).isEmpty();
        }
        case HOLDS -> assertThat(resolved.isHeld()).as(c.shape()).isTrue();
      }
      c.outcome().accept(resolved);
    }
  }

  @Test
  void everyFixtureIsARowOfTheTable() {
    Set<String> types = new HashSet<>();
    plugin.eventTable().forEach(r -> types.add(r.eventType()));
    assertThat(types).containsAll(fixtures().keySet());
  }

  @Test
  void theTableIsWellFormed() {
    List<EventRule> table = plugin.eventTable();
    assertThat(table).extracting(EventRule::eventType).doesNotHaveDuplicates();
    assertThat(table)
        .allSatisfy(
            r -> {
              assertThat(r.eventType()).matches("[A-Z]+(\\.[A-Z-]+)+");
              assertThat(r.what()).isNotBlank().endsWith(".");
            });
    assertThat(table)
        .filteredOn(r -> r.action() == EventRule.Action.BOOKS)
        .allSatisfy(
            r ->
                assertThat(r.what())
                    .contains("keyed")
                    .contains("GET /v")
                    .endsWith("client ID and secret PayPal accepts."));
    assertThat(plugin.subscribedEvents())
        .containsExactlyElementsOf(
            table.stream()
                .filter(r -> r.action() == EventRule.Action.BOOKS)
                .map(EventRule::eventType)
                .toList());
  }

  /** The row of the docs page's events table for a rule: {@code | `TYPE` | books | what |}. */
  static String docsRow(EventRule rule) {
    String what = rule.what().replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
    return "| `"
        + rule.eventType()
        + "` | "
        + rule.action().name().toLowerCase(java.util.Locale.ROOT)
        + " | "
        + what
        + " |";
  }

  @Test
  void theDocsPageShowsTheTableAsTheCodeHasIt() throws IOException {
    Path page = null;
    for (Path p = Path.of("").toAbsolutePath(); p != null && page == null; p = p.getParent()) {
      Path candidate = p.resolve("docs").resolve("gateways").resolve("paypal.md");
      if (Files.isRegularFile(candidate)) {
        page = candidate;
      }
    }
    Assumptions.assumeTrue(page != null, "docs/gateways/paypal.md not found above the module");
    List<String> lines = Files.readAllLines(page);
    StringBuilder expected = new StringBuilder();
    plugin.eventTable().forEach(r -> expected.append(docsRow(r)).append('\n'));
    for (EventRule rule : plugin.eventTable()) {
      assertThat(lines)
          .as("docs/gateways/paypal.md shows this table:%n%s", expected)
          .contains(docsRow(rule));
    }
  }

  // ---- fixtures

  private Map<String, List<Case>> fixtures() {
    Map<String, List<Case>> f = new LinkedHashMap<>();

    // PAYMENT.CAPTURE.* (v2 captures)
    String capture = PayPalSimulator.newResourceId();
    f.put(
        "PAYMENT.CAPTURE.COMPLETED",
        List.of(
            new Case(
                "v2 capture",
                () ->
                    paypal.captureCompleted(
                        PayPalSimulator.newEventId(), capture, "12.34", "USD", "0.50", "u1"),
                r -> expect(r, EventKind.PAYMENT, "capture:" + capture, 1234L))));
    String refund = PayPalSimulator.newResourceId();
    f.put(
        "PAYMENT.CAPTURE.REFUNDED",
        List.of(
            new Case(
                "v2 refund of a capture",
                () ->
                    paypal.captureRefunded(
                        PayPalSimulator.newEventId(), refund, capture, "4.50", "USD", "u1"),
                r -> expect(r, EventKind.REFUND, "refund:" + refund, -450L))));
    f.put(
        "PAYMENT.CAPTURE.REVERSED",
        List.of(
            new Case(
                "v2 reversal of a capture",
                () ->
                    paypal.captureReversed(
                        PayPalSimulator.newEventId(),
                        PayPalSimulator.newResourceId(),
                        capture,
                        "12.34",
                        "USD"),
                r -> expect(r, EventKind.DISPUTE, "dispute:" + capture, -1234L))));
    for (String type :
        List.of("PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "v2 capture",
                  () ->
                      retyped(
                          paypal.captureCompleted(
                              PayPalSimulator.newEventId(),
                              PayPalSimulator.newResourceId(),
                              "3.00",
                              "USD",
                              null,
                              null),
                          type,
                          "status",
                          type.substring(type.lastIndexOf('.') + 1)),
                  r -> {})));
    }
    for (String type : List.of("PAYMENT.AUTHORIZATION.CREATED", "PAYMENT.AUTHORIZATION.VOIDED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "v2 authorization",
                  () ->
                      paypal.event(
                          PayPalSimulator.newEventId(),
                          type,
                          "authorization",
                          "2.0",
                          "A payment authorization was created",
                          new JsonObject()
                              .put("id", PayPalSimulator.newResourceId())
                              .put("status", type.endsWith("VOIDED") ? "VOIDED" : "CREATED")
                              .put("amount", money("7.47", "USD"))
                              .put("expiration_time", "2030-01-01T00:00:00Z")),
                  r -> {})));
    }
    for (String type : List.of("CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.COMPLETED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "v2 order",
                  () ->
                      paypal.event(
                          PayPalSimulator.newEventId(),
                          type,
                          "checkout-order",
                          "2.0",
                          "An order has been approved by buyer",
                          new JsonObject()
                              .put("id", PayPalSimulator.newResourceId())
                              .put("intent", "CAPTURE")
                              .put("status", type.endsWith("APPROVED") ? "APPROVED" : "COMPLETED")
                              .put(
                                  "purchase_units",
                                  new JsonArray()
                                      .add(
                                          new JsonObject()
                                              .put("reference_id", "default")
                                              .put("amount", money("9.00", "USD"))))),
                  r -> {})));
    }

    // PAYMENT.SALE.* (v1 sales, subscriptions' charges)
    String subscriptionSale = PayPalSimulator.newResourceId();
    String oneTimeSale = PayPalSimulator.newResourceId();
    f.put(
        "PAYMENT.SALE.COMPLETED",
        List.of(
            new Case(
                "v1 sale of a subscription",
                () ->
                    paypal.saleCompleted(
                        PayPalSimulator.newEventId(),
                        subscriptionSale,
                        "14.55",
                        "CAD",
                        "0.72",
                        "I-37B4TLL0FAJJ",
                        "member-3"),
                r -> {
                  PaymentEvent e =
                      expect(r, EventKind.RECURRING_CHARGED, "sale:" + subscriptionSale, 1455L);
                  assertThat(e.externalSubscriptionId()).isEqualTo("I-37B4TLL0FAJJ");
                }),
            new Case(
                "v1 one-time sale",
                () ->
                    paypal.saleCompleted(
                        PayPalSimulator.newEventId(),
                        oneTimeSale,
                        "21.00",
                        "USD",
                        null,
                        null,
                        null),
                r -> expect(r, EventKind.PAYMENT, "sale:" + oneTimeSale, 2100L))));
    String saleRefund = PayPalSimulator.newResourceId();
    f.put(
        "PAYMENT.SALE.REFUNDED",
        List.of(
            new Case(
                "v1 refund of a sale",
                () ->
                    paypal.saleRefunded(
                        PayPalSimulator.newEventId(), saleRefund, oneTimeSale, "2.34", "USD"),
                r -> expect(r, EventKind.REFUND, "refund:" + saleRefund, -234L))));
    String saleReversal = PayPalSimulator.newResourceId();
    f.put(
        "PAYMENT.SALE.REVERSED",
        List.of(
            new Case(
                "v1 reversal of a sale",
                () ->
                    paypal.saleReversed(
                        PayPalSimulator.newEventId(),
                        saleReversal,
                        subscriptionSale,
                        "14.55",
                        "CAD"),
                r -> expect(r, EventKind.REFUND, "refund:" + saleReversal, -1455L))));
    for (String type : List.of("PAYMENT.SALE.PENDING", "PAYMENT.SALE.DENIED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "v1 sale",
                  () ->
                      retyped(
                          paypal.saleCompleted(
                              PayPalSimulator.newEventId(),
                              PayPalSimulator.newResourceId(),
                              "5.00",
                              "USD",
                              null,
                              null,
                              null),
                          type,
                          "state",
                          type.endsWith("PENDING") ? "pending" : "denied"),
                  r -> {})));
    }

    // CUSTOMER.DISPUTE.* about a v2 capture and about a v1 sale
    Map<String, String> disputed = Map.of("v2 capture", capture, "v1 sale", oneTimeSale);
    f.put(
        "CUSTOMER.DISPUTE.RESOLVED",
        disputed.entrySet().stream()
            .map(
                t ->
                    new Case(
                        "won dispute of a " + t.getKey(),
                        () ->
                            paypal.disputeEvent(
                                PayPalSimulator.newEventId(),
                                "CUSTOMER.DISPUTE.RESOLVED",
                                PayPalSimulator.newDisputeId(),
                                t.getValue(),
                                "5.00",
                                "USD",
                                "RESOLVED",
                                "RESOLVED_SELLER_FAVOUR",
                                null),
                        r -> {
                          assertThat(r.events())
                              .extracting(PaymentEvent::kind, PaymentEvent::entryKey)
                              .containsExactly(
                                  org.assertj.core.groups.Tuple.tuple(
                                      EventKind.DISPUTE, "dispute:" + t.getValue()),
                                  org.assertj.core.groups.Tuple.tuple(
                                      EventKind.DISPUTE_REVERSED,
                                      "dispute_reversal:" + t.getValue()));
                          assertThat(r.events())
                              .extracting(PaymentEvent::amountMinor)
                              .containsExactly(-500L, 500L);
                        }))
            .toList());
    for (String type : List.of("CUSTOMER.DISPUTE.CREATED", "CUSTOMER.DISPUTE.UPDATED")) {
      f.put(
          type,
          disputed.entrySet().stream()
              .map(
                  t ->
                      new Case(
                          "dispute of a " + t.getKey(),
                          () ->
                              paypal.disputeEvent(
                                  PayPalSimulator.newEventId(),
                                  type,
                                  PayPalSimulator.newDisputeId(),
                                  t.getValue(),
                                  "5.00",
                                  "USD",
                                  "OPEN",
                                  null,
                                  null),
                          r -> {}))
              .toList());
    }

    // BILLING.SUBSCRIPTION.*
    for (String type :
        List.of(
            "BILLING.SUBSCRIPTION.CANCELLED",
            "BILLING.SUBSCRIPTION.SUSPENDED",
            "BILLING.SUBSCRIPTION.EXPIRED")) {
      String subscription = PayPalSimulator.newSubscriptionId();
      f.put(
          type,
          List.of(
              new Case(
                  "billing subscription",
                  () ->
                      paypal.subscriptionEnded(
                          PayPalSimulator.newEventId(),
                          type,
                          subscription,
                          "user-5",
                          "PAYER1",
                          Instant.now().plus(3, ChronoUnit.DAYS)),
                  r -> {
                    PaymentEvent e =
                        expect(
                            r,
                            EventKind.RECURRING_CANCELLED,
                            "cancel:" + subscription + ":" + type,
                            null);
                    assertThat(e.externalSubscriptionId()).isEqualTo(subscription);
                  })));
    }
    for (String type :
        List.of(
            "BILLING.SUBSCRIPTION.CREATED",
            "BILLING.SUBSCRIPTION.ACTIVATED",
            "BILLING.SUBSCRIPTION.UPDATED",
            "BILLING.SUBSCRIPTION.PAYMENT.FAILED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "billing subscription",
                  () ->
                      retyped(
                          paypal.subscriptionEnded(
                              PayPalSimulator.newEventId(),
                              "BILLING.SUBSCRIPTION.CANCELLED",
                              PayPalSimulator.newSubscriptionId(),
                              "user-5",
                              "PAYER1",
                              null),
                          type,
                          "status",
                          type.endsWith("CREATED") ? "APPROVAL_PENDING" : "ACTIVE"),
                  r -> {})));
    }

    // catalog and plans
    for (String type :
        List.of(
            "BILLING.PLAN.CREATED",
            "BILLING.PLAN.UPDATED",
            "BILLING.PLAN.ACTIVATED",
            "BILLING.PLAN.DEACTIVATED",
            "BILLING.PLAN.PRICING-CHANGE.ACTIVATED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "billing plan",
                  () ->
                      paypal.event(
                          PayPalSimulator.newEventId(),
                          type,
                          "plan",
                          "2.0",
                          "A billing plan changed",
                          new JsonObject()
                              .put("id", "P-" + PayPalSimulator.newResourceId())
                              .put("product_id", "PROD-" + PayPalSimulator.newResourceId())
                              .put("name", "Monthly")
                              .put("status", "ACTIVE")),
                  r -> {})));
    }
    for (String type : List.of("CATALOG.PRODUCT.CREATED", "CATALOG.PRODUCT.UPDATED")) {
      f.put(
          type,
          List.of(
              new Case(
                  "catalog product",
                  () ->
                      paypal.event(
                          PayPalSimulator.newEventId(),
                          type,
                          "product",
                          "1.0",
                          "A product changed",
                          new JsonObject()
                              .put("id", "PROD-" + PayPalSimulator.newResourceId())
                              .put("name", "Desk")
                              .put("type", "SERVICE")),
                  r -> {})));
    }
    return f;
  }

  /** The single booked entry, of this kind, key and amount ({@code null}: no amount). */
  private static PaymentEvent expect(
      ParsedWebhook resolved, EventKind kind, String key, Long amount) {
    assertThat(resolved.events()).as(String.valueOf(resolved.reason())).hasSize(1);
    PaymentEvent e = resolved.events().get(0);
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.entryKey()).isEqualTo(key);
    assertThat(e.amountMinor()).isEqualTo(amount);
    return e;
  }

  /** The event with another type, and its resource's {@code field} set to {@code value}. */
  private static String retyped(String body, String type, String field, String value) {
    JsonObject event = new JsonObject(body).put("event_type", type);
    event.getJsonObject("resource").put(field, value);
    return event.encode();
  }

  private static JsonObject money(String value, String currency) {
    return new JsonObject().put("currency_code", currency).put("value", value);
  }
}
