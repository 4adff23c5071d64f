package io.paybridge.core.purchase;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.ingest.GroupCommitRecorder;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.purchase.PurchaseStore.Booking;
import io.paybridge.core.purchase.PurchaseStore.Conflict;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Purchases handed over, on a real database: one entry per entry key however often a purchase is
 * handed over, never for a second customer; a purchase held until the store's notification books it
 * for the customer it was handed over for, with its refunds; and the acknowledgement queued once
 * and recorded only under its job's claim.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurchaseStoreTest {

  private static final String GATEWAY = "googleplay";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private TestDatabase db;
  private PurchaseStore store;
  private GroupCommitRecorder recorder;
  private Context context;

  @BeforeAll
  void start() {
    db = TestDatabase.open("purchases");
    store = new PurchaseStore(db.pool(), db.vault());
    context = db.vertx().getOrCreateContext();
    recorder = new GroupCommitRecorder(context, db.pool(), 16, 1, 1, (n, t) -> {}, jobs -> {});
  }

  @AfterAll
  void stop() {
    db.close();
  }

  private static PaymentEvent payment(String order, String purchaseRef, String customer) {
    return PaymentEvent.builder(EventKind.PAYMENT, "order:" + order, T0)
        .amount(499, "EUR")
        .externalPaymentId(order)
        .customerRef(customer)
        .purchaseRef(purchaseRef)
        .build();
  }

  private static JsonObject ack(String token) {
    return new JsonObject().put("productId", "coins").put("purchaseToken", token);
  }

  /** What the store's notification records, through the ingest path's statement. */
  private Outcome notified(UUID tenant, PaymentEvent event) {
    Promise<Outcome> done = Promise.promise();
    GroupCommitRecorder.Receipt receipt =
        new GroupCommitRecorder.Receipt(
            tenant,
            GATEWAY,
            new ParsedWebhook(UUID.randomUUID().toString(), "NOTIFIED", List.of(event)),
            Buffer.buffer("{}"));
    context.runOnContext(v -> recorder.record(receipt).onComplete(done));
    return await(done.future());
  }

  private long count(String sql, Object... params) {
    return db.count(sql, params);
  }

  private String customerOf(UUID tenant, String entryKey) {
    return await(
            db.pool()
                .preparedQuery(
                    "SELECT customer_ref FROM ledger_entries WHERE tenant_id = $1 AND entry_key = $2")
                .execute(Tuple.of(tenant, entryKey)))
        .iterator()
        .next()
        .getString(0);
  }

  private long acknowledgementJobs(UUID tenant) {
    return count(
        "SELECT count(*) FROM jobs WHERE tenant_id = $1 AND kind = 'purchase_acknowledge'", tenant);
  }

  @Test
  void aPurchaseIsBookedOnceWithItsSyncJobHoweverOftenItIsHandedOver() {
    UUID tenant = db.tenant();
    Booking first =
        await(
            store.book(
                tenant, GATEWAY, payment("GPA.1", "ref-1", "m-1"), ack("token-of-purchase-one")));
    Booking again =
        await(
            store.book(
                tenant, GATEWAY, payment("GPA.1", "ref-1", "m-1"), ack("token-of-purchase-one")));

    assertThat(first.fresh()).isTrue();
    assertThat(first.conflict()).isEqualTo(Conflict.NONE);
    assertThat(again.fresh()).isFalse();
    assertThat(again.entryId()).isEqualTo(first.entryId());
    assertThat(count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM jobs WHERE tenant_id = $1 AND kind = 'sync'", tenant))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND purchase_ref ="
                    + " 'ref-1' AND customer_ref = 'm-1' AND receipt_id IS NULL",
                tenant))
        .isEqualTo(1);
    assertThat(acknowledgementJobs(tenant)).as("one outstanding acknowledgement").isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM app_purchases WHERE tenant_id = $1 AND sealed_ack IS NOT NULL"
                    + " AND position('token-of-purchase-one' in encode(sealed_ack, 'escape')) = 0",
                tenant))
        .as("the token is kept sealed")
        .isEqualTo(1);
  }

  @Test
  void aPurchaseIsNeverBookedForASecondCustomer() {
    UUID tenant = db.tenant();
    await(store.book(tenant, GATEWAY, payment("GPA.2", "ref-2", "m-1"), null));
    Booking other = await(store.book(tenant, GATEWAY, payment("GPA.2", "ref-2", "m-2"), null));
    assertThat(other.conflict()).isEqualTo(Conflict.HANDED_OVER_FOR_ANOTHER);
    assertThat(customerOf(tenant, "order:GPA.2")).isEqualTo("m-1");
    assertThat(await(store.hold(tenant, GATEWAY, "ref-2", "m-3", null))).isEqualTo("m-1");
  }

  @Test
  void anEntryTheNotificationBookedForSomeoneElseOrNobodyIsLeftAsItIs() {
    UUID tenant = db.tenant();
    notified(tenant, payment("GPA.3", "ref-3", "store-account-9"));
    notified(tenant, payment("GPA.4", "ref-4", null));

    Booking other = await(store.book(tenant, GATEWAY, payment("GPA.3", "ref-3", "m-1"), ack("t")));
    Booking nobody = await(store.book(tenant, GATEWAY, payment("GPA.4", "ref-4", "m-1"), ack("t")));

    assertThat(other.conflict()).isEqualTo(Conflict.BOOKED_FOR_ANOTHER);
    assertThat(nobody.conflict()).isEqualTo(Conflict.BOOKED_WITHOUT_CUSTOMER);
    assertThat(count("SELECT count(*) FROM app_purchases WHERE tenant_id = $1", tenant))
        .as("rolled back: the purchase is not remembered for m-1")
        .isZero();
    assertThat(acknowledgementJobs(tenant)).isZero();
    assertThat(customerOf(tenant, "order:GPA.3")).isEqualTo("store-account-9");
  }

  @Test
  void aHeldPurchaseIsBookedByItsNotificationForItsCustomerAndSoAreItsRefunds() {
    UUID tenant = db.tenant();
    assertThat(await(store.hold(tenant, GATEWAY, "ref-5", "m-5", ack("t5")))).isEqualTo("m-5");
    assertThat(count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant)).isZero();

    assertThat(notified(tenant, payment("GPA.5", "ref-5", "store-account-1")))
        .isEqualTo(Outcome.RECORDED);
    notified(
        tenant,
        PaymentEvent.builder(EventKind.REFUND, "refund:GPA.5", T0.plusSeconds(60))
            .amount(-499, "EUR")
            .externalPaymentId("GPA.5")
            .customerRef("store-account-1")
            .purchaseRef("ref-5")
            .build());

    assertThat(customerOf(tenant, "order:GPA.5")).isEqualTo("m-5");
    assertThat(customerOf(tenant, "refund:GPA.5")).isEqualTo("m-5");
    assertThat(acknowledgementJobs(tenant)).as("the paid purchase is acknowledged").isEqualTo(1);
    // The app hands it over again once paid: the same entry, the same job
    Booking handed =
        await(store.book(tenant, GATEWAY, payment("GPA.5", "ref-5", "m-5"), ack("t5")));
    assertThat(handed.fresh()).isFalse();
    assertThat(handed.conflict()).isEqualTo(Conflict.NONE);
    assertThat(acknowledgementJobs(tenant)).isEqualTo(1);
  }

  @Test
  void theAcknowledgementIsRecordedOnlyUnderItsJobsClaimAndThenForgotten() {
    UUID tenant = db.tenant();
    await(store.book(tenant, GATEWAY, payment("GPA.6", "ref-6", "m-6"), ack("t6")));
    assertThat(await(store.acknowledgement(tenant, GATEWAY, "ref-6"))).isEqualTo(ack("t6"));
    assertThat(await(store.acknowledgement(UUID.randomUUID(), GATEWAY, "ref-6")))
        .as("another tenant's")
        .isNull();

    JobQueue jobs = new JobQueue(db.pool());
    Job job =
        await(jobs.claim(List.of(PurchaseStore.ACKNOWLEDGE), 10, "node-a", Duration.ofMinutes(1)))
            .stream()
            .filter(j -> j.tenantId().equals(tenant))
            .findFirst()
            .orElseThrow();
    assertThat(job.payload())
        .isEqualTo(new JsonObject().put("gateway", GATEWAY).put("purchaseRef", "ref-6"));
    Job stale =
        new Job(
            job.id(),
            job.kind(),
            job.tenantId(),
            job.refId(),
            job.payload(),
            job.attempts(),
            UUID.randomUUID(),
            job.createdAt());

    assertThat(await(store.acknowledged(stale, GATEWAY, "ref-6"))).isFalse();
    assertThat(await(store.acknowledgement(tenant, GATEWAY, "ref-6"))).isNotNull();
    assertThat(await(store.acknowledged(job, GATEWAY, "ref-6"))).isTrue();
    assertThat(await(store.acknowledgement(tenant, GATEWAY, "ref-6"))).isNull();
    assertThat(
            count(
                "SELECT count(*) FROM app_purchases WHERE tenant_id = $1 AND sealed_ack IS NULL"
                    + " AND acknowledged_at IS NOT NULL",
                tenant))
        .isEqualTo(1);
    assertThat(await(store.acknowledged(job, GATEWAY, "ref-6"))).as("once").isFalse();
  }

  @Test
  void aSubscriptionsChargeRecordsTheSubscriptionForTheCustomer() {
    UUID tenant = db.tenant();
    PaymentEvent charge =
        PaymentEvent.builder(EventKind.PAYMENT, "txn:2000000008", T0)
            .amount(1099, "USD")
            .externalPaymentId("2000000008")
            .externalSubscriptionId("2000000001")
            .customerRef("m-8")
            .periodEnd(T0.plus(Duration.ofDays(30)))
            .purchaseRef("2000000008")
            .build();
    await(store.book(tenant, "appstore", charge, null));
    assertThat(
            count(
                "SELECT count(*) FROM subscriptions WHERE tenant_id = $1 AND gateway = 'appstore'"
                    + " AND external_subscription_id = '2000000001' AND customer_ref = 'm-8'"
                    + " AND status = 'active' AND current_period_end = $2",
                tenant,
                T0.plus(Duration.ofDays(30)).atOffset(java.time.ZoneOffset.UTC)))
        .isEqualTo(1);
  }

  @Test
  void concurrentHandOversOfOnePurchaseBookItOnce() {
    UUID tenant = db.tenant();
    List<Future<Booking>> all =
        java.util.stream.IntStream.range(0, 8)
            .mapToObj(i -> store.book(tenant, GATEWAY, payment("GPA.7", "ref-7", "m-7"), null))
            .toList();
    await(Future.all(all));
    assertThat(all.stream().filter(f -> f.result().fresh()).count()).isEqualTo(1);
    assertThat(all.stream().map(f -> f.result().entryId()).distinct().count()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant))
        .isEqualTo(1);
  }
}
