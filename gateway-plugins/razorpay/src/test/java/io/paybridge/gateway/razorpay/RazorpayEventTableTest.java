package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.EventRule.Action;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the events table, fed each payload shape the plugin reads for it (notes as an object
 * or as Razorpay's empty array, {@code captured} as {@code true} or {@code "1"}, a refund with or
 * without its payment) and checked against what the row says. A row added without a fixture fails
 * {@link #everyRowDoesWhatItSays}.
 */
class RazorpayEventTableTest {

  private static final String SECRET = "event-table-secret";
  private static final RazorpayPlugin PLUGIN = new RazorpayPlugin();
  private static final RazorpaySimulator RAZORPAY = new RazorpaySimulator(SECRET);
  private static final Credentials ACCOUNT = RAZORPAY.credentials();

  /** One delivery of a row's event type and what must come of it. */
  private record Fixture(String shape, String body, Consumer<ParsedWebhook> expect) {}

  private static final Map<String, List<Fixture>> FIXTURES = fixtures();

  private static Map<String, List<Fixture>> fixtures() {
    Map<String, List<Fixture>> f = new LinkedHashMap<>();
    f.put(
        "payment.authorized",
        List.of(
            new Fixture(
                "notes object",
                RAZORPAY.paymentAuthorized("pay_T1", 25_000, "INR", "user-1"),
                p -> books(p, tuple(EventKind.AUTHORIZED, "authorized:pay_T1", 25_000L)))));
    f.put(
        "payment.captured",
        List.of(
            new Fixture(
                "captured true, notes object",
                RAZORPAY.paymentCaptured("pay_T2", 50_000, "INR", "user-2"),
                p -> books(p, tuple(EventKind.PAYMENT, "payment:pay_T2", 50_000L))),
            new Fixture(
                "captured \"1\", notes []",
                withPayment(
                    RAZORPAY.paymentCaptured("pay_T3", 50_000, "INR", null),
                    payment -> payment.put("captured", "1")),
                p -> books(p, tuple(EventKind.PAYMENT, "payment:pay_T3", 50_000L)))));
    f.put(
        "order.paid",
        List.of(
            new Fixture(
                "with its order",
                orderPaid("pay_T4", "order_T4"),
                p -> books(p, tuple(EventKind.PAYMENT, "payment:pay_T4", 30_000L)))));
    f.put(
        "payment.failed",
        List.of(
            new Fixture(
                "declined card",
                RAZORPAY.paymentFailed("pay_T5", 30_000, "INR"),
                p -> ignores(p, "payment pay_T5 failed: Razorpay collected no money for it"))));
    f.put(
        "subscription.charged",
        List.of(
            new Fixture(
                "reference in the subscription's notes",
                RAZORPAY.subscriptionCharged(
                    "pay_T6", "sub_T6", 49_900, "INR", "reader-6", Instant.now()),
                p -> books(p, tuple(EventKind.RECURRING_CHARGED, "payment:pay_T6", 49_900L)))));
    for (String ended :
        List.of("subscription.halted", "subscription.cancelled", "subscription.completed")) {
      String status = ended.substring("subscription.".length());
      f.put(
          ended,
          List.of(
              new Fixture(
                  status,
                  RAZORPAY.subscriptionEvent(ended, "sub_T7", status),
                  p ->
                      books(
                          p,
                          tuple(EventKind.RECURRING_CANCELLED, "cancel:sub_T7:" + ended, null)))));
    }
    Map<String, String> moneyless =
        Map.of(
            "subscription.authenticated", "authenticated",
            "subscription.activated", "active",
            "subscription.pending", "pending",
            "subscription.updated", "active",
            "subscription.paused", "paused",
            "subscription.resumed", "active");
    moneyless.forEach(
        (type, status) ->
            f.put(
                type,
                List.of(
                    new Fixture(
                        status,
                        RAZORPAY.subscriptionEvent(type, "sub_T8", status),
                        p -> {
                          assertThat(p.reason())
                              .startsWith("subscription sub_T8: ")
                              .endsWith("; its charges arrive as subscription.charged");
                          assertThat(p.reason()).containsAnyOf("no money", "nothing is charged");
                        }))));
    f.put(
        "refund.created",
        List.of(
            new Fixture(
                "pending refund",
                RAZORPAY.refundEvent("refund.created", "rfnd_T9", "pay_T9", 10_000, "INR"),
                p ->
                    ignores(
                        p,
                        "refund rfnd_T9 was created: it is booked when Razorpay reports it"
                            + " processed (refund.processed), and reversed if it fails"
                            + " (refund.failed)"))));
    f.put(
        "refund.processed",
        List.of(
            new Fixture(
                "with its payment",
                RAZORPAY.refundProcessed("rfnd_T10", "pay_T10", 20_000, "INR"),
                p -> books(p, tuple(EventKind.REFUND, "refund:rfnd_T10", -20_000L))),
            new Fixture(
                "refund alone",
                withoutPayment(RAZORPAY.refundProcessed("rfnd_T11", "pay_T11", 20_000, "INR")),
                p -> books(p, tuple(EventKind.REFUND, "refund:rfnd_T11", -20_000L))),
            new Fixture(
                "auto-refund of an uncaptured payment",
                RAZORPAY.autoRefundEvent("refund.processed", "rfnd_T12", "pay_T12", 20_000, "INR"),
                p ->
                    ignores(
                        p,
                        "refund rfnd_T12 is Razorpay's auto-refund of payment pay_T12, which was"
                            + " never captured: neither the payment nor its refund is booked"))));
    f.put(
        "refund.failed",
        List.of(
            new Fixture(
                "with its payment",
                RAZORPAY.refundEvent("refund.failed", "rfnd_T13", "pay_T13", 20_000, "INR"),
                p ->
                    books(
                        p,
                        tuple(EventKind.REFUND, "refund:rfnd_T13", -20_000L),
                        tuple(EventKind.REFUND_REVERSED, "refund_reversal:rfnd_T13", 20_000L))),
            new Fixture(
                "refund alone",
                withoutPayment(
                    RAZORPAY.refundEvent("refund.failed", "rfnd_T14", "pay_T14", 20_000, "INR")),
                p ->
                    books(
                        p,
                        tuple(EventKind.REFUND, "refund:rfnd_T14", -20_000L),
                        tuple(EventKind.REFUND_REVERSED, "refund_reversal:rfnd_T14", 20_000L))),
            new Fixture(
                "auto-refund of an uncaptured payment",
                RAZORPAY.autoRefundEvent("refund.failed", "rfnd_T15", "pay_T15", 20_000, "INR"),
                p -> assertThat(p.reason()).contains("auto-refund"))));
    f.put(
        "refund.speed_changed",
        List.of(
            new Fixture(
                "instant to normal",
                RAZORPAY.refundEvent("refund.speed_changed", "rfnd_T16", "pay_T16", 10_000, "INR"),
                p ->
                    ignores(
                        p, "refund rfnd_T16 changed speed (instant to normal): no money moved"))));
    f.put(
        "payment.dispute.created",
        List.of(
            new Fixture(
                "open chargeback",
                dispute("payment.dispute.created", "disp_T17"),
                p -> books(p, tuple(EventKind.DISPUTE, "dispute:disp_T17", -39_000L)))));
    f.put(
        "payment.dispute.lost",
        List.of(
            new Fixture(
                "lost chargeback",
                dispute("payment.dispute.lost", "disp_T18"),
                p -> books(p, tuple(EventKind.DISPUTE, "dispute:disp_T18", -39_000L)))));
    f.put(
        "payment.dispute.won",
        List.of(
            new Fixture(
                "won chargeback",
                dispute("payment.dispute.won", "disp_T19"),
                p ->
                    books(
                        p,
                        tuple(EventKind.DISPUTE, "dispute:disp_T19", -39_000L),
                        tuple(EventKind.DISPUTE_REVERSED, "dispute_reversal:disp_T19", 39_000L)))));
    f.put(
        "payment.dispute.closed",
        List.of(
            new Fixture(
                "closed fraud dispute, nothing deducted",
                dispute("payment.dispute.closed", "disp_T20"),
                p ->
                    books(
                        p,
                        tuple(EventKind.DISPUTE, "dispute:disp_T20", -39_000L),
                        tuple(EventKind.DISPUTE_REVERSED, "dispute_reversal:disp_T20", 39_000L))),
            new Fixture(
                "closed with an amount deducted",
                withDispute(
                    dispute("payment.dispute.closed", "disp_T21"),
                    d -> d.put("amount_deducted", 39_000)),
                p -> books(p, tuple(EventKind.DISPUTE, "dispute:disp_T21", -39_000L)))));
    f.put(
        "payment.dispute.under_review",
        List.of(
            new Fixture(
                "evidence submitted",
                dispute("payment.dispute.under_review", "disp_T22"),
                p ->
                    ignores(
                        p,
                        "dispute disp_T22 is under review with the evidence submitted: no money"
                            + " moved"))));
    f.put(
        "payment.dispute.action_required",
        List.of(
            new Fixture(
                "evidence insufficient",
                dispute("payment.dispute.action_required", "disp_T23"),
                p ->
                    ignores(
                        p,
                        "dispute disp_T23 needs more evidence before it can be contested: no"
                            + " money moved"))));
    return f;
  }

  static Stream<EventRule> rows() {
    return PLUGIN.eventTable().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowDoesWhatItSays(EventRule row) {
    List<Fixture> fixtures = FIXTURES.get(row.eventType());
    assertThat(fixtures).as("fixtures for row %s", row.eventType()).isNotEmpty();
    assertThat(row.what()).isNotBlank();
    boolean someBook = false;
    for (Fixture fixture : fixtures) {
      WebhookRequest request =
          RAZORPAY.request(fixture.body(), "evt_" + fixture.shape().hashCode());
      Verdict verdict = verify(request);
      assertThat(verdict.authentic()).as("%s: %s", fixture.shape(), verdict.reason()).isTrue();

      ParsedWebhook parsed = PLUGIN.parse(request, ACCOUNT);

      assertThat(parsed.eventType()).as(fixture.shape()).isEqualTo(row.eventType());
      if (parsed.isIgnored()) {
        assertThat(parsed.reason())
            .as("%s: a specific reason", fixture.shape())
            .doesNotContain("is not one Paybridge books")
            .doesNotContain("not in Paybridge's events table");
      }
      someBook |= !parsed.events().isEmpty();
      fixture.expect().accept(parsed);
    }
    assertThat(someBook)
        .as("a row that books has a fixture that books; an ignoring row has none")
        .isEqualTo(row.action() == Action.BOOKS);
  }

  @Test
  void everyFixtureIsARowOfTheTable() {
    assertThat(PLUGIN.eventTable().stream().map(EventRule::eventType))
        .containsExactlyInAnyOrderElementsOf(FIXTURES.keySet());
  }

  @Test
  void tenantsSubscribeToExactlyTheBookingRows() {
    assertThat(PLUGIN.subscribedEvents())
        .containsExactlyElementsOf(
            PLUGIN.eventTable().stream()
                .filter(r -> r.action() == Action.BOOKS)
                .map(EventRule::eventType)
                .toList());
  }

  // ---- helpers

  private static void books(ParsedWebhook parsed, org.assertj.core.groups.Tuple... expected) {
    assertThat(parsed.events())
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(expected);
  }

  private static void ignores(ParsedWebhook parsed, String reason) {
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason()).isEqualTo(reason);
  }

  private static String dispute(String type, String disputeId) {
    return RAZORPAY.disputeEvent(type, disputeId, "pay_" + disputeId.substring(5), 39_000, "INR");
  }

  private static String orderPaid(String paymentId, String orderId) {
    JsonObject payload =
        new JsonObject(RAZORPAY.paymentCaptured(paymentId, 30_000, "INR", null))
            .getJsonObject("payload");
    payload.put(
        "order",
        new JsonObject()
            .put(
                "entity",
                new JsonObject()
                    .put("id", orderId)
                    .put("entity", "order")
                    .put("amount", 30_000)
                    .put("amount_paid", 30_000)
                    .put("amount_due", 0)
                    .put("currency", "INR")
                    .put("status", "paid")
                    .put("notes", new JsonArray())
                    .put("created_at", 1_700_000_000L)));
    return RAZORPAY.event("order.paid", payload);
  }

  private static String withPayment(String body, Consumer<JsonObject> change) {
    JsonObject root = new JsonObject(body);
    change.accept(root.getJsonObject("payload").getJsonObject("payment").getJsonObject("entity"));
    return root.encode();
  }

  private static String withDispute(String body, Consumer<JsonObject> change) {
    JsonObject root = new JsonObject(body);
    change.accept(root.getJsonObject("payload").getJsonObject("dispute").getJsonObject("entity"));
    return root.encode();
  }

  private static String withoutPayment(String body) {
    JsonObject root = new JsonObject(body);
    root.getJsonObject("payload").remove("payment");
    root.put("contains", new JsonArray().add("refund"));
    return root.encode();
  }

  private static Verdict verify(WebhookRequest request) {
    try {
      return PLUGIN
          .verify(request, ACCOUNT)
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
