package io.paybridge.core.checkout;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.job.Job;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.ParsedWebhook.FollowUp;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checkouts on a real database: one per idempotency key, its start held by one request at a time,
 * its client fields sealed; webhooks that name its payment book for its customer and move its
 * status in the group commit, once however often they come; follow-ups queue one job per checkout;
 * and a capture's writes are fenced by its job's claim, booking one entry whether the capture's
 * answer or the webhook comes first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutStoreTest {

  private CheckoutFixture fx;

  @BeforeAll
  void start() {
    fx = new CheckoutFixture("checkout_store");
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void theStartIsHeldByOneRequestAndALostHoldWritesNothing() {
    UUID tenant = fx.tenant();
    NewCheckout request = new NewCheckout("tillpay", "m-1", 900L, "EUR", null, null);
    String fingerprint = CheckoutRules.fingerprint(request);
    CheckoutStore.Created first =
        await(fx.store.create(tenant, "key-1", fingerprint, request, Duration.ofMinutes(2)));
    CheckoutStore.Created again =
        await(fx.store.create(tenant, "key-1", fingerprint, request, Duration.ofMinutes(2)));
    UUID id = first.checkout().id();

    // one checkout for the key; the second request holds no start, and cannot take it yet
    assertThat(first.startToken()).isNotNull();
    assertThat(again.startToken()).isNull();
    assertThat(again.checkout().id()).isEqualTo(id);
    assertThat(again.checkout().status()).isEqualTo(Checkout.STARTING);
    assertThat(await(fx.store.reclaim(tenant, id, Duration.ofMinutes(2)))).isNull();

    // a request that does not hold the start writes nothing
    UUID stranger = UUID.randomUUID();
    assertThat(await(fx.store.notStarted(tenant, id, stranger, "x"))).isNull();
    assertThat(await(fx.store.started(tenant, id, stranger, "tp_x", new JsonObject()))).isNull();

    // the holder's failure frees it; the next request takes it, and the old hold is worthless
    assertThat(await(fx.store.notStarted(tenant, id, first.startToken(), "timeout")).status())
        .isEqualTo(Checkout.FAILED_TO_START);
    UUID second = await(fx.store.reclaim(tenant, id, Duration.ofMinutes(2)));
    assertThat(second).isNotNull().isNotEqualTo(first.startToken());
    assertThat(await(fx.store.started(tenant, id, first.startToken(), "tp_1", new JsonObject())))
        .isNull();
    Checkout open =
        await(
            fx.store.started(
                tenant, id, second, "tp_1", new JsonObject().put("clientSecret", "cs_live_42")));
    assertThat(open.status()).isEqualTo(Checkout.OPEN);
    assertThat(open.reference()).isEqualTo("tp_1");

    // the client fields are sealed at rest, and opened for the tenant only
    assertThat(
            fx.count(
                "SELECT count(*) FROM checkouts WHERE id = $1"
                    + " AND position('cs_live_42'::bytea in client_sealed) > 0",
                id))
        .isZero();
    assertThat(await(fx.store.find(tenant, id)).client().getString("clientSecret"))
        .isEqualTo("cs_live_42");
    assertThat(await(fx.store.find(fx.db.tenant(), id))).isNull();

    // a holder that died: its hold passes once its lease ran out
    CheckoutStore.Created stalled =
        await(fx.store.create(tenant, "key-2", fingerprint, request, Duration.ofMillis(1)));
    sleep(20);
    assertThat(await(fx.store.reclaim(tenant, stalled.checkout().id(), Duration.ofMinutes(2))))
        .isNotNull();
  }

  @Test
  void webhooksNamingItsPaymentBookForItsCustomerOnceAndMoveIt() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-7", 1_500);
    String ref = checkout.reference();

    // WHEN the gateway's payment webhook arrives without a customer, twice
    ParsedWebhook paid = webhook("evt_p", payment("payment:" + ref, ref, 1_500));
    assertThat(fx.record(tenant, paid)).isEqualTo(Outcome.RECORDED);
    assertThat(fx.record(tenant, paid)).isEqualTo(Outcome.DUPLICATE);
    // (ingest writes the repeat's own receipt, naming the one it repeats)
    await(new ReceiptStore(fx.db.pool()).duplicate(tenant, "tillpay", paid, "203.0.113.9"));

    // THEN it is booked once, for the checkout's customer, and the checkout is paid
    assertThat(fx.balance(tenant, "member-7")).isEqualTo(1_500);
    assertThat(
            fx.count("SELECT count(*) FROM ledger_entries WHERE checkout_id = $1", checkout.id()))
        .isEqualTo(1);
    Checkout after = await(fx.store.find(tenant, checkout.id()));
    assertThat(after.status()).isEqualTo(Checkout.PAID);
    assertThat(after.paidMinor()).isEqualTo(1_500);

    // WHEN two partial refunds come in one statement, then the rest
    fx.recordTogether(
        tenant,
        webhook("evt_r1", refund("refund:re_1", ref, -500)),
        webhook("evt_r2", refund("refund:re_2", ref, -300)));
    assertThat(await(fx.store.find(tenant, checkout.id())).status())
        .isEqualTo(Checkout.PARTIALLY_REFUNDED);
    assertThat(await(fx.store.find(tenant, checkout.id())).refundedMinor()).isEqualTo(800);
    fx.record(tenant, webhook("evt_r3", refund("refund:re_3", ref, -700)));
    fx.record(tenant, webhook("evt_r3b", refund("refund:re_3", ref, -700)));
    Checkout refunded = await(fx.store.find(tenant, checkout.id()));
    assertThat(refunded.status()).isEqualTo(Checkout.REFUNDED);
    assertThat(refunded.refundedMinor()).isEqualTo(1_500);
    assertThat(fx.balance(tenant, "member-7")).isZero();

    // AND every receipt about it is the checkout's, the duplicates included
    CheckoutDetail detail = await(fx.checkouts.get(tenant, checkout.id()));
    assertThat(detail.entries())
        .extracting(e -> e.amountMinor())
        .containsExactly(1_500L, -500L, -300L, -700L);
    assertThat(detail.receipts())
        .extracting(r -> r.verdict())
        .containsExactly("recorded", "duplicate", "recorded", "recorded", "recorded", "recorded");
  }

  @Test
  void aPaymentNoCheckoutKnowsIsBookedWithoutACustomerAndSaysSo() {
    UUID tenant = fx.tenant();
    Checkout mine = open(tenant, "member-1", 700);
    UUID other = fx.tenant();

    // another tenant's delivery naming this tenant's reference does not touch the checkout
    fx.record(
        other, webhook("evt_x", payment("payment:" + mine.reference(), mine.reference(), 700)));
    assertThat(await(fx.store.find(tenant, mine.id())).status()).isEqualTo(Checkout.OPEN);
    assertThat(fx.balance(tenant, "member-1")).isZero();

    // a payment for a reference no checkout of the tenant has: booked, noted on the receipt
    fx.record(tenant, webhook("evt_u", payment("payment:tp_unknown", "tp_unknown", 300)));
    assertThat(
            fx.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND customer_ref IS NULL"
                    + " AND checkout_id IS NULL AND amount_minor = 300",
                tenant))
        .isEqualTo(1);
    assertThat(
            fx.count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND event_id = 'evt_u'"
                    + " AND verdict = 'recorded'"
                    + " AND reason = 'payment tp_unknown matched no checkout: booked without a"
                    + " customer'",
                tenant))
        .isEqualTo(1);
  }

  @Test
  void followUpsQueueOneJobPerCheckoutOnlyForTheTenantsCheckouts() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-2", 400);
    ParsedWebhook authorized =
        ParsedWebhook.ignored("evt_a", "authorized", "authorized: capture queued")
            .withFollowUps(List.of(FollowUp.capture(checkout.reference(), "authorized")));

    assertThat(fx.record(tenant, authorized)).isEqualTo(Outcome.IGNORED);
    assertThat(fx.record(tenant, authorized)).isEqualTo(Outcome.DUPLICATE);
    // another event asking the same while the first is outstanding queues nothing more
    fx.record(
        tenant,
        ParsedWebhook.ignored("evt_b", "review.closed", "approved")
            .withFollowUps(List.of(FollowUp.capture(checkout.reference(), "approved"))));
    // a reference that is no checkout of the tenant queues nothing
    fx.record(
        tenant,
        ParsedWebhook.ignored("evt_c", "authorized", "someone else's")
            .withFollowUps(List.of(FollowUp.cancel("tp_elsewhere", "not ours"))));
    UUID other = fx.tenant();
    fx.record(
        other,
        ParsedWebhook.ignored("evt_a", "authorized", "another tenant naming it")
            .withFollowUps(List.of(FollowUp.cancel(checkout.reference(), "not theirs"))));

    List<Job> queued = fx.claim(CheckoutAttemptStore.CAPTURE, tenant);
    assertThat(queued).singleElement();
    assertThat(queued.get(0).payload().getString("checkout")).isEqualTo(checkout.id().toString());
    assertThat(fx.claim(CheckoutAttemptStore.CANCEL, tenant)).isEmpty();
    assertThat(fx.claim(CheckoutAttemptStore.CANCEL, other)).isEmpty();
    assertThat(
            fx.count(
                "SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1 AND checkout_id = $2"
                    + " AND verdict = 'ignored'",
                tenant,
                checkout.id()))
        .isEqualTo(2);
  }

  @Test
  void aStaleClaimChangesNothingAndACaptureBooksOnceWhicheverComesFirst() {
    UUID tenant = fx.tenant();
    Checkout checkout = open(tenant, "member-3", 2_000);
    fx.record(
        tenant,
        ParsedWebhook.ignored("evt_auth", "authorized", "capture")
            .withFollowUps(List.of(FollowUp.capture(checkout.reference(), "authorized"))));
    Job stale = fx.claim(CheckoutAttemptStore.CAPTURE, tenant).get(0);
    fx.expireLease(stale);
    Job current = fx.claim(CheckoutAttemptStore.CAPTURE, tenant).get(0);
    assertThat(current.id()).isEqualTo(stale.id());
    PaymentEvent capture = payment("payment:" + checkout.reference(), checkout.reference(), 2_000);

    // the attempt that lost its claim changes nothing
    assertThat(await(fx.attempts.captured(stale, checkout.id(), capture))).isFalse();
    assertThat(await(fx.attempts.failed(stale, checkout.id(), "x", "y"))).isFalse();
    assertThat(await(fx.attempts.cancelled(stale, checkout.id(), "z"))).isFalse();
    assertThat(await(fx.attempts.note(stale, checkout.id(), "late"))).isFalse();
    assertThat(fx.balance(tenant, "member-3")).isZero();
    assertThat(await(fx.store.find(tenant, checkout.id())).status()).isEqualTo(Checkout.OPEN);

    // the claim's holder books the capture, for the checkout's customer, with its sync job
    assertThat(await(fx.attempts.captured(current, checkout.id(), capture))).isTrue();
    assertThat(fx.balance(tenant, "member-3")).isEqualTo(2_000);
    assertThat(
            fx.count(
                "SELECT count(*) FROM jobs WHERE kind = 'sync' AND ref_id IN"
                    + " (SELECT id FROM ledger_entries WHERE checkout_id = $1)",
                checkout.id()))
        .isEqualTo(1);
    // and the gateway's webhook for the same capture books nothing more
    fx.record(tenant, webhook("evt_succ", capture));
    assertThat(fx.balance(tenant, "member-3")).isEqualTo(2_000);
    assertThat(await(fx.store.find(tenant, checkout.id())).paidMinor()).isEqualTo(2_000);

    // the other way round: the webhook first, then the capture's answer
    Checkout second = open(tenant, "member-4", 800);
    PaymentEvent secondCapture = payment("payment:" + second.reference(), second.reference(), 800);
    fx.record(tenant, webhook("evt_first", secondCapture));
    assertThat(await(fx.attempts.captured(current, second.id(), secondCapture))).isTrue();
    assertThat(fx.balance(tenant, "member-4")).isEqualTo(800);
    Checkout paid = await(fx.store.find(tenant, second.id()));
    assertThat(paid.status()).isEqualTo(Checkout.PAID);
    assertThat(paid.paidMinor()).isEqualTo(800);
    // a paid checkout is not cancelled or failed by a late attempt
    assertThat(await(fx.attempts.failed(current, second.id(), "expired", "too late"))).isFalse();
    assertThat(await(fx.attempts.cancelled(current, second.id(), "released"))).isFalse();
  }

  // ---- helpers

  private Checkout open(UUID tenant, String customerRef, long amount) {
    Checkout checkout =
        await(
            fx.checkouts.create(
                tenant,
                "k-" + UUID.randomUUID(),
                new NewCheckout("tillpay", customerRef, amount, "EUR", null, null)));
    assertThat(checkout.status()).isEqualTo(Checkout.OPEN);
    return checkout;
  }

  private static ParsedWebhook webhook(String eventId, PaymentEvent event) {
    return new ParsedWebhook(eventId, "payment", List.of(event));
  }

  private static PaymentEvent payment(String key, String reference, long amount) {
    return PaymentEvent.builder(EventKind.PAYMENT, key, Instant.now())
        .amount(amount, "EUR")
        .externalPaymentId(reference)
        .build();
  }

  private static PaymentEvent refund(String key, String reference, long amount) {
    return PaymentEvent.builder(EventKind.REFUND, key, Instant.now())
        .amount(amount, "EUR")
        .externalPaymentId(reference)
        .build();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
