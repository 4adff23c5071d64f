package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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
 * The batched fan-out against a real PostgreSQL: every recorded entry becomes exactly one delivery
 * per live target, whether one statement or several running at once take the work, and the verticle
 * runs it when woken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncFanOutTest {

  private SyncFixture sync;
  private SyncStore store;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("fanout");
    store = sync.store;
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  @Test
  void everyEntryGetsOneDeliveryPerLiveTargetAndItsSyncJobIsGone() {
    UUID shop = sync.tenant();
    UUID quiet = sync.tenant();
    SyncStore.Target hook =
        await(
            store.createTarget(
                shop,
                "webhook",
                "https://shop.example/hooks",
                new JsonObject().put("secret", "s"),
                10));
    SyncStore.Target balance =
        await(
            store.createTarget(
                shop,
                "customer-transaction",
                "https://shop.example/balance",
                new JsonObject(),
                10));
    SyncStore.Target removed =
        await(
            store.createTarget(
                shop,
                "webhook",
                "https://old.example/hooks",
                new JsonObject().put("secret", "s"),
                10));
    assertThat(await(store.deleteTarget(shop, removed.id()))).isTrue();

    List<Long> paid = sync.record(shop, 30, true);
    List<Long> noAmount = sync.record(shop, 5, false);
    sync.record(quiet, 12, true); // a tenant without targets: fanned out to nothing

    int entries = await(sync.drain(10));

    assertThat(entries).isGreaterThanOrEqualTo(47);
    assertThat(
            sync.count(
                "SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id IN ($1, $2)",
                shop,
                quiet))
        .isZero();
    // the webhook target takes everything, the customer-transaction target only amounts
    assertThat(sync.count("SELECT count(*) FROM deliveries WHERE target_id = $1", hook.id()))
        .isEqualTo(35);
    assertThat(sync.count("SELECT count(*) FROM deliveries WHERE target_id = $1", balance.id()))
        .isEqualTo(30);
    assertThat(sync.count("SELECT count(*) FROM deliveries WHERE target_id = $1", removed.id()))
        .isZero();
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE target_id = $1 AND entry_id = ANY($2)",
                balance.id(),
                noAmount.toArray(Long[]::new)))
        .isZero();
    // each delivery has exactly one due job
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries d WHERE d.tenant_id = $1 AND (SELECT count(*)"
                    + " FROM jobs j WHERE j.kind = 'deliver' AND j.ref_id = d.id) <> 1",
                shop))
        .isZero();
    assertThat(paid).hasSize(30);
  }

  @Test
  void statementsRunningAtOnceShareTheWorkAndTakeEachEntryOnce() {
    UUID shop = sync.tenant();
    SyncStore.Target hook =
        await(
            store.createTarget(
                shop,
                "webhook",
                "https://shop.example/x",
                new JsonObject().put("secret", "s"),
                10));
    sync.record(shop, 2_000, true);

    List<Future<Integer>> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(sync.drain(25));
    }
    int taken = await(Future.all(workers)).list().stream().mapToInt(o -> (Integer) o).sum();

    assertThat(taken).isEqualTo(2_000);
    assertThat(sync.count("SELECT count(*) FROM deliveries WHERE target_id = $1", hook.id()))
        .isEqualTo(2_000);
    assertThat(
            sync.count("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND tenant_id = $1", shop))
        .isEqualTo(2_000);
  }

  @Test
  void theVerticleFansOutWhenWokenAndWakesTheJobWorkers() throws Exception {
    UUID shop = sync.tenant();
    await(
        store.createTarget(
            shop, "webhook", "https://shop.example/y", new JsonObject().put("secret", "s"), 10));
    AtomicInteger jobWakeups = new AtomicInteger();
    await(
        sync.vertx
            .eventBus()
            .consumer(EventBusAddresses.JOBS_WAKE, m -> jobWakeups.incrementAndGet())
            .completion());
    // polls only every minute here: the work below is found because of the wake-up
    String id = await(sync.vertx.deployVerticle(new SyncFanOut(store, 50, Duration.ofMinutes(1))));
    try {
      List<Long> entries = sync.record(shop, 120, true);
      sync.vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
      long deadline = System.currentTimeMillis() + 10_000;
      while (sync.count("SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id = $1", shop)
          > 0) {
        assertThat(System.currentTimeMillis()).as("fanned out within 10 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(
              sync.count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) entries.toArray(Long[]::new)))
          .isEqualTo(120);
      while (jobWakeups.get() == 0) {
        assertThat(System.currentTimeMillis()).as("workers woken").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      await(sync.vertx.undeploy(id));
    }
  }

  @Test
  void wakeUpsWithinTheIntervalShareOneStatementAndALoneWakeUpRunsAtOnce() throws Exception {
    UUID shop = sync.tenant();
    await(
        store.createTarget(
            shop, "webhook", "https://shop.example/z", new JsonObject().put("secret", "s"), 10));
    String id =
        await(
            sync.vertx.deployVerticle(
                new SyncFanOut(store, 500, Duration.ofMinutes(1), Duration.ofMillis(400))));
    try {
      // The deployment's own first run took nothing; the next wake-up would run at once, so the
      // interval is measured from here.
      Thread.sleep(450);
      List<Long> first = sync.record(shop, 5, true);
      long woken = System.nanoTime();
      sync.vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
      awaitNoSyncJobs(shop);
      assertThat(Duration.ofNanos(System.nanoTime() - woken))
          .as("a wake-up after a quiet spell is not held back")
          .isLessThan(Duration.ofMillis(350));
      // A burst of commits, each with its wake-up, inside one interval.
      List<Long> burst = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        burst.addAll(sync.record(shop, 3, true));
        sync.vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
        Thread.sleep(10);
      }
      awaitNoSyncJobs(shop);
      assertThat(
              sync.count(
                  "SELECT count(DISTINCT created_at) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) burst.toArray(Long[]::new)))
          .as("fan-out statements for 8 commits woken within one interval")
          .isEqualTo(1);
      assertThat(
              sync.count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) burst.toArray(Long[]::new)))
          .isEqualTo(24);
      assertThat(
              sync.count(
                  "SELECT count(*) FROM deliveries WHERE entry_id = ANY($1)",
                  (Object) first.toArray(Long[]::new)))
          .isEqualTo(5);
    } finally {
      await(sync.vertx.undeploy(id));
    }
  }

  private void awaitNoSyncJobs(UUID tenant) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (sync.count("SELECT count(*) FROM jobs WHERE kind = 'sync' AND tenant_id = $1", tenant)
        > 0) {
      assertThat(System.currentTimeMillis()).as("fanned out within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
