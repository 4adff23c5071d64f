package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the events table, proven on every API version the plugin supports: a delivery of the
 * row's type in that version's shape books the kinds and keys the row names, or is ignored with
 * exactly the row's reason. A row without a fixture here fails, so the table cannot grow without
 * proof.
 */
class StripeEventTableTest {

  private static final Instant PERIOD_END =
      Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

  /** One ledger entry a fixture must book. */
  private record Entry(EventKind kind, String key, Long amount) {}

  /**
   * A delivery of one event type on one API version, and what it must come to.
   *
   * @param body the signed event's body
   * @param asksStripe whether booking it takes Stripe's API, so that it is held without a key
   * @param books the entries it books, in order; empty when ignored
   */
  private record Fixture(
      String body, boolean asksStripe, List<Entry> books, List<FollowUp> followUps) {
    static Fixture books(String body, Entry... entries) {
      return new Fixture(body, false, List.of(entries), List.of());
    }

    static Fixture ignored(String body) {
      return new Fixture(body, false, List.of(), List.of());
    }

    /** A delivery that books nothing and asks for these follow-ups (none: it waits). */
    static Fixture following(String body, FollowUp... followUps) {
      return new Fixture(body, false, List.of(), List.of(followUps));
    }

    Fixture askingStripe() {
      return new Fixture(body, true, books, followUps);
    }
  }

  /** Builds a fixture on a version, adding to the fake what Stripe would hold for it. */
  private interface FixtureFactory {
    Fixture make(StripeTestBed bed, String version);
  }

  private static final Map<String, FixtureFactory> FIXTURES =
      Map.ofEntries(
          Map.entry("payment_intent.succeeded", StripeEventTableTest::paymentIntentSucceeded),
          Map.entry("charge.succeeded", StripeEventTableTest::chargeSucceeded),
          Map.entry("charge.captured", StripeEventTableTest::chargeCaptured),
          Map.entry("checkout.session.completed", StripeEventTableTest::checkoutCompleted),
          Map.entry("charge.refunded", StripeEventTableTest::chargeRefunded),
          Map.entry("refund.created", StripeEventTableTest::refundCreated),
          Map.entry("refund.updated", StripeEventTableTest::refundUpdated),
          Map.entry("refund.failed", StripeEventTableTest::refundFailed),
          Map.entry("invoice.paid", (bed, v) -> invoicePaid(bed, v, "invoice.paid")),
          Map.entry(
              "invoice.payment_succeeded",
              (bed, v) -> invoicePaid(bed, v, "invoice.payment_succeeded")),
          Map.entry("customer.subscription.deleted", StripeEventTableTest::subscriptionDeleted),
          Map.entry("charge.dispute.funds_withdrawn", StripeEventTableTest::fundsWithdrawn),
          Map.entry("charge.dispute.funds_reinstated", StripeEventTableTest::fundsReinstated),
          Map.entry(
              "payment_intent.amount_capturable_updated",
              StripeEventTableTest::amountCapturableUpdated),
          Map.entry("review.closed", StripeEventTableTest::reviewClosed),
          Map.entry(
              "charge.dispute.created", (bed, v) -> disputeNews(bed, v, "created", "warning")),
          Map.entry(
              "charge.dispute.updated", (bed, v) -> disputeNews(bed, v, "updated", "under_review")),
          Map.entry("charge.dispute.closed", (bed, v) -> disputeNews(bed, v, "closed", "lost")));

  @RegisterExtension final StripeTestBed bed = new StripeTestBed();

  static Stream<Arguments> rowsOnEveryVersion() {
    return new StripePlugin()
        .eventTable().stream()
            .flatMap(
                row ->
                    StripeSimulator.API_VERSIONS.stream()
                        .map(version -> Arguments.of(row.eventType(), version, row)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("rowsOnEveryVersion")
  void everyRowDoesWhatItSaysOnEveryVersion(String type, String version, EventRule row) {
    // GIVEN a delivery of the row's type, rendered in the version's shapes
    FixtureFactory factory = FIXTURES.get(type);
    assertThat(factory).as("a fixture for the events-table row %s", type).isNotNull();
    Fixture fixture = factory.make(bed, version);
    JsonObject event = new JsonObject(fixture.body());
    assertThat(event.getString("type")).isEqualTo(type);
    assertThat(event.getString("api_version")).isEqualTo(version);

    // WHEN an account with an API key receives it, and one without
    ParsedWebhook withKey = bed.deliver(fixture.body(), bed.withKey());
    ParsedWebhook withoutKey = bed.deliver(fixture.body(), bed.withoutKey());

    // THEN it does what the row says
    switch (row.action()) {
      case BOOKS -> {
        assertThat(withKey.events()).as("%s books", type).isNotEmpty();
        assertThat(withKey.events())
            .extracting(e -> new Entry(e.kind(), e.entryKey(), e.amountMinor()))
            .containsExactlyElementsOf(fixture.books());
        for (PaymentEvent e : withKey.events()) {
          assertSigned(e);
          assertThat(row.what())
              .as("the row names the kind and key it books")
              .contains(e.kind().name())
              .contains(e.entryKey().substring(0, e.entryKey().indexOf(':') + 1) + "<");
        }
        if (fixture.asksStripe()) {
          assertThat(withoutKey.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
          assertThat(withoutKey.reason()).contains("apiKey");
          assertThat(row.what()).as("the row says it needs the key").contains("apiKey");
        } else {
          assertThat(withoutKey).as("books without asking Stripe").isEqualTo(withKey);
        }
      }
      case IGNORES -> {
        assertThat(fixture.books()).isEmpty();
        assertThat(withKey.isIgnored()).isTrue();
        assertThat(withKey.reason()).isEqualTo(row.what());
        assertThat(withoutKey).isEqualTo(withKey);
      }
      case FOLLOWS_UP -> {
        assertThat(withKey.events()).as("%s books nothing itself", type).isEmpty();
        assertThat(withKey.hold()).isNull();
        assertThat(withKey.followUps()).isEqualTo(fixture.followUps());
        assertThat(row.what()).as("the row says why").contains(withKey.reason());
        if (fixture.asksStripe()) {
          assertThat(withoutKey.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
          assertThat(row.what()).as("the row says it needs the key").contains("apiKey");
        } else {
          assertThat(withoutKey).isEqualTo(withKey);
        }
      }
      case HOLDS -> fail("no Stripe event type only holds: %s", type);
    }
  }

  @Test
  void everyFixtureIsForARowOfTheTable() {
    assertThat(new StripePlugin().eventTable())
        .extracting(EventRule::eventType)
        .containsExactlyInAnyOrderElementsOf(FIXTURES.keySet());
  }

  @Test
  void typesOutsideTheTableAreIgnoredWithTheGenericReason() {
    String body =
        bed.stripe.event(
            "evt_Other",
            "customer.created",
            new JsonObject().put("id", "cus_1").put("object", "customer"),
            StripeSimulator.API_VERSION);
    ParsedWebhook parsed = bed.deliver(body, bed.withKey());
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason()).isEqualTo("event type customer.created is not one Paybridge books");
  }

  private static void assertSigned(PaymentEvent e) {
    switch (e.kind().sign()) {
      case POSITIVE -> assertThat(e.amountMinor()).as(e.entryKey()).isPositive();
      case NEGATIVE -> assertThat(e.amountMinor()).as(e.entryKey()).isNegative();
      case NONE -> assertThat(e.amountMinor()).as(e.entryKey()).isNull();
    }
  }

  // ---- fixtures

  private static boolean basil(String version) {
    return StripeSimulator.isBasil(version);
  }

  /**
   * A basil subscription renewal paid by a payment intent, as the fake knows it: the payment events
   * find their invoice through its invoice payment.
   */
  private static void renewal(StripeTestBed bed) {
    bed.api.addPaymentIntent("pi_Renew", 1500, "usd");
    bed.api.putInvoice(
        bed.stripe.invoice(
            StripeSimulator.API_VERSION,
            "in_Renew",
            "sub_Renew",
            null,
            1500,
            "usd",
            "user-1",
            PERIOD_END));
    bed.api.addInvoicePayment("in_Renew", "pi_Renew");
  }

  private static Fixture paymentIntentSucceeded(StripeTestBed bed, String version) {
    if (!basil(version)) {
      String body =
          bed.stripe.event(
              "evt_Pi",
              "payment_intent.succeeded",
              bed.stripe.paymentIntent(version, "pi_Once", 2000, "usd", "user-1", null),
              version);
      return Fixture.books(body, new Entry(EventKind.PAYMENT, "payment:pi_Once", 2000L));
    }
    renewal(bed);
    String body =
        bed.stripe.event(
            "evt_Pi",
            "payment_intent.succeeded",
            bed.stripe.paymentIntent(version, "pi_Renew", 1500, "usd", "user-1", null),
            version);
    return Fixture.books(body, new Entry(EventKind.RECURRING_CHARGED, "invoice:in_Renew", 1500L))
        .askingStripe();
  }

  private static Fixture chargeSucceeded(StripeTestBed bed, String version) {
    if (!basil(version)) {
      String body =
          bed.stripe.event(
              "evt_Ch",
              "charge.succeeded",
              bed.stripe.charge(version, "ch_Once", "pi_Once", 2000, 0, "usd", "user-1", null),
              version);
      return Fixture.books(body, new Entry(EventKind.PAYMENT, "payment:pi_Once", 2000L));
    }
    renewal(bed);
    String chargeId = bed.api.chargeOf("pi_Renew").getString("id");
    String body =
        bed.stripe.event(
            "evt_Ch",
            "charge.succeeded",
            bed.stripe.charge(version, chargeId, "pi_Renew", 1500, 0, "usd", "user-1", null),
            version);
    return Fixture.books(body, new Entry(EventKind.RECURRING_CHARGED, "invoice:in_Renew", 1500L))
        .askingStripe();
  }

  private static Fixture checkoutCompleted(StripeTestBed bed, String version) {
    JsonObject session =
        basil(version)
            ? bed.stripe.checkoutSession(
                version, "cs_Sub", "subscription", null, "in_First", "sub_New", 900, "usd", "u-1")
            : bed.stripe.checkoutSession(
                version, "cs_Pay", "payment", "pi_Shop", null, null, 4200, "usd", "u-1");
    String body = bed.stripe.event("evt_Cs", "checkout.session.completed", session, version);
    return basil(version)
        ? Fixture.books(body, new Entry(EventKind.PAYMENT, "invoice:in_First", 900L))
        : Fixture.books(body, new Entry(EventKind.PAYMENT, "payment:pi_Shop", 4200L));
  }

  private static Fixture chargeRefunded(StripeTestBed bed, String version) {
    bed.api.addPaymentIntent("pi_Refunded", 5000, "usd");
    String chargeId = bed.api.chargeOf("pi_Refunded").getString("id");
    String first = bed.api.addRefund(chargeId, 1000, "succeeded").getString("id");
    String second = bed.api.addRefund(chargeId, 2000, "succeeded").getString("id");
    String body =
        bed.stripe.event(
            "evt_Refunded",
            "charge.refunded",
            bed.stripe.charge(version, chargeId, "pi_Refunded", 5000, 3000, "usd", "user-1", null),
            version);
    return Fixture.books(
            body,
            new Entry(EventKind.REFUND, "refund:" + second, -2000L),
            new Entry(EventKind.REFUND, "refund:" + first, -1000L))
        .askingStripe();
  }

  private static Fixture refundCreated(StripeTestBed bed, String version) {
    String body =
        bed.stripe.event(
            "evt_Re",
            "refund.created",
            bed.stripe.refund("re_New", "ch_1", "pi_1", 500, "usd", "succeeded"),
            version);
    return Fixture.books(body, new Entry(EventKind.REFUND, "refund:re_New", -500L));
  }

  /** A refund that succeeded on one version, one that failed after succeeding on the other. */
  private static Fixture refundUpdated(StripeTestBed bed, String version) {
    String status = basil(version) ? "failed" : "succeeded";
    String body =
        bed.stripe.event(
            "evt_ReUp",
            "refund.updated",
            bed.stripe.refund("re_Up", "ch_1", "pi_1", 700, "usd", status),
            version);
    return basil(version)
        ? Fixture.books(
            body,
            new Entry(EventKind.REFUND, "refund:re_Up", -700L),
            new Entry(EventKind.REFUND_REVERSED, "refund_reversal:re_Up", 700L))
        : Fixture.books(body, new Entry(EventKind.REFUND, "refund:re_Up", -700L));
  }

  private static Fixture refundFailed(StripeTestBed bed, String version) {
    String body =
        bed.stripe.event(
            "evt_ReFail",
            "refund.failed",
            bed.stripe.refund("re_Fail", "ch_1", "pi_1", 800, "usd", "failed"),
            version);
    return Fixture.books(
        body,
        new Entry(EventKind.REFUND, "refund:re_Fail", -800L),
        new Entry(EventKind.REFUND_REVERSED, "refund_reversal:re_Fail", 800L));
  }

  private static Fixture invoicePaid(StripeTestBed bed, String version, String type) {
    JsonObject invoice =
        bed.stripe.invoice(
            version, "in_Cycle", "sub_Cycle", "pi_Cycle", 1500, "usd", "user-1", PERIOD_END);
    return Fixture.books(
        bed.stripe.event("evt_In", type, invoice, version),
        new Entry(EventKind.RECURRING_CHARGED, "invoice:in_Cycle", 1500L));
  }

  private static Fixture subscriptionDeleted(StripeTestBed bed, String version) {
    String body =
        bed.stripe.event(
            "evt_Del",
            "customer.subscription.deleted",
            bed.stripe.canceledSubscription(version, "sub_Gone", "user-1"),
            version);
    return Fixture.books(body, new Entry(EventKind.RECURRING_CANCELLED, "cancel:sub_Gone", null));
  }

  private static Fixture fundsWithdrawn(StripeTestBed bed, String version) {
    JsonObject dispute =
        bed.stripe.dispute("dp_1", "ch_D", "pi_D", 2000, "usd", "needs_response", -2000);
    return Fixture.books(
        bed.stripe.event("evt_Dw", "charge.dispute.funds_withdrawn", dispute, version),
        new Entry(EventKind.DISPUTE, "dispute:dp_1", -2000L));
  }

  private static Fixture fundsReinstated(StripeTestBed bed, String version) {
    JsonObject dispute =
        bed.stripe.dispute("dp_2", "ch_D", "pi_D", 2000, "usd", "won", -2000, 2000);
    return Fixture.books(
        bed.stripe.event("evt_Dr", "charge.dispute.funds_reinstated", dispute, version),
        new Entry(EventKind.DISPUTE, "dispute:dp_2", -2000L),
        new Entry(EventKind.DISPUTE_REVERSED, "dispute_reversal:dp_2", 2000L));
  }

  private static Fixture amountCapturableUpdated(StripeTestBed bed, String version) {
    return checkoutFixture(StripeCheckoutFixtures.amountCapturableUpdated(bed, version));
  }

  private static Fixture reviewClosed(StripeTestBed bed, String version) {
    return checkoutFixture(StripeCheckoutFixtures.reviewClosed(bed, version));
  }

  private static Fixture chargeCaptured(StripeTestBed bed, String version) {
    StripeCheckoutFixtures.Delivery d = StripeCheckoutFixtures.chargeCaptured(bed, version);
    Fixture fixture =
        Fixture.books(d.body(), new Entry(EventKind.PAYMENT, "payment:" + d.intent(), 2500L));
    return d.asksStripe() ? fixture.askingStripe() : fixture;
  }

  private static Fixture checkoutFixture(StripeCheckoutFixtures.Delivery d) {
    Fixture fixture = Fixture.following(d.body(), d.followUps().toArray(FollowUp[]::new));
    return d.asksStripe() ? fixture.askingStripe() : fixture;
  }

  private static Fixture disputeNews(
      StripeTestBed bed, String version, String what, String status) {
    JsonObject dispute =
        bed.stripe.dispute("dp_" + what, "ch_D", "pi_D", 2000, "usd", status, -2000);
    return Fixture.ignored(
        bed.stripe.event("evt_D" + what, "charge.dispute." + what, dispute, version));
  }
}
