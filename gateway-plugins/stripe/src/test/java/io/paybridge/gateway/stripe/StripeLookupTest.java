package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeSimulator.API_VERSION;
import static io.paybridge.gateway.stripe.StripeSimulator.API_VERSION_2024;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deliveries only Stripe's API can complete, against {@link StripeApiFake}: a charge's refunds
 * listed page by page, the invoice a payment pays from API version 2025-03-31, and what happens
 * when the account has no key, Stripe refuses it, or Stripe cannot answer now.
 */
class StripeLookupTest {

  private static final Instant PERIOD_END =
      Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);

  @RegisterExtension final StripeTestBed bed = new StripeTestBed();
  private final StripeSimulator stripe = bed.stripe;
  private final StripeApiFake api = bed.api;

  /** A captured charge the fake knows, and its {@code charge.refunded} event. */
  private String chargeRefunded(String eventId, JsonObject fakeCharge, String version) {
    JsonObject charge =
        stripe
            .charge(
                version,
                fakeCharge.getString("id"),
                fakeCharge.getString("payment_intent"),
                fakeCharge.getLong("amount"),
                fakeCharge.getLong("amount_refunded"),
                fakeCharge.getString("currency"),
                "user-1",
                null)
            .put("refunded", fakeCharge.getBoolean("refunded"));
    return stripe.event(eventId, "charge.refunded", charge, version);
  }

  // ---- charge.refunded

  @Test
  void twoPartialRefundsOverTwoPagesDeliveredTwiceBookBothOnce() {
    // GIVEN a charge refunded in two parts, and Stripe serving one refund per page
    api.addPaymentIntent("pi_Two", 5000, "usd");
    JsonObject charge = api.chargeOf("pi_Two");
    JsonObject first = api.addRefund(charge.getString("id"), 1000, "succeeded");
    JsonObject second = api.addRefund(charge.getString("id"), 1500, "succeeded");
    api.servePagesOf(1);
    String body = chargeRefunded("evt_Refunded", api.charge(charge.getString("id")), API_VERSION);

    // WHEN the event is delivered twice, as Stripe retries it
    LedgerModel ledger = new LedgerModel();
    ParsedWebhook once = bed.deliver(body, bed.withKey());
    ParsedWebhook twice = bed.deliver(body, bed.withKey());
    ledger.book(once);
    ledger.book(twice);

    // THEN both deliveries carry both refunds under their own keys, and the ledger has each once
    assertThat(once.events())
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactlyInAnyOrder(
            tuple(EventKind.REFUND, "refund:" + first.getString("id"), -1000L),
            tuple(EventKind.REFUND, "refund:" + second.getString("id"), -1500L));
    assertThat(once.events())
        .allSatisfy(
            e -> {
              assertThat(e.externalPaymentId()).isEqualTo("pi_Two");
              assertThat(e.customerRef()).isEqualTo("user-1");
            });
    assertThat(twice).isEqualTo(once);
    assertThat(ledger.entries()).hasSize(2);
    assertThat(ledger.balances()).containsExactly(Map.entry("USD", -2500L));

    // AND refund.created of the first refund, later or earlier, is the same entry
    String created =
        stripe.event(
            "evt_Created",
            "refund.created",
            stripe.refund(
                first.getString("id"), charge.getString("id"), "pi_Two", 1000, "usd", "succeeded"),
            API_VERSION);
    assertThat(ledger.book(bed.deliver(created, bed.withKey()))).isEmpty();

    // AND each delivery read every page, starting each after the last refund of the one before
    List<ApiCall> calls = api.calls("GET", "/v1/refunds");
    assertThat(calls).hasSize(4);
    assertThat(calls.get(0).queryParams())
        .containsEntry("charge", charge.getString("id"))
        .containsEntry("limit", "100")
        .doesNotContainKey("starting_after");
    assertThat(calls.get(1).queryParams()).containsEntry("starting_after", second.getString("id"));
    assertThat(calls)
        .allSatisfy(
            call -> {
              assertThat(call.header("Authorization")).isEqualTo("Bearer " + bed.apiKey);
              assertThat(call.header("Stripe-Version")).isEqualTo(StripePlugin.API_VERSION);
            });
  }

  @Test
  void aHundredAndOneRefundsTakeTwoFullPages() {
    api.addPaymentIntent("pi_Many", 20_000, "usd");
    String chargeId = api.chargeOf("pi_Many").getString("id");
    for (int i = 0; i < 101; i++) {
      api.addRefund(chargeId, 100, "succeeded");
    }

    ParsedWebhook parsed =
        bed.deliver(
            chargeRefunded("evt_Many", api.charge(chargeId), API_VERSION_2024), bed.withKey());

    assertThat(parsed.events())
        .hasSize(101)
        .extracting(PaymentEvent::entryKey)
        .doesNotHaveDuplicates();
    assertThat(api.calls("GET", "/v1/refunds")).hasSize(2);
  }

  @Test
  void onlySucceededRefundsBookAndNothingSucceededSaysWhy() {
    api.addPaymentIntent("pi_Mixed", 5000, "usd");
    String chargeId = api.chargeOf("pi_Mixed").getString("id");
    JsonObject pending = api.addRefund(chargeId, 500, "pending");
    api.addRefund(chargeId, 700, "failed");

    ParsedWebhook nothing =
        bed.deliver(chargeRefunded("evt_None", api.charge(chargeId), API_VERSION), bed.withKey());
    assertThat(nothing.isIgnored()).isTrue();
    assertThat(nothing.reason())
        .isEqualTo(
            "charge.refunded with nothing left to book: none of the 2 refunds of charge "
                + chargeId
                + " has succeeded (a pending refund books with refund.updated once it succeeds)");

    JsonObject succeeded = api.addRefund(chargeId, 300, "succeeded");
    ParsedWebhook one =
        bed.deliver(chargeRefunded("evt_One", api.charge(chargeId), API_VERSION), bed.withKey());
    assertThat(one.events())
        .extracting(PaymentEvent::entryKey)
        .containsExactly("refund:" + succeeded.getString("id"))
        .doesNotContain("refund:" + pending.getString("id"));
  }

  @Test
  void withoutAnApiKeyTheDeliveryIsHeldAndBooksOnceAKeyIsSaved() {
    // GIVEN a partially refunded charge and an account without an API key
    api.addPaymentIntent("pi_Held", 5000, "usd");
    String chargeId = api.chargeOf("pi_Held").getString("id");
    JsonObject refund = api.addRefund(chargeId, 2000, "succeeded");
    WebhookRequest delivery =
        bed.request(chargeRefunded("evt_Held", api.charge(chargeId), API_VERSION));

    // WHEN it arrives
    ParsedWebhook held = bed.deliver(delivery, bed.withoutKey());

    // THEN it is held for the key, without asking Stripe
    assertThat(held.isHeld()).isTrue();
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.reason()).contains("GET /v1/refunds?charge=" + chargeId).contains("apiKey");
    assertThat(held.events()).isEmpty();
    assertThat(api.calls()).isEmpty();

    // WHEN the tenant saves a key and the platform processes the kept delivery again, as received
    ParsedWebhook booked = bed.deliver(delivery, bed.withKey());

    // THEN it books
    assertThat(booked.events())
        .extracting(PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(tuple("refund:" + refund.getString("id"), -2000L));
  }

  @Test
  void aKeyStripeRefusesKeepsTheDeliveryHeld() {
    api.addPaymentIntent("pi_Refused", 5000, "usd");
    String chargeId = api.chargeOf("pi_Refused").getString("id");
    api.addRefund(chargeId, 2000, "succeeded");
    String body = chargeRefunded("evt_Refused", api.charge(chargeId), API_VERSION);

    ParsedWebhook revoked = bed.deliver(body, bed.credentials(StripeApiFake.newSecretKey()));
    assertThat(revoked.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(revoked.reason()).contains("HTTP 401").contains("list the refunds of charge");

    api.failNext("GET", "/v1/refunds", 403);
    ParsedWebhook forbidden = bed.deliver(body, bed.withKey());
    assertThat(forbidden.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(forbidden.reason()).contains("HTTP 403").contains("restricted (rk_) key");
  }

  @Test
  void aKeyOfAnotherAccountOrModeKeepsTheDeliveryHeld() {
    // a charge the key's account does not have: Stripe answers 404 resource_missing
    String unknown =
        stripe.event(
            "evt_Other",
            "charge.refunded",
            stripe.charge(API_VERSION, "ch_NotHere", "pi_NotHere", 5000, 5000, "usd", null, null),
            API_VERSION);
    ParsedWebhook other = bed.deliver(unknown, bed.withKey());
    assertThat(other.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(other.reason()).contains("another Stripe account");

    // a live-mode event and a test-mode key: Stripe is not even asked
    JsonObject live = new JsonObject(unknown).put("id", "evt_Live").put("livemode", true);
    int before = api.calls().size();
    ParsedWebhook mode = bed.deliver(live.encode(), bed.withKey());
    assertThat(mode.hold()).isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED);
    assertThat(mode.reason()).contains("test-mode key").contains("live mode");
    assertThat(api.calls()).hasSize(before);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {500, 502, 503, 429})
  void whenStripeCannotAnswerNowTheDeliveryFailsToBeRetried(int status) {
    api.addPaymentIntent("pi_Down", 5000, "usd");
    String chargeId = api.chargeOf("pi_Down").getString("id");
    api.addRefund(chargeId, 2000, "succeeded");
    api.failNext("GET", "/v1/refunds", status);

    Throwable failure =
        bed.failure(chargeRefunded("evt_Down", api.charge(chargeId), API_VERSION), bed.withKey());

    assertThat(failure)
        .isInstanceOfSatisfying(
            GatewayApiException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.getMessage()).doesNotContain(bed.apiKey);
            });
  }

  @Test
  void aListAnswerLostToTheTimeoutFailsTheDeliveryAndTheRetryBooksEverything() {
    // GIVEN two refunds on two pages, and an impatient plugin that will not wait for the first
    api.addPaymentIntent("pi_Slow", 5000, "usd");
    String chargeId = api.chargeOf("pi_Slow").getString("id");
    api.addRefund(chargeId, 1000, "succeeded");
    api.addRefund(chargeId, 1000, "succeeded");
    api.servePagesOf(1);
    JsonObject charge =
        stripe.charge(API_VERSION, chargeId, "pi_Slow", 5000, 2000, "usd", null, null);
    String body = stripe.event("evt_Slow", "charge.refunded", charge, API_VERSION);
    api.delayNext("GET", "/v1/refunds", Duration.ofSeconds(3));

    // WHEN it is delivered and the first page's answer comes too late
    Throwable failure = bed.impatientFailure(body, bed.withKey());

    // THEN nothing of it books, the failure is retryable, and Stripe's retry books both
    assertThat(failure)
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(bed.deliver(body, bed.withKey()).events()).hasSize(2);
  }

  // ---- payments and invoices from API version 2025-03-31

  /** A basil subscription renewal paid by a payment intent, as the fake and the events see it. */
  private record Renewal(String intent, String chargeId, String invoice, String subscription) {}

  private Renewal basilRenewal(String suffix, long amount) {
    Renewal r = new Renewal("pi_" + suffix, null, "in_" + suffix, "sub_" + suffix);
    api.addPaymentIntent(r.intent(), amount, "usd");
    api.putInvoice(
        stripe.invoice(
            API_VERSION, r.invoice(), r.subscription(), null, amount, "usd", "user-7", PERIOD_END));
    api.addInvoicePayment(r.invoice(), r.intent());
    return new Renewal(
        r.intent(), api.chargeOf(r.intent()).getString("id"), r.invoice(), r.subscription());
  }

  @Test
  void aBasilSubscriptionChargeAnnouncedByEveryEventBooksOneKey() {
    // GIVEN a subscription renewal on API version 2025-03-31, paid by a payment intent
    Renewal renewal = basilRenewal("Basil", 1500);
    JsonObject invoice =
        stripe.invoice(
            API_VERSION,
            renewal.invoice(),
            renewal.subscription(),
            null,
            1500,
            "usd",
            "user-7",
            PERIOD_END);
    List<String> announcements =
        List.of(
            stripe.event(
                "evt_Pi",
                "payment_intent.succeeded",
                stripe.paymentIntent(API_VERSION, renewal.intent(), 1500, "usd", "user-7", null),
                API_VERSION),
            stripe.event(
                "evt_Ch",
                "charge.succeeded",
                stripe.charge(
                    API_VERSION,
                    renewal.chargeId(),
                    renewal.intent(),
                    1500,
                    0,
                    "usd",
                    "user-7",
                    null),
                API_VERSION),
            stripe.event("evt_Paid", "invoice.paid", invoice, API_VERSION),
            stripe.event("evt_Succeeded", "invoice.payment_succeeded", invoice, API_VERSION));

    // WHEN all four arrive
    LedgerModel ledger = new LedgerModel();
    for (String body : announcements) {
      ParsedWebhook parsed = bed.deliver(body, bed.withKey());

      // THEN each is the same recurring charge under the invoice's key
      assertThat(parsed.events())
          .as(parsed.eventType())
          .extracting(
              PaymentEvent::kind,
              PaymentEvent::entryKey,
              PaymentEvent::amountMinor,
              PaymentEvent::externalSubscriptionId,
              PaymentEvent::customerRef,
              PaymentEvent::periodEnd)
          .containsExactly(
              tuple(
                  EventKind.RECURRING_CHARGED,
                  "invoice:" + renewal.invoice(),
                  1500L,
                  renewal.subscription(),
                  "user-7",
                  PERIOD_END));
      ledger.book(parsed);
    }
    assertThat(ledger.entries()).hasSize(1);

    // AND the payment events asked Stripe which invoice the payment intent pays
    List<ApiCall> calls = api.calls("GET", "/v1/invoice_payments");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).queryParams())
        .containsEntry("payment[type]", "payment_intent")
        .containsEntry("payment[payment_intent]", renewal.intent())
        .containsEntry("expand[]", "data.invoice");
  }

  @Test
  void aBasilPaymentOfNoInvoiceIsAPlainPayment() {
    api.addPaymentIntent("pi_Once", 4200, "eur");
    String body =
        stripe.event(
            "evt_Once",
            "payment_intent.succeeded",
            stripe.paymentIntent(API_VERSION, "pi_Once", 4200, "eur", "user-2", null),
            API_VERSION);

    ParsedWebhook parsed = bed.deliver(body, bed.withKey());

    assertThat(parsed.events())
        .extracting(PaymentEvent::kind, PaymentEvent::entryKey, PaymentEvent::amountMinor)
        .containsExactly(tuple(EventKind.PAYMENT, "payment:pi_Once", 4200L));
  }

  @Test
  void aBasilPaymentOfAOneOffInvoiceBooksAsTheInvoiceDoes() {
    api.addPaymentIntent("pi_OneOff", 9900, "usd");
    JsonObject invoice =
        stripe.invoice(API_VERSION, "in_OneOff", null, null, 9900, "usd", "user-3", PERIOD_END);
    api.putInvoice(invoice);
    api.addInvoicePayment("in_OneOff", "pi_OneOff");
    String payment =
        stripe.event(
            "evt_OneOff",
            "payment_intent.succeeded",
            stripe.paymentIntent(API_VERSION, "pi_OneOff", 9900, "usd", "user-3", null),
            API_VERSION);

    PaymentEvent fromPayment = bed.deliver(payment, bed.withKey()).events().get(0);
    PaymentEvent fromInvoice =
        bed.deliver(
                stripe.event("evt_InvOneOff", "invoice.paid", invoice, API_VERSION), bed.withKey())
            .events()
            .get(0);

    assertThat(fromPayment.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(fromPayment.entryKey())
        .isEqualTo(fromInvoice.entryKey())
        .isEqualTo("invoice:in_OneOff");
    assertThat(fromPayment.amountMinor()).isEqualTo(fromInvoice.amountMinor()).isEqualTo(9900L);
  }

  @Test
  void aBasilPaymentOfAnInvoiceNotYetPaidIsLeftToInvoicePaid() {
    // GIVEN a payment that pays part of an invoice (basil's partial payments): still open
    Renewal renewal = basilRenewal("Early", 1500);
    api.putInvoice(
        stripe
            .invoice(
                API_VERSION,
                renewal.invoice(),
                renewal.subscription(),
                null,
                1500,
                "usd",
                null,
                PERIOD_END)
            .put("status", "open")
            .put("amount_paid", 500)
            .put("amount_remaining", 1000));
    String body =
        stripe.event(
            "evt_Early",
            "payment_intent.succeeded",
            stripe.paymentIntent(API_VERSION, renewal.intent(), 500, "usd", null, null),
            API_VERSION);

    ParsedWebhook parsed = bed.deliver(body, bed.withKey());

    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.reason())
        .isEqualTo("booked from invoice.paid: this payment pays invoice " + renewal.invoice());
  }

  @Test
  void aBasilPaymentWithoutAKeyIsHeldAndOneWhoseLookupFailsIsRetried() {
    Renewal renewal = basilRenewal("NoKey", 1500);
    String body =
        stripe.event(
            "evt_NoKey",
            "payment_intent.succeeded",
            stripe.paymentIntent(API_VERSION, renewal.intent(), 1500, "usd", null, null),
            API_VERSION);

    ParsedWebhook held = bed.deliver(body, bed.withoutKey());
    assertThat(held.hold()).isEqualTo(ParsedWebhook.NEEDS_API_CREDENTIALS);
    assertThat(held.reason()).contains("GET /v1/invoice_payments").contains(renewal.intent());

    api.failNext("GET", "/v1/invoice_payments", 500);
    assertThat(bed.failure(body, bed.withKey()))
        .isInstanceOfSatisfying(GatewayApiException.class, e -> assertThat(e.retryable()).isTrue());

    assertThat(bed.credentials(StripeApiFake.newSecretKey()))
        .satisfies(
            wrongKey ->
                assertThat(bed.deliver(body, wrongKey).hold())
                    .isEqualTo(ParsedWebhook.API_CREDENTIALS_REJECTED));
  }

  @Test
  void beforeBasilAPaymentNamesItsInvoiceAndIsLeftToTheInvoiceWithoutAskingStripe() {
    String payment =
        stripe.event(
            "evt_Old",
            "payment_intent.succeeded",
            stripe.paymentIntent(API_VERSION_2024, "pi_Old", 1500, "usd", null, "in_Old"),
            API_VERSION_2024);
    String invoice =
        stripe.event(
            "evt_OldInv",
            "invoice.paid",
            stripe.invoice(
                API_VERSION_2024, "in_Old", "sub_Old", "pi_Old", 1500, "usd", "user-9", PERIOD_END),
            API_VERSION_2024);

    ParsedWebhook left = bed.deliver(payment, bed.withKey());
    ParsedWebhook booked = bed.deliver(invoice, bed.withoutKey());

    assertThat(left.isIgnored()).isTrue();
    assertThat(left.reason())
        .isEqualTo("booked from invoice.paid: this payment pays invoice in_Old");
    assertThat(booked.events())
        .extracting(
            PaymentEvent::kind,
            PaymentEvent::entryKey,
            PaymentEvent::externalSubscriptionId,
            PaymentEvent::externalPaymentId,
            PaymentEvent::customerRef)
        .containsExactly(
            tuple(EventKind.RECURRING_CHARGED, "invoice:in_Old", "sub_Old", "pi_Old", "user-9"));
    assertThat(api.calls()).isEmpty();
  }

  @Test
  void theKeyIsNeverCalledForDeliveriesThatNeedNoLookup() {
    Credentials credentials = bed.withKey();
    bed.deliver(
        stripe.paymentIntentSucceeded("evt_Plain", "pi_Plain", 100, "usd", null), credentials);
    bed.deliver(stripe.refundCreated("evt_Re", "re_Plain", "pi_Plain", 50, "usd"), credentials);
    assertThat(api.calls()).isEmpty();
  }
}
