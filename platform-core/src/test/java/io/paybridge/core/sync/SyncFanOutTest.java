package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sync's database work against a real PostgreSQL: the batched fan-out (every recorded entry becomes
 * exactly one delivery per live target, whether one statement or several running at once take the
 * work), and marking an entry synced when deliveries complete at the same moment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncFanOutTest {

  private Vertx vertx;
  private Pool pool;
  private SyncStore store;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("fanout");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 8);
    store =
        new SyncStore(pool, new CredentialVault(MasterKeys.parse(MasterKeys.generateSpec("k1"))));
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  private long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  private UUID tenant() {
    UUID id = UUID.randomUUID();
    await(
        pool.preparedQuery(
                "INSERT INTO tenants (id, name, email, password_hash) VALUES ($1, 'T', $2, 'x')")
            .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  /** Records {@code n} entries for a tenant, each with its sync job, as the ingest path does. */
  private List<Long> record(UUID tenant, int n, boolean withAmount) {
    List<Long> ids = new ArrayList<>();
    for (Row r :
        await(
            pool.preparedQuery(
                    "WITH rec AS (INSERT INTO webhook_receipts (tenant_id, gateway, event_id,"
                        + " event_type, raw_body) SELECT $1, 'stripe', 'evt_' || gen_random_uuid(),"
                        + " 'test', '\\x7b7d' FROM generate_series(1, $2) g RETURNING id),"
                        + " led AS (INSERT INTO ledger_entries (tenant_id, gateway, receipt_id,"
                        + " entry_key, kind, amount_minor, currency, customer_ref, occurred_at)"
                        + " SELECT $1, 'stripe', id, 'k' || id, 'PAYMENT',"
                        + " CASE WHEN $3 THEN 100 END, CASE WHEN $3 THEN 'USD' END, 'c1', now()"
                        + " FROM rec RETURNING id),"
                        + " job AS (INSERT INTO jobs (kind, tenant_id, ref_id)"
                        + " SELECT 'sync', $1, id FROM led)"
                        + " SELECT id FROM led")
                .execute(Tuple.of(tenant, n, withAmount)))) {
      ids.add(r.getLong(0));
    }
    return ids;
  }

  @Test
  void everyEntryGetsOneDeliveryPerLiveTargetAndItsSyncJobIsGone() {
    UUID shop = tenant();
    UUID quiet = tenant();
    SyncStore.Target hook =
        await(
            store.createTarget(
                shop,
                "webhook",
                "https://shop.example/hooks",
                new JsonObject().put("secret", "s")));
    SyncStore.Target balance =
        await(
            store.createTarget(
                shop, "customer-transaction", "https://shop.example/balance", new JsonObject()));
    SyncStore.Target removed =
        await(
            store.createTarget(
                shop, "webhook", "https://old.example/hooks", new JsonObject().put("secret", "s")));
    assertThat(await(store.deleteTarget(shop, removed.id()))).isTrue();

    List<Long> paid = record(shop, 30, true);
    List<Long> noAmount = record(shop, 5, false);
    record(quiet, 12, true); // a tenant without targets: fanned out to nothing

    int entries = await(drain(10));

    assertThat(entries).isGreaterThanOrEqualTo(47);
    assertThat(
            count(
                "SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id IN ($1, $2)",
                shop,
                quiet))
        .isZero();
    // the webhook target takes everything, the customer-transaction target only amounts
    assertThat(count("SELECT count(*) FROM deliveries WHERE target_id = $1", hook.id()))
        .isEqualTo(35);
    assertThat(count("SELECT count(*) FROM deliveries WHERE target_id = $1", balance.id()))
        .isEqualTo(30);
    assertThat(count("SELECT count(*) FROM deliveries WHERE target_id = $1", removed.id()))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM deliveries WHERE target_id = $1 AND entry_id = ANY($2)",
                balance.id(),
                noAmount.toArray(Long[]::new)))
        .isZero();
    // each delivery has exactly one due job
    assertThat(
            count(
                "SELECT count(*) FROM deliveries d WHERE d.tenant_id = $1 AND (SELECT count(*)"
                    + " FROM jobs j WHERE j.kind = 'deliver' AND j.ref_id = d.id) <> 1",
                shop))
        .isZero();
    assertThat(paid).hasSize(30);
  }

  @Test
  void statementsRunningAtOnceShareTheWorkAndTakeEachEntryOnce() {
    UUID shop = tenant();
    SyncStore.Target hook =
        await(
            store.createTarget(
                shop, "webhook", "https://shop.example/x", new JsonObject().put("secret", "s")));
    record(shop, 2_000, true);

    List<Future<Integer>> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(drain(25));
    }
    int taken = await(Future.all(workers)).list().stream().mapToInt(o -> (Integer) o).sum();

    assertThat(taken).isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM deliveries WHERE target_id = $1", hook.id()))
        .isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND tenant_id = $1", shop))
        .isEqualTo(2_000);
  }

  /** Runs batches until one finds nothing; the entries it took. */
  private Future<Integer> drain(int batch) {
    return store
        .fanOutDue(batch)
        .compose(
            r ->
                r.entries() == 0
                    ? Future.succeededFuture(0)
                    : drain(batch).map(n -> n + r.entries()));
  }

  @Test
  void anEntryDeliveredToTwoTargetsAtTheSameMomentIsMarkedSynced() {
    UUID shop = tenant();
    SyncStore.Target first =
        await(
            store.createTarget(
                shop, "webhook", "https://a.example/x", new JsonObject().put("secret", "s")));
    SyncStore.Target second =
        await(
            store.createTarget(
                shop, "webhook", "https://b.example/x", new JsonObject().put("secret", "s")));
    List<Long> entries = record(shop, 60, true);
    await(drain(100));
    // WHEN both deliveries of every entry are recorded as delivered at once
    List<Future<Void>> all = new ArrayList<>();
    for (long entry : entries) {
      for (SyncStore.Target t : List.of(first, second)) {
        long deliveryId =
            await(
                    pool.preparedQuery(
                            "SELECT id FROM deliveries WHERE entry_id = $1 AND target_id = $2")
                        .execute(Tuple.of(entry, t.id())))
                .iterator()
                .next()
                .getLong(0);
        SyncStore.Delivery d = await(store.delivery(deliveryId));
        all.add(store.recordAttempt(d, "delivered", 200, 5, null, "test"));
      }
    }
    await(Future.all(all));
    // THEN every entry is synced: neither completion missed the other's
    assertThat(
            count(
                "SELECT count(*) FROM ledger_entries WHERE id = ANY($1) AND synced_at IS NULL",
                (Object) entries.toArray(Long[]::new)))
        .isZero();
  }

  @Test
  void theVerticleFansOutWhenWokenAndWakesTheJobWorkers() throws Exception {
    UUID shop = tenant();
    await(
        store.createTarget(
            shop, "webhook", "https://shop.example/y", new JsonObject().put("secret", "s")));
    AtomicInteger jobWakeups = new AtomicInteger();
    await(
        vertx
            .eventBus()
            .consumer(EventBusAddresses.JOBS_WAKE, m -> jobWakeups.incrementAndGet())
            .completion());
    // polls only every minute here: the work below is found because of the wake-up
    String id = await(vertx.deployVerticle(new SyncFanOut(store, 50, Duration.ofMinutes(1))));
    try {
      List<Long> entries = record(shop, 120, true);
      vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
      long deadline = System.currentTimeMillis() + 10_000;
      while (count("SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id = $1", shop) > 0) {
        assertThat(System.currentTimeMillis()).as("fanned out within 10 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(
              count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) entries.toArray(Long[]::new)))
          .isEqualTo(120);
      while (jobWakeups.get() == 0) {
        assertThat(System.currentTimeMillis()).as("workers woken").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      await(vertx.undeploy(id));
    }
  }

  @Test
  void wakeUpsWithinTheIntervalShareOneStatementAndALoneWakeUpRunsAtOnce() throws Exception {
    UUID shop = tenant();
    await(
        store.createTarget(
            shop, "webhook", "https://shop.example/z", new JsonObject().put("secret", "s")));
    String id =
        await(
            vertx.deployVerticle(
                new SyncFanOut(store, 500, Duration.ofMinutes(1), Duration.ofMillis(400))));
    try {
      // The deployment's own first run took nothing; the next wake-up would run at once, so the
      // interval is measured from here.
      Thread.sleep(450);
      List<Long> first = record(shop, 5, true);
      long woken = System.nanoTime();
      vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
      awaitNoSyncJobs(shop);
      assertThat(Duration.ofNanos(System.nanoTime() - woken))
          .as("a wake-up after a quiet spell is not held back")
          .isLessThan(Duration.ofMillis(350));
      // A burst of commits, each with its wake-up, inside one interval.
      List<Long> burst = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        burst.addAll(record(shop, 3, true));
        vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
        Thread.sleep(10);
      }
      awaitNoSyncJobs(shop);
      assertThat(
              count(
                  "SELECT count(DISTINCT created_at) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) burst.toArray(Long[]::new)))
          .as("fan-out statements for 8 commits woken within one interval")
          .isEqualTo(1);
      assertThat(
              count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) burst.toArray(Long[]::new)))
          .isEqualTo(24);
      assertThat(
              count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) first.toArray(Long[]::new)))
          .isEqualTo(5);
    } finally {
      await(vertx.undeploy(id));
    }
  }

  private void awaitNoSyncJobs(UUID tenant) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (count("SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id = $1", tenant) > 0) {
      assertThat(System.currentTimeMillis()).as("fanned out within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
