package io.paybridge.core.refund;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Refunds.RefundOutcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Refund requests on a real database: requests racing for one payment never refund together more
 * than is left; what is left counts each refund once, whether the ledger or an open request holds
 * it; one refund per request key; and every write of an attempt fenced by its job's claim, so an
 * attempt that outlived its lease changes nothing and a settled refund stays settled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefundStoreTest {

  private TestDatabase db;
  private Pool pool;
  private RefundStore store;
  private JobQueue jobs;

  @BeforeAll
  void start() {
    db = TestDatabase.open("refunds");
    pool = db.pool();
    store = new RefundStore(pool);
    jobs = new JobQueue(pool);
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void concurrentPartialRefundsNeverExceedThePayment() {
    // GIVEN a payment of 10.00
    UUID tenant = db.tenant();
    long payment = entry(tenant, "PAYMENT", "payment:pi_race", 1_000, "pi_race");

    // WHEN twelve requests for 3.00 each race for it, on every connection of the pool at once
    List<Future<Opened>> racing = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      racing.add(open(tenant, payment, "race-" + i, 300L));
    }
    await(Future.join(racing));

    // THEN three were opened and nine refused, naming the 1.00 left
    List<Opened> outcomes = racing.stream().map(Future::result).toList();
    assertThat(outcomes).filteredOn(Opened.Made.class::isInstance).hasSize(3);
    assertThat(outcomes)
        .filteredOn(Opened.Exceeds.class::isInstance)
        .hasSize(9)
        .allSatisfy(o -> assertThat(((Opened.Exceeds) o).left()).isLessThanOrEqualTo(100));
    assertThat(
            db.count(
                "SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE payment_id = $1",
                payment))
        .isEqualTo(900);
    assertThat(await(store.left(tenant, payment))).isEqualTo(100);

    // AND all that is left is one more refund, after which nothing is
    Opened rest = await(open(tenant, payment, "race-rest", null));
    assertThat(((Opened.Made) rest).refund().amountMinor()).isEqualTo(100);
    assertThat(await(open(tenant, payment, "race-none", null)))
        .isEqualTo(new Opened.Exceeds(0, "EUR"));
  }

  @Test
  void whatIsLeftCountsEachRefundOnceWhereverItIsBooked() {
    UUID tenant = db.tenant();
    long payment = entry(tenant, "PAYMENT", "payment:pi_left", 5_000, "pi_left");
    // a refund made in the gateway's dashboard, booked from its webhook: 5.00
    entry(tenant, "REFUND", "refund:re_dash", -500, "pi_left");
    assertThat(await(store.left(tenant, payment))).isEqualTo(4_500);

    // a request that the gateway left pending: open, so it counts while no entry books it
    Opened.Made pending = (Opened.Made) await(open(tenant, payment, "k-pending", 1_000L));
    assertThat(
            await(
                store.settle(
                    pending.firstAttempt(),
                    pending.refund().id(),
                    RefundOutcome.pending("re_pending", "refund:re_pending"))))
        .isTrue();
    assertThat(await(store.left(tenant, payment))).isEqualTo(3_500);
    // its webhook books it before the gateway's answer does: still counted once
    entry(tenant, "REFUND", "refund:re_pending", -1_000, "pi_left");
    assertThat(await(store.left(tenant, payment))).isEqualTo(3_500);
    assertThat(await(store.find(tenant, pending.refund().id())).entryId()).isNotNull();

    // a request the gateway refused gives its amount back
    Opened.Made refused = (Opened.Made) await(open(tenant, payment, "k-refused", 2_000L));
    assertThat(await(store.left(tenant, payment))).isEqualTo(1_500);
    await(
        store.settle(
            refused.firstAttempt(),
            refused.refund().id(),
            RefundOutcome.failed(null, "amount_too_large", "too much")));
    assertThat(await(store.left(tenant, payment))).isEqualTo(3_500);

    // a refund that failed after it was booked is reversed: its amount is refundable again
    entry(tenant, "REFUND_REVERSED", "refund_reversal:re_dash", 500, "pi_left");
    assertThat(await(store.left(tenant, payment))).isEqualTo(4_000);

    // a refund the gateway booked under another payment id, linked by its request's entry key
    Opened.Made linked = (Opened.Made) await(open(tenant, payment, "k-linked", 1_000L));
    settleSucceeded(linked, "re_linked", 1_000, "ch_other");
    assertThat(await(store.left(tenant, payment))).isEqualTo(3_000);
  }

  @Test
  void onlyMoneyReceivedOfTheTenantIsRefunded() {
    UUID tenant = db.tenant();
    long refund = entry(tenant, "REFUND", "refund:re_x", -100, "pi_x");
    long dispute = entry(tenant, "DISPUTE", "dispute:dp_x", -100, "pi_x");
    long payment = entry(tenant, "RECURRING_CHARGED", "payment:pi_y", 700, "pi_y");

    assertThat(await(open(tenant, refund, "k1", null)))
        .isEqualTo(new Opened.NotRefundable("REFUND"));
    assertThat(await(open(tenant, dispute, "k2", null)))
        .isEqualTo(new Opened.NotRefundable("DISPUTE"));
    assertThat(await(open(db.tenant(), payment, "k3", null))).isEqualTo(new Opened.NoPayment());
    assertThat(await(open(tenant, Long.MAX_VALUE, "k4", null))).isEqualTo(new Opened.NoPayment());
    assertThat(await(open(tenant, payment, "k5", null))).isInstanceOf(Opened.Made.class);
    assertThat(db.count("SELECT count(*) FROM refunds WHERE tenant_id = $1", tenant)).isEqualTo(1);
  }

  @Test
  void oneRefundPerRequestKeyEachWithItsOwnGatewayKey() {
    UUID tenant = db.tenant();
    long payment = entry(tenant, "PAYMENT", "payment:pi_keys", 900, "pi_keys");

    Opened.Made first = (Opened.Made) await(open(tenant, payment, "same", 200L));
    Opened again = await(open(tenant, payment, "same", 200L));
    Opened.Made second = (Opened.Made) await(open(tenant, payment, "other", 200L));

    assertThat(again).isInstanceOf(Opened.Earlier.class);
    assertThat(((Opened.Earlier) again).refund().id()).isEqualTo(first.refund().id());
    assertThat(((Opened.Earlier) again).fingerprint()).isEqualTo("fp-200");
    assertThat(db.count("SELECT count(*) FROM refunds WHERE payment_id = $1", payment))
        .isEqualTo(2);
    // two partial refunds of one payment: two gateway keys, each fixed by its request
    OpenRefund a = await(store.attempt(first.refund().id()));
    OpenRefund b = await(store.attempt(second.refund().id()));
    assertThat(a.idempotencyKey()).isEqualTo("paybridge-refund-" + first.refund().id());
    assertThat(b.idempotencyKey()).isEqualTo("paybridge-refund-" + second.refund().id());
    assertThat(a.paymentEntryKey()).isEqualTo("payment:pi_keys");
    assertThat(a.externalPaymentId()).isEqualTo("pi_keys");
    assertThat(a.customerRef()).isEqualTo("member-1");
    // the same key for another tenant is another refund
    UUID other = db.tenant();
    long theirs = entry(other, "PAYMENT", "payment:pi_keys", 900, "pi_keys");
    assertThat(await(open(other, theirs, "same", 200L))).isInstanceOf(Opened.Made.class);
  }

  @Test
  void aStaleClaimChangesNothingAndASettledRefundStaysSettled() {
    UUID tenant = db.tenant();
    long payment = entry(tenant, "PAYMENT", "payment:pi_fence", 800, "pi_fence");
    Opened.Made made = (Opened.Made) await(open(tenant, payment, "fence", 300L));
    Job first = made.firstAttempt();
    UUID id = made.refund().id();

    // GIVEN the first attempt's lease ran out and another worker took the job over
    expireLease(first);
    Job second =
        await(jobs.claim(List.of(RefundStore.JOB_KIND), 10, "other", Duration.ofMinutes(2)))
            .stream()
            .filter(j -> j.id() == first.id())
            .findFirst()
            .orElseThrow();

    // WHEN the first attempt's late answers arrive: they change nothing
    assertThat(await(store.settle(first, id, RefundOutcome.failed(null, "x", "late")))).isFalse();
    assertThat(await(store.settle(first, id, succeeded("re_late", 300, "pi_fence")))).isFalse();
    assertThat(await(store.settle(first, id, RefundOutcome.pending("re_late", "refund:re_late"))))
        .isFalse();
    assertThat(await(store.note(first, id, "late"))).isFalse();
    Refund untouched = await(store.find(tenant, id));
    assertThat(untouched.status()).isEqualTo(Refund.REQUESTED);
    assertThat(untouched.gatewayRefundId()).isNull();
    assertThat(refundEntries(tenant)).isZero();

    // AND the attempt holding the claim settles it, booking the refund with its sync job
    assertThat(await(store.settle(second, id, succeeded("re_ok", 300, "pi_fence")))).isTrue();
    Refund settled = await(store.find(tenant, id));
    assertThat(settled.status()).isEqualTo(Refund.SUCCEEDED);
    assertThat(settled.gatewayRefundId()).isEqualTo("re_ok");
    assertThat(settled.entryId()).isNotNull();
    assertThat(refundEntries(tenant)).isEqualTo(1);
    assertThat(
            db.count(
                "SELECT count(*) FROM jobs WHERE kind = 'sync' AND ref_id = $1", settled.entryId()))
        .isEqualTo(1);
    assertThat(
            db.count(
                "SELECT amount_minor FROM ledger_entries WHERE id = $1 AND refund_id = $2"
                    + " AND entry_key = 'refund:re_ok' AND customer_ref = 'member-1'",
                settled.entryId(),
                id))
        .isEqualTo(-300);

    // THEN a settled refund stays settled, and books nothing more
    assertThat(await(store.settle(second, id, RefundOutcome.failed(null, "x", "y")))).isFalse();
    assertThat(await(store.settle(second, id, succeeded("re_ok", 300, "pi_fence")))).isFalse();
    assertThat(await(store.note(second, id, "again"))).isFalse();
    assertThat(await(store.find(tenant, id)).status()).isEqualTo(Refund.SUCCEEDED);
    assertThat(refundEntries(tenant)).isEqualTo(1);
    assertThat(await(jobs.finish(second, JobResult.done(), Duration.ZERO))).isTrue();
  }

  @Test
  void aPaymentsRefundsArePagedNewestFirstInBothDirections() {
    UUID tenant = db.tenant();
    long payment = entry(tenant, "PAYMENT", "payment:pi_pages", 10_000, "pi_pages");
    List<UUID> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(((Opened.Made) await(open(tenant, payment, "p" + i, 100L))).refund().id());
    }
    List<UUID> newestFirst = new ArrayList<>(made);
    java.util.Collections.reverse(newestFirst);

    Page<Refund, UUID> first = await(store.list(tenant, payment, PageRequest.first(2)));
    Page<Refund, UUID> second =
        await(store.list(tenant, payment, new PageRequest<>(first.next(), null, 2)));
    Page<Refund, UUID> last =
        await(store.list(tenant, payment, new PageRequest<>(second.next(), null, 2)));
    Page<Refund, UUID> back =
        await(store.list(tenant, payment, new PageRequest<>(null, last.items().get(0).id(), 2)));

    assertThat(ids(first)).containsExactlyElementsOf(newestFirst.subList(0, 2));
    assertThat(ids(second)).containsExactlyElementsOf(newestFirst.subList(2, 4));
    assertThat(ids(last)).containsExactly(newestFirst.get(4));
    assertThat(first.hasMore()).isTrue();
    assertThat(last.hasMore()).isFalse();
    assertThat(ids(back)).containsExactlyElementsOf(newestFirst.subList(2, 4));
    assertThat(back.hasMore()).isTrue();
    // another tenant's listing of the same payment id shows nothing
    assertThat(await(store.list(db.tenant(), payment, PageRequest.first(10))).items()).isEmpty();
  }

  private static List<UUID> ids(Page<Refund, UUID> page) {
    return page.items().stream().map(Refund::id).toList();
  }

  private Future<Opened> open(UUID tenant, long payment, String key, Long amount) {
    return store.open(
        tenant, payment, key, "fp-" + amount, amount, null, "test", Duration.ofMinutes(2));
  }

  private void settleSucceeded(Opened.Made made, String refund, long amount, String paidBy) {
    assertThat(
            await(
                store.settle(
                    made.firstAttempt(), made.refund().id(), succeeded(refund, amount, paidBy))))
        .isTrue();
  }

  private static RefundOutcome succeeded(String refund, long amount, String payment) {
    return RefundOutcome.succeeded(
        refund,
        PaymentEvent.builder(EventKind.REFUND, "refund:" + refund, Instant.now())
            .amount(-amount, "EUR")
            .externalPaymentId(payment)
            .customerRef("member-1")
            .build());
  }

  /** A ledger entry as ingest books it from a webhook; its id. */
  private long entry(UUID tenant, String kind, String key, long amount, String payment) {
    return await(
            pool.preparedQuery(
                    "INSERT INTO ledger_entries (tenant_id, gateway, entry_key, kind, amount_minor,"
                        + " currency, external_payment_id, customer_ref, occurred_at)"
                        + " VALUES ($1, 'stripe', $2, $3, $4, 'EUR', $5, 'member-1', now())"
                        + " RETURNING id")
                .execute(Tuple.of(tenant, key, kind, amount, payment)))
        .iterator()
        .next()
        .getLong(0);
  }

  private long refundEntries(UUID tenant) {
    return db.count(
        "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'REFUND'", tenant);
  }

  private void expireLease(Job job) {
    await(
        pool.preparedQuery(
                "UPDATE jobs SET run_at = now() - interval '1 second',"
                    + " lease_expires_at = now() - interval '1 second' WHERE id = $1")
            .execute(Tuple.of(job.id())));
  }
}
