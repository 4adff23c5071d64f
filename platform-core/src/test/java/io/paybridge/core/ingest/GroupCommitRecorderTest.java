package io.paybridge.core.ingest;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.devdb.PgFixture;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The group-commit recorder against a real PostgreSQL, driven from its own event loop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupCommitRecorderTest {

  private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  private Vertx vertx;
  private Pool pool;
  private Context context;
  private GroupCommitRecorder recorder;
  private final List<Integer> batches = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger wakeups =
      new java.util.concurrent.atomic.AtomicInteger();
  private final List<Boolean> otherJobFlags = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("recorder");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 8);
    await(Migrations.migrate(vertx, db)); // a second start applies nothing twice
    context = vertx.getOrCreateContext();
    recorder =
        new GroupCommitRecorder(
            context,
            pool,
            64,
            2,
            1,
            (size, nanos) -> batches.add(size),
            otherJobs -> {
              wakeups.incrementAndGet();
              otherJobFlags.add(otherJobs);
            });
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  /** Runs on the recorder's event loop, as the ingest handler does. */
  private <T> Future<T> onLoop(Supplier<Future<T>> work) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  static GroupCommitRecorder.Receipt payment(
      UUID tenant, String eventId, String entryKey, long amount, String customer) {
    PaymentEvent e =
        PaymentEvent.builder(EventKind.PAYMENT, entryKey, T0)
            .amount(amount, "USD")
            .externalPaymentId(entryKey)
            .customerRef(customer)
            .build();
    return new GroupCommitRecorder.Receipt(
        tenant,
        "stripe",
        new ParsedWebhook(eventId, "payment", List.of(e)),
        Buffer.buffer("{\"id\":\"" + eventId + "\"}"));
  }

  private long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Test
  void concurrentWebhooksShareCommitsAndAreRecordedExactlyOnce() {
    UUID[] tenants = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    batches.clear();
    List<Future<Outcome>> all = new ArrayList<>();
    await(
        onLoop(
            () -> {
              for (int i = 0; i < 600; i++) {
                UUID tenant = tenants[i % 3];
                int n = i % 300; // every event twice
                all.add(
                    recorder.record(
                        payment(tenant, "evt_" + n, "pay:" + n, 100, "cust-" + (n % 7))));
              }
              return Future.join(new ArrayList<>(all));
            }));
    long recorded = all.stream().filter(f -> f.result() == Outcome.RECORDED).count();
    long duplicates = all.stream().filter(f -> f.result() == Outcome.DUPLICATE).count();
    // i and i + 300 carry the same event for the same tenant (300 is a multiple of 3): 300 distinct
    long distinct =
        count("SELECT count(*) FROM webhook_receipts WHERE tenant_id = ANY($1)", (Object) tenants);
    assertThat(distinct).isEqualTo(300);
    assertThat(recorded).isEqualTo(300);
    assertThat(recorded + duplicates).isEqualTo(600);
    assertThat(
            count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = ANY($1)", (Object) tenants))
        .isEqualTo(distinct);
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE tenant_id = ANY($1) AND kind = 'sync'",
                (Object) tenants))
        .isEqualTo(distinct);
    assertThat(batches)
        .as("group commit put several webhooks in one statement")
        .anyMatch(b -> b > 1);
    assertThat(batches.size()).isLessThan(600);
    assertThat(wakeups.get()).as("workers are woken after commits that made work").isPositive();
  }

  private long waitingOnLocks() {
    return count(
        "SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
  }

  private void awaitWaiting(long expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (waitingOnLocks() != expected) {
      assertThat(System.currentTimeMillis())
          .as("%d statements waiting", expected)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aSecondStatementStartsBesideTheFirstOnlyOnceEnoughWebhooksWait() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    GroupCommitRecorder parallel =
        new GroupCommitRecorder(
            context, pool, 64, 2, 5, (n, nanos) -> sizes.add(n), otherJobs -> {});
    UUID tenant = UUID.randomUUID();
    List<Future<Outcome>> all = new CopyOnWriteArrayList<>();
    java.util.function.IntConsumer send =
        n ->
            await(
                onLoop(
                    () -> {
                      for (int i = 0; i < n; i++) {
                        String id = "par" + all.size();
                        all.add(parallel.record(payment(tenant, "evt_" + id, id, 100, "c")));
                      }
                      return Future.succeededFuture();
                    }));
    // GIVEN the receipts table is locked, so statements wait until it is released
    io.vertx.sqlclient.SqlConnection holder = await(pool.getConnection());
    io.vertx.sqlclient.Transaction tx = await(holder.begin());
    try {
      await(holder.query("LOCK TABLE webhook_receipts IN SHARE ROW EXCLUSIVE MODE").execute());
      // WHEN one webhook arrives, its statement starts at once
      send.accept(1);
      awaitWaiting(1);
      // and four more wait behind it: fewer than five, so no second statement
      send.accept(4);
      Thread.sleep(300);
      assertThat(waitingOnLocks()).isEqualTo(1);
      // THEN the fifth waiting webhook starts a second statement beside the first
      send.accept(1);
      awaitWaiting(2);
    } finally {
      await(tx.commit());
      await(holder.close());
    }
    await(Future.all(new ArrayList<>(all)));
    assertThat(all).allMatch(f -> f.result() == Outcome.RECORDED);
    assertThat(sizes).containsExactlyInAnyOrder(1, 5);
  }

  @Test
  void aWebhookWhoseSenderHungUpWhileItWaitedIsLeftOutAndTakenWhenDeliveredAgain()
      throws Exception {
    // one statement at a time, so what waits behind it stays in the queue
    GroupCommitRecorder serial =
        new GroupCommitRecorder(context, pool, 64, 1, 1, (n, nanos) -> {}, otherJobs -> {});
    UUID tenant = UUID.randomUUID();
    java.util.concurrent.atomic.AtomicBoolean gone =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Future<Outcome>> all = new CopyOnWriteArrayList<>();
    // GIVEN a statement waits on the locked receipts table, and two webhooks wait behind it
    io.vertx.sqlclient.SqlConnection holder = await(pool.getConnection());
    io.vertx.sqlclient.Transaction tx = await(holder.begin());
    try {
      await(holder.query("LOCK TABLE webhook_receipts IN SHARE ROW EXCLUSIVE MODE").execute());
      await(
          onLoop(
              () -> {
                all.add(serial.offer(payment(tenant, "evt_g0", "g0", 100, "c"), () -> false));
                return Future.succeededFuture();
              }));
      awaitWaiting(1);
      await(
          onLoop(
              () -> {
                all.add(serial.offer(payment(tenant, "evt_g1", "g1", 100, "c"), gone::get));
                all.add(serial.offer(payment(tenant, "evt_g2", "g2", 100, "c"), () -> false));
                return Future.succeededFuture();
              }));
      // WHEN the first of the two loses its sender before a statement takes it
      gone.set(true);
    } finally {
      await(tx.commit());
      await(holder.close());
    }
    await(Future.join(new ArrayList<>(all)).otherwiseEmpty());
    // THEN it is left out, unrecorded, and the others are recorded
    assertThat(all.get(0).result()).isEqualTo(Outcome.RECORDED);
    assertThat(all.get(1).cause()).isInstanceOf(SenderGone.class);
    assertThat(all.get(2).result()).isEqualTo(Outcome.RECORDED);
    assertThat(count("SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1", tenant))
        .isEqualTo(2);
    // AND delivered again, it is recorded once
    assertThat(
            await(
                onLoop(() -> serial.offer(payment(tenant, "evt_g1", "g1", 100, "c"), () -> false))))
        .isEqualTo(Outcome.RECORDED);
    assertThat(count("SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1", tenant))
        .isEqualTo(3);
  }

  @Test
  void oneBadWebhookDoesNotKeepItsBatchOut() {
    // GIVEN the database refuses one particular entry (as a data error would)
    await(
        pool.query(
                "ALTER TABLE ledger_entries ADD CONSTRAINT test_poison CHECK (customer_ref IS DISTINCT FROM 'poison')")
            .execute());
    try {
      UUID tenant = UUID.randomUUID();
      List<Future<Outcome>> all = new ArrayList<>();
      await(
          onLoop(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      all.add(
                          recorder.record(
                              payment(
                                  tenant,
                                  "evt_p" + i,
                                  "pay:p" + i,
                                  100,
                                  i == 7 ? "poison" : "ok")));
                    }
                    return Future.join(new ArrayList<>(all));
                  })
              .otherwiseEmpty());
      // THEN only the bad one fails (so its gateway retries) and the rest are recorded
      assertThat(all.get(7).failed()).isTrue();
      for (int i = 0; i < 20; i++) {
        if (i != 7) {
          assertThat(all.get(i).result()).as("webhook %d", i).isEqualTo(Outcome.RECORDED);
        }
      }
      assertThat(count("SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1", tenant))
          .isEqualTo(19);
    } finally {
      await(pool.query("ALTER TABLE ledger_entries DROP CONSTRAINT test_poison").execute());
    }
  }

  @Test
  void twoDeliveriesDescribingOnePaymentBookItOnce() {
    UUID tenant = UUID.randomUUID();
    assertThat(
            await(
                onLoop(() -> recorder.record(payment(tenant, "evt_pi", "payment:pi_1", 500, "c")))))
        .isEqualTo(Outcome.RECORDED);
    assertThat(
            await(
                onLoop(() -> recorder.record(payment(tenant, "evt_ch", "payment:pi_1", 500, "c")))))
        .isEqualTo(Outcome.RECORDED);
    assertThat(count("SELECT count(*) FROM webhook_receipts WHERE tenant_id = $1", tenant))
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM ledger_entries WHERE tenant_id = $1", tenant))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM jobs WHERE tenant_id = $1", tenant)).isEqualTo(1);
  }

  @Test
  void subscriptionStateFollowsTheNewestEventEvenWhenDeliveredLate() {
    UUID tenant = UUID.randomUUID();
    PaymentEvent charged =
        PaymentEvent.builder(EventKind.RECURRING_CHARGED, "inv:1", T0)
            .amount(900, "USD")
            .externalSubscriptionId("sub_1")
            .customerRef("reader")
            .periodEnd(T0.plusSeconds(30 * 86400))
            .build();
    PaymentEvent cancelled =
        PaymentEvent.builder(EventKind.RECURRING_CANCELLED, "cancel:sub_1", T0.plusSeconds(3600))
            .externalSubscriptionId("sub_1")
            .build();
    // the cancellation arrives first, the older charge afterwards
    await(
        onLoop(
            () ->
                recorder.record(
                    new GroupCommitRecorder.Receipt(
                        tenant,
                        "stripe",
                        new ParsedWebhook(
                            "evt_cancel", "customer.subscription.deleted", List.of(cancelled)),
                        Buffer.buffer("{}")))));
    await(
        onLoop(
            () ->
                recorder.record(
                    new GroupCommitRecorder.Receipt(
                        tenant,
                        "stripe",
                        new ParsedWebhook("evt_charge", "invoice.paid", List.of(charged)),
                        Buffer.buffer("{}")))));

    Row sub =
        await(
                pool.preparedQuery(
                        "SELECT status, customer_ref, current_period_end FROM subscriptions WHERE tenant_id = $1")
                    .execute(Tuple.of(tenant)))
            .iterator()
            .next();
    assertThat(sub.getString("status")).isEqualTo("cancelled");
    assertThat(sub.getString("customer_ref")).isEqualTo("reader");
    // the cancellation, though recorded first, books no money and inherits nothing it should not
    assertThat(
            count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND amount_minor IS NULL",
                tenant))
        .isEqualTo(1);
  }

  @Test
  void theJobWorkersAreToldOfOtherJobsOnlyWhenANewReceiptMayHaveQueuedACancellation() {
    UUID tenant = UUID.randomUUID();
    GroupCommitRecorder.Receipt plain = payment(tenant, "evt_plain", "pay:plain", 100, "c");
    GroupCommitRecorder.Receipt cancelling =
        new GroupCommitRecorder.Receipt(
            tenant,
            "stripe",
            payment(tenant, "evt_cancel", "pay:cancel", 100, "c").parsed(),
            Buffer.buffer("{}"),
            true);
    otherJobFlags.clear();
    await(onLoop(() -> recorder.record(plain)));
    assertThat(otherJobFlags).containsExactly(false);
    await(onLoop(() -> recorder.record(cancelling)));
    assertThat(otherJobFlags).containsExactly(false, true);
    // A duplicate commits nothing new: nobody is woken.
    await(onLoop(() -> recorder.record(cancelling)));
    assertThat(otherJobFlags).containsExactly(false, true);
  }
}
