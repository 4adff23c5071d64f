package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each Stripe event type means for the ledger. */
class StripeEventMappingTest {

  private final StripePlugin plugin = new StripePlugin();
  private final String secret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator stripe = new StripeSimulator(secret);
  private final Credentials credentials =
      plugin.credentialSchema().validate(new JsonObject().put("webhookSecret", secret));

  private ParsedWebhook parse(String body) {
    return parse(body, credentials);
  }

  private ParsedWebhook parse(String body, Credentials creds) {
    return BothReadings.parse(plugin, stripe.request(body, Instant.now()), creds);
  }

  private PaymentEvent single(String body) {
    ParsedWebhook parsed = parse(body);
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  private static Instant created(String body) {
    return Instant.ofEpochSecond(new JsonObject(body).getLong("created"));
  }

  // ---- payment_intent.succeeded, charge.succeeded, checkout.session.completed

  @Test
  void paymentIntentSucceededIsAPaymentKeyedByTheIntent() {
    String body = stripe.paymentIntentSucceeded("evt_1", "pi_1", 2000, "usd", "user-42");
    ParsedWebhook parsed = parse(body);

    assertThat(parsed.eventId()).isEqualTo("evt_1");
    assertThat(parsed.eventType()).isEqualTo("payment_intent.succeeded");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:pi_1");
    assertThat(e.amountMinor()).isEqualTo(2000L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo("pi_1");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.customerRef()).isEqualTo("user-42");
    assertThat(e.email()).isEqualTo("jenny.rosen@example.com");
    assertThat(e.feeMinor()).isNull();
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void paymentIntentAmountFallsBackToAmountWhenAmountReceivedIsAbsent() {
    JsonObject pi = intent("pi_2", 1500, "eur");
    pi.remove("amount_received");
    assertThat(single(stripe.event("evt_2", "payment_intent.succeeded", pi)).amountMinor())
        .isEqualTo(1500L);
  }

  @Test
  void customerRefFallsBackToStripesCustomerIdAndHonoursTheAccountsKey() {
    JsonObject pi =
        intent("pi_3", 1000, "usd").put("customer", "cus_9").put("metadata", new JsonObject());
    assertThat(single(stripe.event("evt_3", "payment_intent.succeeded", pi)).customerRef())
        .isEqualTo("cus_9");

    pi.put("metadata", new JsonObject().put("member.id", "m-7").put("customer_ref", "ignored"));
    Credentials memberKey =
        plugin
            .credentialSchema()
            .validate(
                new JsonObject().put("webhookSecret", secret).put("customerRefKey", "member.id"));
    ParsedWebhook parsed = parse(stripe.event("evt_3b", "payment_intent.succeeded", pi), memberKey);
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("m-7");

    pi.put("metadata", new JsonObject().put("customer_ref", ""));
    assertThat(single(stripe.event("evt_3c", "payment_intent.succeeded", pi)).customerRef())
        .as("an empty metadata value is no reference")
        .isEqualTo("cus_9");
  }

  @Test
  void chargeSucceededBooksUnderThePaymentIntentsKey() {
    JsonObject charge = charge("ch_1", "pi_1", 2000, "usd").put("amount_captured", 2000);
    PaymentEvent e = single(stripe.event("evt_ch", "charge.succeeded", charge));
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:pi_1");
    assertThat(e.externalPaymentId()).isEqualTo("pi_1");
    assertThat(e.amountMinor()).isEqualTo(2000L);
    assertThat(e.email()).isEqualTo("payer@example.com");
    assertThat(e.feeMinor()).isNull();
  }

  @Test
  void chargeWithoutIntentIsKeyedByTheChargeAndUsesAmountWhenNothingCapturedIsReported() {
    JsonObject charge = charge("ch_2", null, 3000, "gbp").put("amount_captured", 0);
    PaymentEvent e = single(stripe.event("evt_ch2", "charge.succeeded", charge));
    assertThat(e.entryKey()).isEqualTo("payment:ch_2");
    assertThat(e.externalPaymentId()).isEqualTo("ch_2");
    assertThat(e.amountMinor()).isEqualTo(3000L);
    assertThat(e.currency()).isEqualTo("GBP");

    charge.put("amount_captured", 1200);
    assertThat(single(stripe.event("evt_ch3", "charge.succeeded", charge)).amountMinor())
        .as("a partial capture books what was captured")
        .isEqualTo(1200L);
  }

  @Test
  void anAuthorizedButUncapturedChargeIsNotYetAPayment() {
    JsonObject charge =
        charge("ch_4", "pi_4", 3000, "usd").put("captured", false).put("amount_captured", 0);
    ParsedWebhook parsed = parse(stripe.event("evt_ch4", "charge.succeeded", charge));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason()).startsWith("charge ch_4 is authorized, not captured");
  }

  @Test
  void checkoutSessionCompletedIsAPaymentOnlyWhenPaid() {
    JsonObject session =
        session("cs_1", "payment", "paid", 4200, "usd").put("payment_intent", "pi_1");
    PaymentEvent e = single(stripe.event("evt_cs", "checkout.session.completed", session));
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:pi_1");
    assertThat(e.externalPaymentId()).isEqualTo("pi_1");
    assertThat(e.amountMinor()).isEqualTo(4200L);
    assertThat(e.customerRef()).as("from client_reference_id").isEqualTo("client-ref-1");
    assertThat(e.email()).isEqualTo("buyer@example.com");

    session.put("metadata", new JsonObject().put("customer_ref", "user-5"));
    assertThat(single(stripe.event("evt_cs2", "checkout.session.completed", session)).customerRef())
        .as("metadata wins over client_reference_id")
        .isEqualTo("user-5");

    session.put("payment_status", "unpaid");
    assertThat(parse(stripe.event("evt_cs3", "checkout.session.completed", session)).isIgnored())
        .isTrue();
    session.put("payment_status", "no_payment_required");
    assertThat(parse(stripe.event("evt_cs4", "checkout.session.completed", session)).isIgnored())
        .isTrue();
  }

  @Test
  void checkoutSessionWithoutIntentIsKeyedByTheSession() {
    JsonObject session = session("cs_2", "payment", "paid", 900, "usd");
    PaymentEvent e = single(stripe.event("evt_cs5", "checkout.session.completed", session));
    assertThat(e.entryKey()).isEqualTo("payment:cs_2");
    assertThat(e.externalPaymentId()).isEqualTo("cs_2");
  }

  @Test
  void subscriptionCheckoutSharesTheKeyOfItsFirstInvoice() {
    JsonObject session =
        session("cs_3", "subscription", "paid", 1500, "usd")
            .put("invoice", "in_first")
            .put("subscription", "sub_1");
    PaymentEvent checkout = single(stripe.event("evt_cs6", "checkout.session.completed", session));
    assertThat(checkout.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(checkout.externalSubscriptionId()).isEqualTo("sub_1");
    assertThat(checkout.externalPaymentId()).isEqualTo("in_first");

    PaymentEvent invoice =
        single(
            stripe.invoicePaid(
                "evt_in", "in_first", "sub_1", 1500, "usd", "user-1", Instant.now()));
    assertThat(checkout.entryKey()).isEqualTo(invoice.entryKey()).isEqualTo("invoice:in_first");
  }

  @Test
  void theThreeEventsOfOnePaymentBookOnce() {
    String intent = stripe.paymentIntentSucceeded("evt_a", "pi_once", 2000, "usd", "user-1");
    String charge =
        stripe.event("evt_b", "charge.succeeded", charge("ch_once", "pi_once", 2000, "usd"));
    String session =
        stripe.event(
            "evt_c",
            "checkout.session.completed",
            session("cs_once", "payment", "paid", 2000, "usd").put("payment_intent", "pi_once"));
    assertThat(single(intent).entryKey())
        .isEqualTo(single(charge).entryKey())
        .isEqualTo(single(session).entryKey())
        .isEqualTo("payment:pi_once");
  }

  @Test
  void paymentsOfInvoicesAreLeftToTheInvoiceEvents() {
    JsonObject pi = intent("pi_inv", 1500, "usd").put("invoice", "in_1");
    ParsedWebhook left = parse(stripe.event("evt_pi_inv", "payment_intent.succeeded", pi));
    assertThat(left.isIgnored()).isTrue();
    assertThat(left.reason()).isEqualTo("booked from invoice.paid: this payment pays invoice in_1");
    JsonObject charge = charge("ch_inv", "pi_inv", 1500, "usd").put("invoice", "in_1");
    assertThat(parse(stripe.event("evt_ch_inv", "charge.succeeded", charge)).isIgnored()).isTrue();
  }

  // ---- refunds

  @Test
  void refundCreatedIsANegativeRefundKeyedByTheRefund() {
    PaymentEvent e = single(stripe.refundCreated("evt_re", "re_1", "pi_1", 500, "usd"));
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:re_1");
    assertThat(e.amountMinor()).isEqualTo(-500L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalPaymentId()).isEqualTo("pi_1");
  }

  @Test
  void refundsCountOnlyOnceSucceededAndUpdatesShareTheKey() {
    JsonObject refund =
        refund("re_2", "pending", 700).put("payment_intent", null).put("charge", "ch_9");
    assertThat(parse(stripe.event("evt_re2", "refund.created", refund)).isIgnored()).isTrue();

    refund.put("status", "succeeded");
    PaymentEvent updated = single(stripe.event("evt_re3", "refund.updated", refund));
    assertThat(updated.entryKey()).isEqualTo("refund:re_2");
    assertThat(updated.externalPaymentId()).as("falls back to the charge").isEqualTo("ch_9");
    assertThat(updated.amountMinor()).isEqualTo(-700L);

    ParsedWebhook pending =
        parse(stripe.event("evt_re2b", "refund.updated", refund.copy().put("status", "pending")));
    assertThat(pending.isIgnored()).isTrue();
    assertThat(pending.reason())
        .isEqualTo(
            "refund re_2 is pending: it books once Stripe reports it succeeded, with refund.updated");

    refund.put("status", "failed");
    assertThat(parse(stripe.event("evt_re4", "refund.updated", refund)).events())
        .as("a refund that failed after it succeeded is reversed")
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(
            tuple(EventKind.REFUND, "refund:re_2", -700L),
            tuple(EventKind.REFUND_REVERSED, "refund_reversal:re_2", 700L));
  }

  @Test
  void chargeRefundedBooksEachSucceededRefundUnderItsOwnKey() {
    JsonObject charge =
        charge("ch_r", "pi_r", 5000, "usd")
            .put("amount_refunded", 3000)
            .put("refunded", false)
            .put(
                "refunds",
                new JsonObject()
                    .put("object", "list")
                    .put(
                        "data",
                        new JsonArray()
                            .add(refund("re_a", "succeeded", 1000).put("payment_intent", "pi_r"))
                            .add(refund("re_b", "succeeded", 2000).put("payment_intent", "pi_r"))
                            .add(refund("re_c", "pending", 500).put("payment_intent", "pi_r")))
                    .put("has_more", false));
    ParsedWebhook parsed = parse(stripe.event("evt_cr", "charge.refunded", charge));
    assertThat(parsed.events())
        .extracting(
            PaymentEvent::entryKey, PaymentEvent::amountMinor, PaymentEvent::externalPaymentId)
        .containsExactly(
            tuple("refund:re_a", -1000L, "pi_r"), tuple("refund:re_b", -2000L, "pi_r"));
    assertThat(parsed.events())
        .allSatisfy(e -> assertThat(e.customerRef()).isEqualTo("cus_charge"));

    PaymentEvent created = single(stripe.refundCreated("evt_rc", "re_a", "pi_r", 1000, "usd"));
    assertThat(created.entryKey()).as("dedupes with refund.created").isEqualTo("refund:re_a");
  }

  @Test
  void chargeRefundedWithoutARefundListIsHeldUntilTheAccountHasAnApiKey() {
    JsonObject charge =
        charge("ch_nr", "pi_nr", 5000, "usd").put("amount_refunded", 5000).put("refunded", true);
    ParsedWebhook parsed = parse(stripe.event("evt_nr", "charge.refunded", charge));
    assertThat(parsed.isHeld()).isTrue();
    assertThat(parsed.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(parsed.reason()).contains("GET /v1/refunds?charge=ch_nr").contains("apiKey");
    assertThat(parsed.eventId()).isEqualTo("evt_nr");
  }

  @Test
  void chargeRefundedWithNothingSucceededSaysSo() {
    JsonObject charge =
        charge("ch_p", "pi_p", 5000, "usd")
            .put(
                "refunds",
                new JsonObject()
                    .put("object", "list")
                    .put("data", new JsonArray().add(refund("re_p", "pending", 500)))
                    .put("has_more", false));
    ParsedWebhook parsed = parse(stripe.event("evt_p", "charge.refunded", charge));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason())
        .startsWith("charge.refunded with nothing left to book: none of the 1 refunds");

    charge.getJsonObject("refunds").put("has_more", true);
    assertThat(parse(stripe.event("evt_p2", "charge.refunded", charge)).isHeld())
        .as("a list with more pages than the event carries is listed through the API")
        .isTrue();
  }

  // ---- invoices and subscriptions

  @Test
  void invoicePaidIsARecurringChargeWithSubscriptionAndPeriodEnd() {
    Instant periodEnd = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String body = stripe.invoicePaid("evt_inv", "in_1", "sub_1", 1500, "usd", "user-9", periodEnd);
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(e.entryKey()).isEqualTo("invoice:in_1");
    assertThat(e.amountMinor()).isEqualTo(1500L);
    assertThat(e.currency()).isEqualTo("USD");
    assertThat(e.externalSubscriptionId()).isEqualTo("sub_1");
    assertThat(e.externalPaymentId()).isEqualTo("in_1");
    assertThat(e.customerRef()).isEqualTo("user-9");
    assertThat(e.email()).isEqualTo("jenny.rosen@example.com");
    assertThat(e.periodEnd()).isEqualTo(periodEnd);
    assertThat(e.occurredAt()).isEqualTo(created(body));
  }

  @Test
  void invoicePaidAndInvoicePaymentSucceededOfOneInvoiceShareTheKey() {
    JsonObject invoice =
        new JsonObject(
                stripe.invoicePaid("evt_x", "in_2", "sub_2", 1500, "usd", null, Instant.now()))
            .getJsonObject("data")
            .getJsonObject("object");
    PaymentEvent paid = single(stripe.event("evt_p", "invoice.paid", invoice));
    PaymentEvent succeeded = single(stripe.event("evt_s", "invoice.payment_succeeded", invoice));
    assertThat(paid.entryKey()).isEqualTo(succeeded.entryKey()).isEqualTo("invoice:in_2");
    assertThat(paid.customerRef()).as("no metadata: Stripe's customer id").startsWith("cus_");
  }

  @Test
  void legacyInvoiceShapeIsReadToo() {
    JsonObject invoice =
        new JsonObject()
            .put("id", "in_old")
            .put("object", "invoice")
            .put("amount_paid", 999)
            .put("currency", "eur")
            .put("customer", "cus_old")
            .put("payment_intent", "pi_old")
            .put("subscription", "sub_old")
            .put(
                "subscription_details",
                new JsonObject().put("metadata", new JsonObject().put("customer_ref", "u-old")))
            .put(
                "lines",
                new JsonObject()
                    .put(
                        "data",
                        new JsonArray()
                            .add(line("invoiceitem", 1_700_000_000L))
                            .add(line("subscription", 1_702_592_000L))));
    PaymentEvent e = single(stripe.event("evt_old", "invoice.payment_succeeded", invoice));
    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(e.entryKey()).isEqualTo("invoice:in_old");
    assertThat(e.externalSubscriptionId()).isEqualTo("sub_old");
    assertThat(e.externalPaymentId()).isEqualTo("pi_old");
    assertThat(e.customerRef()).isEqualTo("u-old");
    assertThat(e.periodEnd())
        .as("the subscription line's period")
        .isEqualTo(Instant.ofEpochSecond(1_702_592_000L));

    invoice.remove("subscription_details");
    invoice.put("metadata", new JsonObject().put("customer_ref", "u-invoice"));
    assertThat(single(stripe.event("evt_old2", "invoice.paid", invoice)).customerRef())
        .isEqualTo("u-invoice");
  }

  @Test
  void zeroAmountInvoicesAreIgnoredAndInvoicesOutsideSubscriptionsArePayments() {
    JsonObject trial =
        new JsonObject(stripe.invoicePaid("evt_t", "in_t", "sub_t", 0, "usd", null, Instant.now()))
            .getJsonObject("data")
            .getJsonObject("object");
    assertThat(parse(stripe.event("evt_t", "invoice.paid", trial)).isIgnored()).isTrue();

    JsonObject oneOff =
        new JsonObject()
            .put("id", "in_once")
            .put("amount_paid", 12_000)
            .put("currency", "usd")
            .put("customer", "cus_once")
            .put("parent", null);
    PaymentEvent e = single(stripe.event("evt_once", "invoice.paid", oneOff));
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("invoice:in_once");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.periodEnd()).isNull();
  }

  @Test
  void subscriptionDeletedIsACancellationWithoutAmount() {
    String body = stripe.subscriptionDeleted("evt_del", "sub_1");
    PaymentEvent e = single(body);
    JsonObject item =
        new JsonObject(body)
            .getJsonObject("data")
            .getJsonObject("object")
            .getJsonObject("items")
            .getJsonArray("data")
            .getJsonObject(0);
    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
    assertThat(e.entryKey()).isEqualTo("cancel:sub_1");
    assertThat(e.amountMinor()).isNull();
    assertThat(e.currency()).isNull();
    assertThat(e.externalSubscriptionId()).isEqualTo("sub_1");
    assertThat(e.customerRef()).startsWith("cus_");
    assertThat(e.periodEnd()).isEqualTo(Instant.ofEpochSecond(item.getLong("current_period_end")));
  }

  @Test
  void legacySubscriptionCarriesItsPeriodEndAtTheTop() {
    JsonObject subscription =
        new JsonObject()
            .put("id", "sub_old")
            .put("object", "subscription")
            .put("customer", "cus_1")
            .put("current_period_end", 1_760_000_000L)
            .put("metadata", new JsonObject().put("customer_ref", "u-1"))
            .put("status", "canceled");
    PaymentEvent e = single(stripe.event("evt_sd", "customer.subscription.deleted", subscription));
    assertThat(e.periodEnd()).isEqualTo(Instant.ofEpochSecond(1_760_000_000L));
    assertThat(e.customerRef()).isEqualTo("u-1");
  }

  @Test
  void anInvoiceNotYetPaidWaitsForInvoicePaid() {
    JsonObject invoice =
        new JsonObject(
                stripe.invoicePaid("evt_o", "in_open", "sub_o", 1500, "usd", null, Instant.now()))
            .getJsonObject("data")
            .getJsonObject("object")
            .put("status", "open");
    ParsedWebhook parsed = parse(stripe.event("evt_open", "invoice.payment_succeeded", invoice));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason())
        .isEqualTo("invoice in_open is open: it books once it is paid, with invoice.paid");
  }

  // ---- the order of deliveries

  @Test
  void aFailedRefundNetsToZeroWhicheverDeliveryComesFirst() {
    JsonObject succeeded = refund("re_o", "succeeded", 900);
    JsonObject failed = refund("re_o", "failed", 900);
    ParsedWebhook created = parse(stripe.event("evt_c", "refund.created", succeeded));
    ParsedWebhook failure = parse(stripe.event("evt_f", "refund.failed", failed));
    ParsedWebhook charge =
        parse(
            stripe.event(
                "evt_cr",
                "charge.refunded",
                charge("ch_r", "pi_r", 5000, "usd")
                    .put(
                        "refunds",
                        new JsonObject()
                            .put("object", "list")
                            .put("data", new JsonArray().add(succeeded))
                            .put("has_more", false))));

    for (List<ParsedWebhook> order :
        List.of(
            List.of(created, failure, charge),
            List.of(failure, created, charge),
            List.of(charge, failure, created),
            List.of(failure, charge))) {
      LedgerModel ledger = new LedgerModel();
      order.forEach(ledger::book);
      assertThat(ledger.entries())
          .extracting(PaymentEvent::entryKey)
          .containsExactlyInAnyOrder("refund:re_o", "refund_reversal:re_o");
      assertThat(ledger.balances()).containsEntry("USD", 0L);
    }
  }

  @Test
  void aWonDisputeNetsToZeroWhicheverDeliveryComesFirst() {
    JsonObject withdrawn =
        stripe.dispute("dp_w", "ch_w", "pi_w", 2000, "usd", "needs_response", -2000);
    JsonObject won = stripe.dispute("dp_w", "ch_w", "pi_w", 2000, "usd", "won", -2000, 2000);
    ParsedWebhook withdrawal =
        parse(stripe.event("evt_w", "charge.dispute.funds_withdrawn", withdrawn));
    ParsedWebhook reinstatement =
        parse(stripe.event("evt_r", "charge.dispute.funds_reinstated", won));

    PaymentEvent dispute = withdrawal.events().get(0);
    assertThat(dispute.kind()).isEqualTo(EventKind.DISPUTE);
    assertThat(dispute.entryKey()).isEqualTo("dispute:dp_w");
    assertThat(dispute.amountMinor()).isEqualTo(-2000L);
    assertThat(dispute.currency()).isEqualTo("USD");
    assertThat(dispute.externalPaymentId()).as("the disputed payment intent").isEqualTo("pi_w");
    assertThat(dispute.feeMinor()).as("Stripe's dispute fee").isEqualTo(1500L);
    assertThat(reinstatement.events())
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(
            tuple(EventKind.DISPUTE, "dispute:dp_w", -2000L),
            tuple(EventKind.DISPUTE_REVERSED, "dispute_reversal:dp_w", 2000L));

    for (List<ParsedWebhook> order :
        List.of(
            List.of(withdrawal, reinstatement),
            List.of(reinstatement, withdrawal),
            List.of(reinstatement))) {
      LedgerModel ledger = new LedgerModel();
      order.forEach(ledger::book);
      assertThat(ledger.entries()).hasSize(2);
      assertThat(ledger.balances()).containsExactly(Map.entry("USD", 0L));
    }
  }

  @Test
  void disputeAmountsAreWhatTheBalanceTransactionsMovedElseTheDisputedAmount() {
    JsonObject partial = stripe.dispute("dp_p", "ch_p", null, 5000, "eur", "won", -5000, 3000);
    assertThat(parse(stripe.event("evt_p", "charge.dispute.funds_reinstated", partial)).events())
        .as("only part of the funds came back")
        .extracting(PaymentEvent::amountMinor, PaymentEvent::externalPaymentId)
        .containsExactly(tuple(-5000L, "ch_p"), tuple(3000L, "ch_p"));

    JsonObject settledInUsd = stripe.dispute("dp_x", "ch_x", "pi_x", 5000, "eur", "lost", -5400);
    settledInUsd.getJsonArray("balance_transactions").getJsonObject(0).put("currency", "usd");
    assertThat(
            parse(stripe.event("evt_x", "charge.dispute.funds_withdrawn", settledInUsd)).events())
        .as("a withdrawal settled in another currency would not net against the payment")
        .extracting(PaymentEvent::amountMinor, PaymentEvent::currency)
        .containsExactly(tuple(-5000L, "EUR"));

    JsonObject none = stripe.dispute("dp_n", "ch_n", "pi_n", 700, "jpy", "lost");
    assertThat(parse(stripe.event("evt_n", "charge.dispute.funds_withdrawn", none)).events())
        .extracting(PaymentEvent::amountMinor, PaymentEvent::currency)
        .containsExactly(tuple(-700L, "JPY"));

    JsonObject owned =
        none.copy().put("id", "dp_m").put("metadata", new JsonObject().put("customer_ref", "u-5"));
    assertThat(
            parse(stripe.event("evt_m", "charge.dispute.funds_withdrawn", owned))
                .events()
                .get(0)
                .customerRef())
        .isEqualTo("u-5");
  }

  @Test
  void eventsThatMoveNoMoneySayWhy() {
    assertThat(
            parse(
                    stripe.event(
                        "evt_a",
                        "payment_intent.amount_capturable_updated",
                        stripe.paymentIntentRequiringCapture(
                            StripeSimulator.API_VERSION_2024, "pi_a", 3000, "usd", null)))
                .reason())
        .isEqualTo(StripeEventTable.NOT_A_CHECKOUT)
        .contains("payment_intent.succeeded");
    assertThat(
            parse(
                    stripe.event(
                        "evt_rv",
                        "review.closed",
                        stripe.closedReview("prv_1", "ch_1", null, "refunded_as_fraud")))
                .reason())
        .isEqualTo(StripeEventTable.REVIEW_WITHOUT_PAYMENT_INTENT);
    assertThat(
            parse(
                    stripe.event(
                        "evt_dc",
                        "charge.dispute.closed",
                        stripe.dispute("dp_c", "ch_c", "pi_c", 100, "usd", "lost", -100)))
                .reason())
        .isEqualTo(StripeEventTable.DISPUTE_CLOSED);
    ParsedWebhook zero = parse(stripe.paymentIntentSucceeded("evt_z", "pi_z", 0, "usd", null));
    assertThat(zero.isIgnored()).isTrue();
    assertThat(zero.reason()).isEqualTo("payment intent pi_z succeeded for a zero amount");
  }

  // ---- currencies

  @Test
  void zeroAndThreeDecimalCurrenciesPassThroughAsMinorUnits() {
    PaymentEvent yen =
        single(stripe.paymentIntentSucceeded("evt_jpy", "pi_jpy", 5000, "jpy", null));
    assertThat(yen.amountMinor()).isEqualTo(5000L);
    assertThat(yen.currency()).isEqualTo("JPY");

    PaymentEvent dinar =
        single(stripe.paymentIntentSucceeded("evt_kwd", "pi_kwd", 12_340, "KWD", null));
    assertThat(dinar.amountMinor()).isEqualTo(12_340L);
    assertThat(dinar.currency()).isEqualTo("KWD");

    PaymentEvent refund =
        single(stripe.refundCreated("evt_kwd_r", "re_kwd", "pi_kwd", 1_230, "kwd"));
    assertThat(refund.amountMinor()).isEqualTo(-1_230L);
  }

  @Test
  void currenciesWhoseStripeUnitDiffersFromIsoAreRescaled() {
    PaymentEvent krona =
        single(stripe.paymentIntentSucceeded("evt_isk", "pi_isk", 50_000, "isk", null));
    assertThat(krona.amountMinor()).as("Stripe sends ISK with two decimals").isEqualTo(500L);
    PaymentEvent ariary =
        single(stripe.paymentIntentSucceeded("evt_mga", "pi_mga", 500, "mga", null));
    assertThat(ariary.amountMinor()).as("Stripe sends MGA without decimals").isEqualTo(50_000L);

    String fractional = stripe.paymentIntentSucceeded("evt_isk2", "pi_isk2", 50_050, "isk", null);
    assertThatThrownBy(() -> parse(fractional)).isInstanceOf(MalformedWebhookException.class);
  }

  // ---- unknown and malformed

  @Test
  void unknownTypesAreIgnored() {
    ParsedWebhook parsed =
        parse(stripe.event("evt_u", "payment_intent.created", intent("pi_u", 100, "usd")));
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventId()).isEqualTo("evt_u");
    assertThat(parsed.eventType()).isEqualTo("payment_intent.created");
  }

  @Test
  void missingTypeIsMalformed() {
    JsonObject event =
        new JsonObject(stripe.paymentIntentSucceeded("evt_m", "pi_m", 100, "usd", null));
    event.remove("type");
    assertMalformed(event.encode(), "type");
  }

  @Test
  void amountAsStringIsMalformed() {
    JsonObject pi = intent("pi_s", 100, "usd").put("amount_received", "100");
    assertMalformed(stripe.event("evt_s", "payment_intent.succeeded", pi), "amount_received");
  }

  @Test
  void otherBrokenEventsAreMalformedWithClearMessages() {
    JsonObject event =
        new JsonObject(stripe.paymentIntentSucceeded("evt_m", "pi_m", 100, "usd", null));
    assertMalformed(event.copy().put("id", null).encode(), "id");
    assertMalformed(event.copy().put("data", new JsonObject()).encode(), "data.object");
    assertMalformed(event.copy().put("created", "yesterday").encode(), "created");
    assertMalformed(succeeded(intent("pi_c", 100, "zzz")), "currency");
    assertMalformed(succeeded(intent("pi_c", 100, "usd").put("currency", 840)), "currency");
    assertMalformed(succeeded(intent("pi_n", -100, "usd")), "negative");
    assertMalformed(
        succeeded(intent("pi_f", 100, "usd").put("amount_received", 10.5)), "amount_received");
    assertMalformed(
        succeeded(intent("pi_md", 100, "usd").put("metadata", new JsonArray())), "metadata");
    assertMalformed(
        stripe.event(
            "evt_r", "refund.created", refund("re_x", "succeeded", 100).put("amount", null)),
        "amount");
    assertMalformed("[1,2]", "JSON object");
    assertMalformed("{\"id\":", "JSON");
  }

  private String succeeded(JsonObject intent) {
    return stripe.event("evt_" + intent.getString("id"), "payment_intent.succeeded", intent);
  }

  private void assertMalformed(String body, String mentioning) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining(mentioning)
        .hasMessageNotContaining("null");
  }

  // ---- object builders

  private static JsonObject intent(String id, long amount, String currency) {
    return new JsonObject()
        .put("id", id)
        .put("object", "payment_intent")
        .put("amount", amount)
        .put("amount_received", amount)
        .put("currency", currency)
        .put("customer", null)
        .put("metadata", new JsonObject())
        .put("status", "succeeded");
  }

  private static JsonObject charge(String id, String paymentIntent, long amount, String currency) {
    return new JsonObject()
        .put("id", id)
        .put("object", "charge")
        .put("amount", amount)
        .put("amount_captured", amount)
        .put("amount_refunded", 0)
        .put(
            "billing_details",
            new JsonObject().put("email", "payer@example.com").put("name", "Payer"))
        .put("captured", true)
        .put("currency", currency)
        .put("customer", "cus_charge")
        .put("metadata", new JsonObject())
        .put("paid", true)
        .put("payment_intent", paymentIntent)
        .put("receipt_email", null)
        .put("status", "succeeded");
  }

  private static JsonObject session(
      String id, String mode, String paymentStatus, long amount, String currency) {
    return new JsonObject()
        .put("id", id)
        .put("object", "checkout.session")
        .put("amount_subtotal", amount)
        .put("amount_total", amount)
        .put("client_reference_id", "client-ref-1")
        .put("currency", currency)
        .put("customer", null)
        .put("customer_details", new JsonObject().put("email", "buyer@example.com"))
        .put("customer_email", null)
        .put("invoice", null)
        .put("metadata", new JsonObject())
        .put("mode", mode)
        .put("payment_intent", null)
        .put("payment_status", paymentStatus)
        .put("status", "complete")
        .put("subscription", null);
  }

  private static JsonObject refund(String id, String status, long amount) {
    return new JsonObject()
        .put("id", id)
        .put("object", "refund")
        .put("amount", amount)
        .put("charge", "ch_r")
        .put("currency", "usd")
        .put("metadata", new JsonObject())
        .put("payment_intent", "pi_r")
        .put("status", status);
  }

  private static JsonObject line(String type, long periodEnd) {
    return new JsonObject()
        .put("id", "il_" + type)
        .put("object", "line_item")
        .put("type", type)
        .put("period", new JsonObject().put("start", periodEnd - 2_592_000L).put("end", periodEnd));
  }
}
