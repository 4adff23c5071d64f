package io.paybridge.gateway.paypal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each PayPal event type means for the ledger, mapped from the resource in the delivery's body
 * ({@code parse}: what a delivery claims). The same mapping applies to PayPal's API answers, which
 * is what is booked; {@link PayPalResolveTest} proves that side.
 */
class PayPalEventMappingTest {

  private static final PayPalSimulator PAYPAL = new PayPalSimulator(PayPalSimulator.SANDBOX);

  private final PayPalPlugin plugin = new PayPalPlugin();
  private final Credentials account = PAYPAL.credentials();

  private ParsedWebhook parse(String body) {
    return parse(body, account);
  }

  private ParsedWebhook parse(String body, Credentials credentials) {
    return plugin.parse(PAYPAL.request(body, Instant.now()), credentials);
  }

  private PaymentEvent single(String body) {
    ParsedWebhook parsed = parse(body);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  /** When the body's resource says it happened: what an entry's occurredAt is. */
  private static Instant created(String body) {
    return Instant.parse(new JsonObject(body).getJsonObject("resource").getString("create_time"));
  }

  /** The body with one field of its resource replaced (or removed, for {@code null}). */
  private static String withResource(String body, String field, Object value) {
    JsonObject event = new JsonObject(body);
    JsonObject resource = event.getJsonObject("resource");
    if (value == null) {
      resource.remove(field);
    } else {
      resource.put(field, value);
    }
    return event.encode();
  }

  private Credentials withRefKey(String key) {
    return plugin.validateCredentials(PAYPAL.credentialsJson().put("customerRefKey", key));
  }

  // ---- PAYMENT.CAPTURE.COMPLETED

  @Test
  void aCompletedCaptureIsAPaymentKeyedByTheCapture() {
    String body =
        PAYPAL.captureCompleted("WH-1", "2GG279541U471931P", "10.99", "USD", "0.62", "user-42");
    ParsedWebhook parsed = parse(body);

    assertThat(parsed.eventId()).isEqualTo("WH-1");
    assertThat(parsed.eventType()).isEqualTo("PAYMENT.CAPTURE.COMPLETED");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("capture:2GG279541U471931P");
    assertThat(e.amountMinor()).isEqualTo(1099L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.feeMinor()).isEqualTo(62L);
    assertThat(e.externalPaymentId()).isEqualTo("2GG279541U471931P");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.customerRef()).isEqualTo("user-42");
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void amountsUseEachCurrencysRealExponent() {
    assertThat(single(PAYPAL.captureCompleted("WH-J", "C1", "1500", "JPY", "64", null)))
        .satisfies(
            e -> {
              assertThat(e.amountMinor()).isEqualTo(1500L);
              assertThat(e.currency()).isEqualTo("JPY");
              assertThat(e.feeMinor()).isEqualTo(64L);
            });
    assertThat(single(PAYPAL.captureCompleted("WH-K", "C2", "1.234", "KWD", null, null)))
        .satisfies(
            e -> {
              assertThat(e.amountMinor()).isEqualTo(1234L);
              assertThat(e.feeMinor()).isNull();
            });
    assertThat(single(PAYPAL.captureCompleted("WH-E", "C3", "100.10", "eur", null, null)))
        .satisfies(
            e -> {
              assertThat(e.amountMinor()).isEqualTo(10010L);
              assertThat(e.currency()).isEqualTo("EUR");
            });
  }

  @Test
  void moreDecimalsThanTheCurrencyHasIsMalformed() {
    String body = PAYPAL.captureCompleted("WH-M", "C4", "10.5", "JPY", null, null);
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("WH-M")
        .hasMessageContaining("JPY");
  }

  @Test
  void aFeeInAnotherCurrencyIsNotBookedAsTheFee() {
    JsonObject event =
        new JsonObject(PAYPAL.captureCompleted("WH-F", "C5", "20.00", "EUR", "0.90", null));
    event
        .getJsonObject("resource")
        .getJsonObject("seller_receivable_breakdown")
        .put("paypal_fee", new JsonObject().put("currency_code", "USD").put("value", "1.01"));
    assertThat(single(event.encode()).feeMinor()).isNull();
  }

  @Test
  void theCustomerReferenceFollowsTheAccountsFieldThenFallsBackToThePayer() {
    String body = PAYPAL.captureCompleted("WH-R", "C6", "5.00", "USD", null, "user-1");
    JsonObject event = new JsonObject(body);
    event.getJsonObject("resource").put("invoice_id", "member-77");
    assertThat(parse(event.encode(), withRefKey("invoice_id")).events().get(0).customerRef())
        .isEqualTo("member-77");

    event.getJsonObject("resource").remove("custom_id");
    event.getJsonObject("resource").put("payer", new JsonObject().put("payer_id", "QYR5Z8XDVJNXQ"));
    assertThat(single(event.encode()).customerRef())
        .as("without custom_id, the payer id")
        .isEqualTo("QYR5Z8XDVJNXQ");

    assertThat(parse(event.encode(), withRefKey("payer")).events().get(0).customerRef())
        .as("a configured field that holds an object is no reference")
        .isEqualTo("QYR5Z8XDVJNXQ");
    event
        .getJsonObject("resource")
        .put("payer", new JsonObject().put("payer_id", "P1").put("email_address", "a@b.example"));
    assertThat(
            parse(event.encode(), withRefKey("payer.email_address")).events().get(0).customerRef())
        .as("a dotted path reaches into nested objects")
        .isEqualTo("a@b.example");

    event.getJsonObject("resource").remove("payer");
    assertThat(single(event.encode()).customerRef()).isNull();

    event.getJsonObject("resource").put("custom_id", "");
    assertThat(single(event.encode()).customerRef()).as("an empty value is no reference").isNull();
  }

  @Test
  void aCaptureThatIsNotCompletedOrIsZeroBooksNothing() {
    String body = PAYPAL.captureCompleted("WH-P", "C7", "5.00", "USD", null, null);
    assertThat(parse(withResource(body, "status", "PENDING")))
        .satisfies(p -> assertThat(p.isIgnored()).isTrue())
        .satisfies(
            p ->
                assertThat(p.reason())
                    .isEqualTo(
                        "PayPal reports capture C7 as PENDING, not completed: nothing is booked"
                            + " until it completes."));
    assertThat(parse(withResource(body, "status", null)).reason())
        .contains("C7 as without a status");
    assertThat(
            parse(
                    withResource(
                        body,
                        "amount",
                        new JsonObject().put("currency_code", "USD").put("value", "0.00")))
                .isIgnored())
        .isTrue();
  }

  // ---- refunds and reversals

  @Test
  void aCaptureRefundIsANegativeRefundOfTheCaptureNamedByItsUpLink() {
    String body =
        PAYPAL.captureRefunded(
            "WH-2", "1JU08902781691411", "2GG279541U471931P", "4.50", "USD", "u-9");
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:1JU08902781691411");
    assertThat(e.amountMinor()).isEqualTo(-450L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo("2GG279541U471931P");
    assertThat(e.customerRef()).isEqualTo("u-9");
    assertThat(e.feeMinor()).isNull();
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void aSaleRefundNamesTheSale() {
    PaymentEvent e =
        single(
            PAYPAL.saleRefunded("WH-3", "0P209507D6694645N", "80021663DE681814L", "2.34", "GBP"));
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:0P209507D6694645N");
    assertThat(e.amountMinor()).isEqualTo(-234L);
    assertThat(e.currency()).isEqualTo("GBP");
    assertThat(e.externalPaymentId()).isEqualTo("80021663DE681814L");
  }

  @Test
  void aSaleReversalIsARefundKeyedLikeARefundWhateverSignPayPalWrites() {
    String body =
        PAYPAL.saleReversed("WH-4", "77C01180TG6549225", "80021663DE681814L", "15.00", "USD");
    assertThat(
            new JsonObject(body)
                .getJsonObject("resource")
                .getJsonObject("amount")
                .getString("total"))
        .isEqualTo("-15.00");
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey())
        .as("the same key as a refund of that id, so relabelling one as the other books once")
        .isEqualTo("refund:77C01180TG6549225");
    assertThat(e.amountMinor()).isEqualTo(-1500L);
    assertThat(e.externalPaymentId()).as("from the up link").isEqualTo("80021663DE681814L");
  }

  @Test
  void aRefundThatIsNotCompletedBooksNothing() {
    String body = PAYPAL.captureRefunded("WH-5", "R1", "C1", "4.50", "USD", null);
    assertThat(parse(withResource(body, "status", "PENDING")).isIgnored()).isTrue();
    assertThat(parse(withResource(body, "status", "FAILED")).isIgnored()).isTrue();
  }

  // ---- PAYMENT.SALE.COMPLETED

  @Test
  void aSaleOfABillingAgreementIsARecurringCharge() {
    String body =
        PAYPAL.saleCompleted(
            "WH-6", "44P499886K055384U", "14.55", "CAD", "0.72", "I-37B4TLL0FAJJ", "member-3");
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(e.entryKey()).isEqualTo("sale:44P499886K055384U");
    assertThat(e.amountMinor()).isEqualTo(1455L);
    assertThat(e.currency()).isEqualTo("CAD");
    assertThat(e.feeMinor()).isEqualTo(72L);
    assertThat(e.externalPaymentId()).isEqualTo("44P499886K055384U");
    assertThat(e.externalSubscriptionId()).isEqualTo("I-37B4TLL0FAJJ");
    assertThat(e.customerRef()).as("a sale carries the reference in custom").isEqualTo("member-3");
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void aSaleWithoutABillingAgreementIsAPayment() {
    PaymentEvent e =
        single(
            PAYPAL.saleCompleted("WH-7", "80F85758S3080410K", "21.00", "USD", "0.91", null, null));
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("sale:80F85758S3080410K");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.amountMinor()).isEqualTo(2100L);
  }

  @Test
  void aSaleThatIsNotCompletedBooksNothing() {
    String body = PAYPAL.saleCompleted("WH-8", "S1", "1.00", "USD", null, "I-1", null);
    assertThat(parse(withResource(body, "state", "pending")).isIgnored()).isTrue();
  }

  // ---- BILLING.SUBSCRIPTION.*

  @Test
  void endedSubscriptionsAreCancellationsKeyedPerEventType() {
    Instant next = Instant.now().plus(14, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    for (String type :
        List.of(
            "BILLING.SUBSCRIPTION.CANCELLED",
            "BILLING.SUBSCRIPTION.SUSPENDED",
            "BILLING.SUBSCRIPTION.EXPIRED")) {
      String body =
          PAYPAL.subscriptionEnded("WH-" + type, type, "I-BW452GLLEP1G", "user-5", "PAYER1", next);
      PaymentEvent e = single(body);
      assertThat(e.kind()).as(type).isEqualTo(EventKind.RECURRING_CANCELLED);
      assertThat(e.entryKey()).isEqualTo("cancel:I-BW452GLLEP1G:" + type);
      assertThat(e.amountMinor()).isNull();
      assertThat(e.currency()).isNull();
      assertThat(e.externalSubscriptionId()).isEqualTo("I-BW452GLLEP1G");
      assertThat(e.customerRef()).isEqualTo("user-5");
      assertThat(e.email()).isEqualTo("jenny.rosen@example.com");
      assertThat(e.periodEnd()).isEqualTo(next);
      assertThat(e.occurredAt())
          .as("when the status changed")
          .isEqualTo(
              Instant.parse(
                  new JsonObject(body).getJsonObject("resource").getString("status_update_time")));
    }
  }

  @Test
  void aSubscriptionWithoutCustomIdFallsBackToTheSubscriberAndMayHaveNoPeriodEnd() {
    PaymentEvent e =
        single(
            PAYPAL.subscriptionEnded(
                "WH-9", "BILLING.SUBSCRIPTION.CANCELLED", "I-2", null, "QYR5Z8XDVJNXQ", null));
    assertThat(e.customerRef()).isEqualTo("QYR5Z8XDVJNXQ");
    assertThat(e.periodEnd()).isNull();
  }

  // ---- other events and malformed bodies

  @Test
  void otherEventTypesAreIgnoredWithTheirIdsAndTheTablesReason() {
    for (String type :
        List.of(
            "BILLING.PLAN.CREATED",
            "CHECKOUT.ORDER.APPROVED",
            "PAYMENT.CAPTURE.DENIED",
            "BILLING.SUBSCRIPTION.ACTIVATED")) {
      ParsedWebhook parsed =
          parse(PAYPAL.event("WH-" + type, type, "x", null, "s", new JsonObject()));
      assertThat(parsed.isIgnored()).as(type).isTrue();
      assertThat(parsed.eventId()).isEqualTo("WH-" + type);
      assertThat(parsed.eventType()).isEqualTo(type);
      assertThat(parsed.reason())
          .isEqualTo(
              plugin.eventTable().stream()
                  .filter(r -> r.eventType().equals(type))
                  .findFirst()
                  .orElseThrow()
                  .what());
    }
    ParsedWebhook unknown =
        parse(
            PAYPAL.event(
                "WH-U", "INVOICING.INVOICE.PAID", "invoices", null, "s", new JsonObject()));
    assertThat(unknown.isIgnored()).isTrue();
    assertThat(unknown.reason())
        .isEqualTo(
            "PayPal event type INVOICING.INVOICE.PAID is not in Paybridge's PayPal events table,"
                + " so nothing is booked; the webhook need not be subscribed to it.");
  }

  // ---- PAYMENT.CAPTURE.REVERSED and disputes

  @Test
  void aCaptureReversalIsADisputeKeyedByTheCapture() {
    String body =
        PAYPAL.captureReversed("WH-R1", "09E71677NS257044M", "4L335234718889942", "2.51", "USD");
    assertThat(new JsonObject(body).getString("resource_type")).isEqualTo("refund");
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.DISPUTE);
    assertThat(e.entryKey()).isEqualTo("dispute:4L335234718889942");
    assertThat(e.amountMinor()).isEqualTo(-251L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo("4L335234718889942");
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void aReversalWithoutItsCaptureIsKeyedByTheReversal() {
    JsonObject event =
        new JsonObject(PAYPAL.captureReversed("WH-R2", "REV2", "CAP2", "1.00", "USD"));
    event.getJsonObject("resource").remove("links");
    assertThat(single(event.encode()).entryKey()).isEqualTo("dispute:REV2");
  }

  @Test
  void aDisputeResolvedForTheMerchantBooksTheReversalAndItsReinstatement() {
    for (String outcome : List.of("RESOLVED_SELLER_FAVOUR", "CANCELED_BY_BUYER")) {
      String body =
          PAYPAL.disputeEvent(
              "WH-D-" + outcome,
              "CUSTOMER.DISPUTE.RESOLVED",
              "PP-D-27803",
              "4L335234718889942",
              "2.51",
              "USD",
              "RESOLVED",
              outcome,
              "user-3");
      List<PaymentEvent> events = parse(body).events();
      assertThat(events).as(outcome).hasSize(2);
      assertThat(events.get(0).kind()).isEqualTo(EventKind.DISPUTE);
      assertThat(events.get(0).entryKey()).isEqualTo("dispute:4L335234718889942");
      assertThat(events.get(0).amountMinor()).isEqualTo(-251L);
      assertThat(events.get(1).kind()).isEqualTo(EventKind.DISPUTE_REVERSED);
      assertThat(events.get(1).entryKey()).isEqualTo("dispute_reversal:4L335234718889942");
      assertThat(events.get(1).amountMinor()).isEqualTo(251L);
      assertThat(events).allSatisfy(ev -> assertThat(ev.customerRef()).isEqualTo("user-3"));
    }
  }

  @Test
  void disputesThatMoveNoMoneyAreIgnoredWithTheirReason() {
    String lost =
        PAYPAL.disputeEvent(
            "WH-D1",
            "CUSTOMER.DISPUTE.RESOLVED",
            "PP-D-1",
            "T1",
            "5.00",
            "USD",
            "RESOLVED",
            "RESOLVED_BUYER_FAVOUR",
            null);
    assertThat(parse(lost).reason())
        .startsWith("Dispute PP-D-1 was resolved with outcome RESOLVED_BUYER_FAVOUR");
    String open =
        PAYPAL.disputeEvent(
            "WH-D2",
            "CUSTOMER.DISPUTE.RESOLVED",
            "PP-D-2",
            "T1",
            "5.00",
            "USD",
            "OPEN",
            null,
            null);
    assertThat(parse(open).reason()).contains("PP-D-2 as OPEN, not resolved");
    JsonObject twoTransactions = new JsonObject(lost);
    JsonObject resource = twoTransactions.getJsonObject("resource");
    resource.getJsonObject("dispute_outcome").put("outcome_code", "RESOLVED_SELLER_FAVOUR");
    resource
        .getJsonArray("disputed_transactions")
        .add(new JsonObject().put("seller_transaction_id", "T2"));
    assertThat(parse(twoTransactions.encode()).reason())
        .contains("does not name exactly one disputed transaction");
    for (String type : List.of("CUSTOMER.DISPUTE.CREATED", "CUSTOMER.DISPUTE.UPDATED")) {
      ParsedWebhook parsed =
          parse(
              PAYPAL.disputeEvent(
                  "WH-" + type, type, "PP-D-3", "T1", "5.00", "USD", "OPEN", null, null));
      assertThat(parsed.isIgnored()).isTrue();
      assertThat(parsed.reason()).contains("moves no money");
    }
  }

  @Test
  void malformedBodiesAreRefusedWithClearMessages() {
    String capture = PAYPAL.captureCompleted("WH-X", "C9", "5.00", "USD", null, null);
    JsonObject noId = new JsonObject(capture);
    noId.remove("id");
    JsonObject noType = new JsonObject(capture);
    noType.remove("event_type");
    JsonObject noResource = new JsonObject(capture);
    noResource.remove("resource");
    JsonObject badTime = new JsonObject(capture).put("create_time", "yesterday");
    List<String> bodies =
        List.of(
            "",
            "[]",
            "{\"id\":",
            noId.encode(),
            noType.encode(),
            noResource.encode(),
            badTime.encode(),
            withResource(capture, "amount", null),
            withResource(capture, "amount", new JsonObject().put("value", "5.00")),
            withResource(
                capture, "amount", new JsonObject().put("currency_code", "XXY").put("value", "5")),
            withResource(
                capture,
                "amount",
                new JsonObject().put("currency_code", "USD").put("value", "5,00")),
            withResource(capture, "id", null));
    for (String body : bodies) {
      assertThatThrownBy(() -> parse(body))
          .as(body)
          .isInstanceOf(MalformedWebhookException.class)
          .hasMessageNotContaining("null");
    }
    String subscription =
        PAYPAL.subscriptionEnded("WH-Y", "BILLING.SUBSCRIPTION.EXPIRED", "I-3", null, "P", null);
    JsonObject badNext = new JsonObject(subscription);
    badNext
        .getJsonObject("resource")
        .getJsonObject("billing_info")
        .put("next_billing_time", "soon");
    assertThatThrownBy(() -> parse(badNext.encode()))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("next_billing_time");
  }

  @Test
  void parsingIsDeterministic() {
    String body = PAYPAL.saleCompleted("WH-D", "S9", "3.00", "USD", "0.39", "I-9", "c");
    assertThat(parse(body)).isEqualTo(parse(body));
  }
}
