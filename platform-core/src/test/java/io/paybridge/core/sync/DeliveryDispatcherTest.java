package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.metrics.PlatformMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The delivery dispatcher end to end: real PostgreSQL, receivers as real HTTP servers. Outcomes are
 * recorded in batches; a tenant whose receiver is slow holds no more than its share of the node, so
 * a fast tenant's deliveries are not held behind it; a target never has more requests under way
 * than the most allowed; 429 with Retry-After and 410 behave as for the job workers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryDispatcherTest {

  private static final DispatchSettings SETTINGS =
      new DispatchSettings(12, 1, 4, 2, 64, Duration.ofMillis(5));

  private SyncFixture sync;
  private SyncDelivery delivery;
  private DeliveryDispatcher dispatcher;
  private String deployment;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("dispatch");
    delivery =
        new SyncDelivery(
            sync.vertx,
            sync.store,
            new LedgerStore(sync.pool),
            PaybridgeConfig.from(
                Map.of(
                    "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true",
                    "PAYBRIDGE_NODE_NAME", "d1",
                    "PAYBRIDGE_SYNC_TIMEOUT_MS", "5000")),
            SETTINGS,
            new PlatformMetrics(new SimpleMeterRegistry()),
            Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    delivery.close();
    sync.close();
  }

  @AfterEach
  void undeploy() {
    if (deployment != null) {
      await(sync.vertx.undeploy(deployment));
      deployment = null;
    }
  }

  private void dispatch() {
    dispatcher =
        new DeliveryDispatcher(
            delivery,
            sync.store.batches(),
            sync.queue,
            SETTINGS,
            Duration.ofSeconds(60),
            Duration.ofSeconds(11),
            Duration.ofMillis(200),
            new Backoff(Duration.ofSeconds(30), Duration.ofHours(1)),
            "d1",
            JobWorker.Outcomes.NONE);
    deployment = await(sync.vertx.deployVerticle(dispatcher));
  }

  /**
   * A receiver counting requests under way and the most at once, answering through {@code answer}.
   */
  private static final class Receiver {
    final AtomicInteger underWay = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    HttpServer server;

    Handler<HttpServerRequest> handler(long delayMs, int status, String retryAfter) {
      return req ->
          req.body()
              .onSuccess(
                  body -> {
                    most.accumulateAndGet(underWay.incrementAndGet(), Math::max);
                    Runnable answer =
                        () -> {
                          underWay.decrementAndGet();
                          answered.incrementAndGet();
                          if (retryAfter != null) {
                            req.response().putHeader("Retry-After", retryAfter);
                          }
                          req.response().setStatusCode(status).end();
                        };
                    if (delayMs == 0) {
                      answer.run();
                    } else {
                      io.vertx.core.Vertx.currentContext()
                          .owner()
                          .setTimer(delayMs, id -> answer.run());
                    }
                  });
    }
  }

  private Receiver receiver(long delayMs, int status, String retryAfter) {
    Receiver r = new Receiver();
    r.server =
        await(
            sync.vertx
                .createHttpServer()
                .requestHandler(r.handler(delayMs, status, retryAfter))
                .listen(0, "127.0.0.1"));
    return r;
  }

  /** A tenant with a webhook target at {@code r} and {@code n} entries fanned out to it. */
  private SyncStore.Target tenant(Receiver r, int n) {
    UUID shop = sync.tenant();
    SyncStore.Target target =
        sync.webhook(shop, "http://127.0.0.1:" + r.server.actualPort() + "/hook");
    sync.record(shop, n, true);
    await(sync.drain(1000));
    return target;
  }

  private long delivered(SyncStore.Target t) {
    return sync.count(
        "SELECT count(*) FROM deliveries WHERE target_id = $1 AND status = 'delivered'", t.id());
  }

  private static void waitFor(BooleanSupplier done) {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not done within 60 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void outcomesAreRecordedInBatchesAndEveryEntrySynced() {
    // GIVEN four tenants with 30 deliveries each to receivers that answer at once
    Receiver r = receiver(0, 200, null);
    List<SyncStore.Target> targets = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      targets.add(tenant(r, 30));
    }
    // WHEN the dispatcher makes them
    dispatch();
    waitFor(() -> targets.stream().mapToLong(this::delivered).sum() == 120);
    // THEN outcomes shared transactions (at most 4 under way per target, 12 on the node), and
    // claims took many at once
    assertThat(dispatcher.batchedOutcomes()).isEqualTo(120);
    assertThat(dispatcher.outcomeBatches()).isLessThan(40);
    assertThat(dispatcher.claims()).isLessThan(60);
    for (SyncStore.Target t : targets) {
      assertThat(sync.count("SELECT count(*) FROM jobs WHERE tenant_id = $1", t.tenantId()))
          .isZero();
      assertThat(
              sync.count(
                  "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND synced_at IS NULL",
                  t.tenantId()))
          .isZero();
    }
    assertThat(r.answered.get()).isEqualTo(120);
    assertThat(r.most.get()).isLessThanOrEqualTo(SETTINGS.slots());
    await(r.server.close());
  }

  @Test
  void aSlowTenantHoldsItsShareAndTheFastOneIsNotHeldBehindIt() {
    // GIVEN a tenant whose receiver answers in 300 ms, with more work than the node has slots,
    // and a tenant whose receiver answers at once
    Receiver slowReceiver = receiver(300, 200, null);
    Receiver fastReceiver = receiver(0, 200, null);
    SyncStore.Target slow = tenant(slowReceiver, 60);
    SyncStore.Target fast = tenant(fastReceiver, 40);

    // WHEN the dispatcher runs
    dispatch();
    waitFor(() -> delivered(fast) == 40);

    // THEN the fast tenant finished while most of the slow one's work still waits: it was not
    // queued behind it
    assertThat(delivered(slow)).isLessThan(30);
    // AND the slow target never had more under way than a target may (nor than a tenant's share)
    assertThat(slowReceiver.most.get()).isLessThanOrEqualTo(SETTINGS.targetMaxInFlight());
    assertThat(fastReceiver.most.get()).isLessThanOrEqualTo(SETTINGS.targetMaxInFlight());
    // AND the slow tenant's deliveries never held more than its share of the node's slots:
    // with two tenants at work its cap is 12 / 3 = 4, and its claims beyond that waited
    assertThat(
            sync.count(
                "SELECT count(*) FROM jobs WHERE tenant_id = $1 AND status = 'running'",
                slow.tenantId()))
        .isLessThanOrEqualTo(6);
    waitFor(() -> delivered(slow) == 60);
    await(slowReceiver.server.close());
    await(fastReceiver.server.close());
  }

  @Test
  void aReceiverAsking429WithRetryAfterIsAskedAgainThenAndOnlyThen() {
    Receiver r = receiver(0, 429, "120");
    SyncStore.Target t = tenant(r, 3);
    dispatch();
    waitFor(
        () ->
            sync.count(
                    "SELECT count(*) FROM deliveries WHERE target_id = $1"
                        + " AND status = 'failed' AND last_status = 429",
                    t.id())
                == 3);
    waitFor(
        () ->
            sync.count(
                    "SELECT count(*) FROM jobs WHERE tenant_id = $1 AND status = 'pending'"
                        + " AND run_at > now() + interval '100 seconds'",
                    t.tenantId())
                == 3);
    assertThat(r.answered.get()).isEqualTo(3);
    await(r.server.close());
  }

  @Test
  void aReceiverAnswering410DisablesItsTargetAndParksTheRest() {
    Receiver r = receiver(0, 410, null);
    SyncStore.Target t = tenant(r, 5);
    dispatch();
    waitFor(
        () ->
            sync.count(
                    "SELECT count(*) FROM jobs WHERE tenant_id = $1 AND status = 'parked'",
                    t.tenantId())
                == 5);
    assertThat(
            sync.count(
                "SELECT count(*) FROM sync_targets WHERE id = $1 AND NOT enabled"
                    + " AND disabled_reason = 'the target answered 410 Gone'",
                t.id()))
        .isEqualTo(1);
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE target_id = $1"
                    + " AND status = 'delivered'",
                t.id()))
        .isZero();
    // AND enabling the target wakes them and they are delivered
    await(r.server.close());
    Receiver back = receiver(0, 200, null);
    await(
        sync.pool
            .preparedQuery("UPDATE sync_targets SET url = $2 WHERE id = $1")
            .execute(
                io.vertx.sqlclient.Tuple.of(
                    t.id(), "http://127.0.0.1:" + back.server.actualPort() + "/hook")));
    assertThat(await(sync.store.enable(t.tenantId(), t.id()))).isTrue();
    waitFor(() -> delivered(t) == 5);
    await(back.server.close());
  }
}
