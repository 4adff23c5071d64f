package io.paybridge.gateway.razorpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** What each Razorpay event means for the ledger. */
class RazorpayEventMappingTest {

  private final RazorpayPlugin plugin = new RazorpayPlugin();
  private final RazorpaySimulator razorpay = new RazorpaySimulator("mapping-test-secret");
  private final Credentials credentials = credentials(null);

  private Credentials credentials(String customerRefKey) {
    JsonObject submitted = razorpay.credentialsJson();
    if (customerRefKey != null) {
      submitted.put("customerRefKey", customerRefKey);
    }
    return plugin.credentialSchema().validate(submitted);
  }

  private ParsedWebhook parse(String body, String eventId) {
    return plugin.parse(razorpay.request(body, eventId), credentials);
  }

  private PaymentEvent single(String body) {
    ParsedWebhook parsed = parse(body, "Evt" + RazorpaySimulator.newId(""));
    assertThat(parsed.events()).hasSize(1);
    return parsed.events().get(0);
  }

  /** The payload of a simulator body, to vary before wrapping it again. */
  private static JsonObject payload(String body) {
    return new JsonObject(body).getJsonObject("payload");
  }

  private static JsonObject entity(JsonObject payload, String name) {
    return payload.getJsonObject(name).getJsonObject("entity");
  }

  private static Instant createdAt(String body) {
    return Instant.ofEpochSecond(new JsonObject(body).getLong("created_at"));
  }

  // ---- payments

  @Test
  void paymentCapturedIsAPaymentWithFeeEmailAndContact() {
    String body = razorpay.paymentCaptured("pay_1", 50_000, "INR", "user-42");
    ParsedWebhook parsed = parse(body, "EvtCaptured001");

    assertThat(parsed.eventId())
        .as("from the signed body, not the x-razorpay-event-id header")
        .isEqualTo("payment.captured:pay_1@" + createdAt(body).getEpochSecond());
    assertThat(parsed.eventType()).isEqualTo("payment.captured");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(e.entryKey()).isEqualTo("payment:pay_1");
    assertThat(e.amountMinor()).isEqualTo(50_000L);
    assertThat(e.currency()).isEqualTo("INR");
    assertThat(e.externalPaymentId()).isEqualTo("pay_1");
    assertThat(e.externalSubscriptionId()).isNull();
    assertThat(e.customerRef()).isEqualTo("user-42");
    assertThat(e.email()).isEqualTo("gaurav.kumar@example.com");
    assertThat(e.contact()).isEqualTo("+919000090000");
    assertThat(e.feeMinor()).isEqualTo(entity(payload(body), "payment").getLong("fee"));
    assertThat(e.occurredAt()).isEqualTo(createdAt(body));
  }

  @Test
  void emptyNotesArrayFallsBackToTheCustomerId() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_2", 10_000, "INR", null));
    JsonObject payment = entity(payload, "payment");
    assertThat(payment.getValue("notes")).isEqualTo(new JsonArray());

    assertThat(single(razorpay.event("payment.captured", payload)).customerRef()).isNull();

    payment.put("customer_id", "cust_7");
    assertThat(single(razorpay.event("payment.captured", payload)).customerRef())
        .isEqualTo("cust_7");

    payment.put("notes", new JsonObject().put("other", "x"));
    assertThat(single(razorpay.event("payment.captured", payload)).customerRef())
        .as("notes without the key")
        .isEqualTo("cust_7");
  }

  @Test
  void theAccountsNotesKeyIsHonoured() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_3", 10_000, "INR", "default-ref"));
    entity(payload, "payment").getJsonObject("notes").put("member.id", "m-9");
    ParsedWebhook parsed =
        plugin.parse(
            razorpay.request(razorpay.event("payment.captured", payload), "E1"),
            credentials("member.id"));
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("m-9");
  }

  @Test
  void paymentAuthorizedIsAnAuthorizationKeyedApart() {
    PaymentEvent e = single(razorpay.paymentAuthorized("pay_4", 25_000, "INR", "user-1"));
    assertThat(e.kind()).isEqualTo(EventKind.AUTHORIZED);
    assertThat(e.entryKey()).isEqualTo("authorized:pay_4");
    assertThat(e.amountMinor()).isEqualTo(25_000L);
    assertThat(e.feeMinor()).isNull();
    assertThat(e.customerRef()).isEqualTo("user-1");
  }

  @Test
  void orderPaidBooksUnderThePaymentsKey() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_5", 30_000, "INR", null));
    JsonObject order =
        new JsonObject()
            .put("id", "order_5")
            .put("entity", "order")
            .put("amount", 30_000)
            .put("amount_paid", 30_000)
            .put("amount_due", 0)
            .put("currency", "INR")
            .put("receipt", "rcpt_5")
            .put("status", "paid")
            .put("attempts", 1)
            .put("notes", new JsonObject().put("customer_ref", "order-ref"))
            .put("created_at", 1_700_000_000L);
    payload.put("order", new JsonObject().put("entity", order));

    PaymentEvent paid = single(razorpay.event("order.paid", payload));
    PaymentEvent captured = single(razorpay.event("payment.captured", payload.copy()));
    assertThat(paid.kind()).isEqualTo(EventKind.PAYMENT);
    assertThat(paid.entryKey()).isEqualTo(captured.entryKey()).isEqualTo("payment:pay_5");
    assertThat(paid.customerRef())
        .as("payment notes are empty: the order's")
        .isEqualTo("order-ref");
  }

  @Test
  void capturedMayBeTrueOrTheStringOne() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_6", 10_000, "INR", null));
    JsonObject payment = entity(payload, "payment");

    payment.put("captured", "1");
    assertThat(single(razorpay.event("payment.captured", payload)).kind())
        .isEqualTo(EventKind.PAYMENT);
    payment.put("captured", true);
    assertThat(single(razorpay.event("order.paid", payload)).kind()).isEqualTo(EventKind.PAYMENT);

    payment.put("captured", "0");
    assertThat(parse(razorpay.event("payment.captured", payload), "E2").isIgnored()).isTrue();
    payment.put("captured", false);
    assertThat(parse(razorpay.event("order.paid", payload), "E3").isIgnored()).isTrue();

    payment.put("captured", "yes");
    assertThatThrownBy(() -> parse(razorpay.event("payment.captured", payload), "E4"))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("captured");
  }

  @Test
  void razorpaysPlaceholderEmailIsNoEmail() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_7", 10_000, "INR", null));
    entity(payload, "payment").put("email", "void@razorpay.com");
    assertThat(single(razorpay.event("payment.captured", payload)).email()).isNull();
  }

  // ---- subscriptions

  @Test
  void subscriptionChargedIsARecurringChargeThatDedupesWithTheCapture() {
    Instant currentEnd = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String body =
        razorpay.subscriptionCharged("pay_8", "sub_8", 49_900, "INR", "reader-1", currentEnd);
    PaymentEvent e = single(body);

    assertThat(e.kind()).isEqualTo(EventKind.RECURRING_CHARGED);
    assertThat(e.entryKey()).isEqualTo("payment:pay_8");
    assertThat(e.amountMinor()).isEqualTo(49_900L);
    assertThat(e.currency()).isEqualTo("INR");
    assertThat(e.externalPaymentId()).isEqualTo("pay_8");
    assertThat(e.externalSubscriptionId()).isEqualTo("sub_8");
    assertThat(e.periodEnd()).isEqualTo(currentEnd);
    assertThat(e.customerRef()).as("from the subscription's notes").isEqualTo("reader-1");
    assertThat(e.feeMinor()).isNotNull().isPositive();

    JsonObject payment = entity(payload(body), "payment");
    String capture =
        razorpay.event(
            "payment.captured",
            new JsonObject().put("payment", new JsonObject().put("entity", payment)));
    assertThat(single(capture).entryKey()).isEqualTo(e.entryKey());
  }

  @Test
  void subscriptionChargedWithoutNotesFallsBackToCustomerIds() {
    JsonObject payload =
        payload(razorpay.subscriptionCharged("pay_9", "sub_9", 49_900, "INR", null, Instant.now()));
    String subscriptionCustomer = entity(payload, "subscription").getString("customer_id");
    assertThat(single(razorpay.event("subscription.charged", payload)).customerRef())
        .isEqualTo(subscriptionCustomer);

    entity(payload, "payment").remove("customer_id");
    assertThat(single(razorpay.event("subscription.charged", payload)).customerRef())
        .isEqualTo(subscriptionCustomer);
  }

  @Test
  void haltedAndCancelledEndTheSubscriptionUnderDistinctKeys() {
    String body = razorpay.subscriptionCancelled("sub_10");
    JsonObject payload = payload(body);
    JsonObject subscription = entity(payload, "subscription");

    PaymentEvent cancelled = single(body);
    assertThat(cancelled.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
    assertThat(cancelled.entryKey()).isEqualTo("cancel:sub_10:subscription.cancelled");
    assertThat(cancelled.amountMinor()).isNull();
    assertThat(cancelled.currency()).isNull();
    assertThat(cancelled.externalSubscriptionId()).isEqualTo("sub_10");
    assertThat(cancelled.customerRef()).isEqualTo(subscription.getString("customer_id"));
    assertThat(cancelled.periodEnd())
        .isEqualTo(Instant.ofEpochSecond(subscription.getLong("current_end")));

    subscription
        .put("status", "halted")
        .put("notes", new JsonObject().put("customer_ref", "reader-2"));
    PaymentEvent halted = single(razorpay.event("subscription.halted", payload));
    assertThat(halted.kind()).isEqualTo(EventKind.RECURRING_CANCELLED);
    assertThat(halted.entryKey()).isEqualTo("cancel:sub_10:subscription.halted");
    assertThat(halted.customerRef()).isEqualTo("reader-2");
  }

  // ---- refunds

  @Test
  void refundProcessedIsANegativeRefundOfItsPayment() {
    String body = razorpay.refundProcessed("rfnd_1", "pay_1", 20_000, "INR");
    PaymentEvent e = single(body);
    assertThat(e.kind()).isEqualTo(EventKind.REFUND);
    assertThat(e.entryKey()).isEqualTo("refund:rfnd_1");
    assertThat(e.amountMinor()).isEqualTo(-20_000L);
    assertThat(e.currency()).isEqualTo("INR");
    assertThat(e.externalPaymentId()).isEqualTo("pay_1");
    assertThat(e.feeMinor()).isNull();
    assertThat(e.email()).isEqualTo("gaurav.kumar@example.com");

    JsonObject payload = payload(body);
    payload.remove("payment");
    entity(payload, "refund").put("notes", new JsonObject().put("customer_ref", "user-3"));
    PaymentEvent alone = single(razorpay.event("refund.processed", payload));
    assertThat(alone.externalPaymentId()).isEqualTo("pay_1");
    assertThat(alone.customerRef()).isEqualTo("user-3");
  }

  // ---- event ids

  @Test
  void theEventIdIsTheEventTheIdsOfItsEntitiesAndItsCreationTime() {
    String captured = razorpay.paymentCaptured("pay_X", 10_000, "INR", null);
    long t = createdAt(captured).getEpochSecond();
    assertThat(parse(captured, null).eventId()).isEqualTo("payment.captured:pay_X@" + t);
    assertThat(parse(captured, null)).as("stable").isEqualTo(parse(captured, null));
    assertThat(parse(captured, " ").eventId()).isEqualTo("payment.captured:pay_X@" + t);

    String charged =
        razorpay.subscriptionCharged("pay_Y", "sub_Y", 10_000, "INR", null, Instant.now());
    assertThat(parse(charged, null).eventId())
        .as("entities in the order of their names")
        .isEqualTo("subscription.charged:pay_Y:sub_Y@" + createdAt(charged).getEpochSecond());

    String refund = razorpay.refundProcessed("rfnd_Z", "pay_Z", 10_000, "INR");
    assertThat(parse(refund, null).eventId())
        .isEqualTo("refund.processed:pay_Z:rfnd_Z@" + createdAt(refund).getEpochSecond());

    String cancelled = razorpay.subscriptionCancelled("sub_C");
    assertThat(parse(cancelled, null).eventId())
        .isEqualTo("subscription.cancelled:sub_C@" + createdAt(cancelled).getEpochSecond());

    String dispute =
        razorpay.disputeEvent("payment.dispute.lost", "disp_D", "pay_D", 10_000, "INR");
    assertThat(parse(dispute, null).eventId())
        .isEqualTo("payment.dispute.lost:disp_D:pay_D@" + createdAt(dispute).getEpochSecond());

    String empty = razorpay.event("invoice.expired", new JsonObject());
    assertThat(parse(empty, null).eventId())
        .as("an event without entities is still keyed by its name and time")
        .isEqualTo("invoice.expired@" + createdAt(empty).getEpochSecond());
  }

  // ---- currencies, unknown and malformed

  @Test
  void zeroAndThreeDecimalCurrenciesPassThroughAsMinorUnits() {
    PaymentEvent yen = single(razorpay.paymentCaptured("pay_jpy", 5_000, "JPY", null));
    assertThat(yen.amountMinor()).isEqualTo(5_000L);
    assertThat(yen.currency()).isEqualTo("JPY");
    PaymentEvent dinar = single(razorpay.paymentCaptured("pay_kwd", 12_340, "KWD", null));
    assertThat(dinar.amountMinor()).isEqualTo(12_340L);
    assertThat(dinar.currency()).isEqualTo("KWD");
    assertThat(single(razorpay.refundProcessed("rfnd_kwd", "pay_kwd", 1_230, "KWD")).amountMinor())
        .isEqualTo(-1_230L);
  }

  @Test
  void unknownEventsAreIgnoredWithTheReason() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_u", 10_000, "INR", null));
    String body = razorpay.event("payment.downtime.started", payload);
    ParsedWebhook parsed = parse(body, "EvtUnknown");
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventId())
        .isEqualTo("payment.downtime.started:pay_u@" + createdAt(body).getEpochSecond());
    assertThat(parsed.eventType()).isEqualTo("payment.downtime.started");
    assertThat(parsed.reason())
        .isEqualTo(
            "Razorpay event payment.downtime.started is not in Paybridge's events table for"
                + " Razorpay, so nothing is booked");
  }

  @Test
  void uncapturedAndZeroAmountsSayWhyNothingIsBooked() {
    JsonObject payload = payload(razorpay.paymentCaptured("pay_z", 10_000, "INR", null));
    entity(payload, "payment").put("captured", false);
    assertThat(parse(razorpay.event("payment.captured", payload), "E").reason())
        .isEqualTo(
            "payment.captured reports payment pay_z as not captured (captured=false): no money is"
                + " collected until it is");
    entity(payload, "payment").put("captured", true).put("amount", 0);
    assertThat(parse(razorpay.event("order.paid", payload), "E").reason())
        .isEqualTo("payment pay_z is for 0 INR: nothing to book");
  }

  @Test
  void brokenBodiesAreMalformedWithClearMessages() {
    String good = razorpay.paymentCaptured("pay_m", 10_000, "INR", null);
    JsonObject root = new JsonObject(good);

    JsonObject stringAmount = root.copy();
    entity(stringAmount.getJsonObject("payload"), "payment").put("amount", "10000");
    assertMalformed(stringAmount.encode(), "amount");

    assertMalformed(root.copy().put("event", null).encode(), "event");
    assertMalformed(root.copy().put("payload", null).encode(), "payload");
    assertMalformed(root.copy().put("created_at", "today").encode(), "created_at");
    assertMalformed(
        root.copy().put("payload", new JsonObject()).encode(), "payload.payment.entity");

    JsonObject notesText = root.copy();
    entity(notesText.getJsonObject("payload"), "payment").put("notes", "customer_ref=1");
    assertMalformed(notesText.encode(), "notes");

    JsonObject badCurrency = root.copy();
    entity(badCurrency.getJsonObject("payload"), "payment").put("currency", "RUPEE");
    assertMalformed(badCurrency.encode(), "currency");

    JsonObject negative = root.copy();
    entity(negative.getJsonObject("payload"), "payment").put("amount", -5);
    assertMalformed(negative.encode(), "negative");

    JsonObject charged =
        payload(razorpay.subscriptionCharged("pay_s", "sub_s", 100, "INR", null, Instant.now()));
    charged.remove("subscription");
    assertMalformed(razorpay.event("subscription.charged", charged), "payload.subscription.entity");

    assertMalformed("[]", "JSON object");
  }

  private void assertMalformed(String body, String mentioning) {
    assertThatThrownBy(() -> parse(body, "EvtMalformed"))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining(mentioning)
        .hasMessageNotContaining("null");
  }
}
