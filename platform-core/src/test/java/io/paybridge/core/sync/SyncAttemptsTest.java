package io.paybridge.core.sync;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paybridge.core.LockWaits;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.metrics.PlatformMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recording delivery attempts against a real PostgreSQL. Every write an attempt makes is fenced by
 * its job's claim: an attempt that outlived its lease (its job claimed again by another worker)
 * changes nothing, and a delivered delivery stays delivered whatever arrives late. Attempts under
 * the claim are recorded, and an entry delivered to several targets at once is marked synced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncAttemptsTest {

  private static final Duration HELD = Duration.ofMinutes(5);

  private SyncFixture sync;
  private SyncStore store;

  @BeforeAll
  void start() {
    sync = SyncFixture.start("attempts");
    store = sync.store;
  }

  @AfterAll
  void stop() {
    sync.close();
  }

  /** One recorded entry's delivery to a new tenant's webhook target, fanned out. */
  private SyncStore.Delivery delivery(String url) {
    UUID shop = sync.tenant();
    SyncStore.Target target = sync.webhook(shop, url);
    long entry = sync.record(shop, 1, true).get(0);
    await(sync.drain(10));
    return sync.delivery(entry, target.id());
  }

  /**
   * Claims the due delivery jobs as a worker does, by delivery id. A lease of zero makes the job
   * due again at once, as when a worker's lease ran out while its attempt was still under way.
   */
  private Map<Long, Job> claim(Duration lease) {
    return await(sync.queue.claim(List.of(SyncStore.DELIVER), 10_000, "test", lease)).stream()
        .collect(Collectors.toMap(Job::refId, j -> j));
  }

  private long attempts(SyncStore.Delivery d) {
    return sync.count("SELECT count(*) FROM delivery_attempts WHERE delivery_id = $1", d.id());
  }

  private String status(SyncStore.Delivery d) {
    return await(store.delivery(d.id())).status();
  }

  private boolean synced(SyncStore.Delivery d) {
    return sync.count(
            "SELECT count(*) FROM ledger_entries WHERE id = $1 AND synced_at IS NOT NULL",
            d.entryId())
        == 1;
  }

  @Test
  void anAttemptUnderALostClaimChangesNothing() {
    // GIVEN a delivery whose job a first worker claimed, and a second worker claimed again once
    // the first one's lease ran out
    SyncStore.Delivery d = delivery("https://shop.example/late");
    Job lost = claim(Duration.ZERO).get(d.id());
    Job held = claim(HELD).get(d.id());
    assertThat(held.claimToken()).isNotEqualTo(lost.claimToken());

    // WHEN the first worker's attempt ends: delivered, failed, given up, or the target gone
    boolean delivered =
        await(store.writes().recordAttempt(lost, d, SyncStore.Attempt.delivered(200, 5, "late")));
    boolean failed =
        await(
            store
                .writes()
                .recordAttempt(lost, d, SyncStore.Attempt.failed(500, 5, "HTTP 500", "late")));
    boolean givenUp = await(store.writes().giveUp(lost, d.id(), "retry window closed"));
    boolean disabled =
        await(store.writes().disableTarget(lost, d.target(), "the target answered 410"));

    // THEN none of it was written
    assertThat(List.of(delivered, failed, givenUp, disabled)).containsOnly(false);
    SyncStore.Delivery after = await(store.delivery(d.id()));
    assertThat(after.status()).isEqualTo("pending");
    assertThat(after.target().enabled()).isTrue();
    assertThat(attempts(d)).isZero();
    assertThat(sync.count("SELECT attempts FROM deliveries WHERE id = $1", d.id())).isZero();
    assertThat(synced(d)).isFalse();

    // AND the worker that holds the claim records its attempt
    assertThat(
            await(
                store.writes().recordAttempt(held, d, SyncStore.Attempt.delivered(200, 5, "now"))))
        .isTrue();
    assertThat(status(d)).isEqualTo("delivered");
    assertThat(synced(d)).isTrue();
  }

  @Test
  void aDeliveredDeliveryStaysDeliveredWhenAFailureArrivesLate() {
    // GIVEN a delivery recorded as delivered under its job's claim, after an earlier claim of the
    // same job was lost
    SyncStore.Delivery d = delivery("https://shop.example/delivered");
    Job lost = claim(Duration.ZERO).get(d.id());
    Job held = claim(HELD).get(d.id());
    assertThat(
            await(store.writes().recordAttempt(held, d, SyncStore.Attempt.delivered(204, 5, "a"))))
        .isTrue();

    // WHEN failures arrive late, under the lost claim and under the one still held
    boolean underLost =
        await(
            store
                .writes()
                .recordAttempt(lost, d, SyncStore.Attempt.failed(null, 9, "timeout", "b")));
    boolean underHeld =
        await(
            store
                .writes()
                .recordAttempt(held, d, SyncStore.Attempt.failed(503, 9, "HTTP 503", "a")));
    boolean givenUp = await(store.writes().giveUp(held, d.id(), "retry window closed"));

    // THEN the delivery is still delivered, with its one attempt, and the entry synced
    assertThat(List.of(underLost, underHeld, givenUp)).containsOnly(false);
    assertThat(status(d)).isEqualTo("delivered");
    assertThat(attempts(d)).isEqualTo(1);
    assertThat(
            sync.count(
                "SELECT count(*) FROM deliveries WHERE id = $1 AND delivered_at IS NOT NULL"
                    + " AND last_status = 204",
                d.id()))
        .isEqualTo(1);
    assertThat(synced(d)).isTrue();
  }

  @Test
  void attemptsUnderTheClaimAreRecorded() {
    // GIVEN a delivery and its claimed job
    SyncStore.Delivery d = delivery("https://shop.example/normal");
    Job first = claim(HELD).get(d.id());

    // WHEN an attempt fails
    assertThat(
            await(
                store
                    .writes()
                    .recordAttempt(first, d, SyncStore.Attempt.failed(502, 7, "HTTP 502", "a"))))
        .isTrue();

    // THEN the delivery failed and the attempt is logged with its node and error
    assertThat(status(d)).isEqualTo("failed");
    assertThat(
            sync.count(
                "SELECT count(*) FROM delivery_attempts WHERE delivery_id = $1"
                    + " AND status_code = 502 AND error = 'HTTP 502' AND node = 'a'",
                d.id()))
        .isEqualTo(1);
    assertThat(synced(d)).isFalse();

    // WHEN the job is retried, and the retry's attempt delivers
    assertThat(await(sync.queue.finish(first, JobResult.retry("HTTP 502"), Duration.ZERO)))
        .isTrue();
    Job retry = claim(HELD).get(d.id());
    assertThat(
            await(store.writes().recordAttempt(retry, d, SyncStore.Attempt.delivered(200, 4, "b"))))
        .isTrue();

    // THEN it is delivered after two attempts, and its entry synced
    assertThat(status(d)).isEqualTo("delivered");
    assertThat(attempts(d)).isEqualTo(2);
    assertThat(sync.count("SELECT attempts FROM deliveries WHERE id = $1", d.id())).isEqualTo(2);
    assertThat(synced(d)).isTrue();
  }

  @Test
  void givingUpAndDisablingATargetUnderTheClaimAreRecorded() {
    // GIVEN a delivery and its claimed job
    SyncStore.Delivery d = delivery("https://shop.example/gone");
    Job job = claim(HELD).get(d.id());

    // WHEN its attempt disables the target and gives the delivery up
    assertThat(await(store.writes().disableTarget(job, d.target(), "the target answered 410 Gone")))
        .isTrue();
    assertThat(await(store.writes().giveUp(job, d.id(), "retry window closed"))).isTrue();

    // THEN both are written
    SyncStore.Delivery after = await(store.delivery(d.id()));
    assertThat(after.status()).isEqualTo("dead");
    assertThat(after.target().enabled()).isFalse();
    assertThat(after.target().disabledReason()).isEqualTo("the target answered 410 Gone");
  }

  @Test
  void aGoneAnswerToARequestSentBeforeTheTenantEnabledTheTargetAgainLeavesItEnabled() {
    // GIVEN a delivery claimed with its target as it was then
    SyncStore.Delivery d = delivery("https://shop.example/back");
    Job job = claim(HELD).get(d.id());
    UUID tenant = d.target().tenantId();
    // AND since then another attempt's 410 disabled the target and the tenant enabled it again
    assertThat(await(store.disable(tenant, d.target().id(), "the target answered 410 Gone")))
        .isTrue();
    assertThat(await(store.enable(tenant, d.target().id()))).isTrue();

    // WHEN the attempt claimed before that hears 410 Gone
    boolean disabled =
        await(store.writes().disableTarget(job, d.target(), "the target answered 410 Gone"));

    // THEN the target stays as the tenant left it, enabled, and its deliveries keep going out
    assertThat(disabled).isFalse();
    SyncStore.Target now = await(store.delivery(d.id())).target();
    assertThat(now.enabled()).isTrue();
    assertThat(now.disabledReason()).isNull();
    // AND a 410 heard by an attempt that read the target as it is now does disable it
    assertThat(await(store.writes().disableTarget(job, now, "the target answered 410 Gone")))
        .isTrue();
    assertThat(await(store.delivery(d.id())).target().enabled()).isFalse();
  }

  @Test
  void aJobParkedWhileItsTargetIsBeingEnabledIsDueOnceTheEnableCommits() throws Exception {
    // GIVEN a delivery whose target a 410 disabled, and its job claimed while it was disabled
    SyncStore.Delivery d = delivery("https://shop.example/parks");
    UUID tenant = d.target().tenantId();
    assertThat(await(store.disable(tenant, d.target().id(), "the target answered 410 Gone")))
        .isTrue();
    Job job = claim(HELD).get(d.id());
    // AND the tenant's enable under way and not yet committed, its wake-up of parked jobs done
    // (it found this job still pending, as it was when the enable's statement began)
    SqlConnection enabling = await(sync.pool.getConnection());
    try {
      Transaction enable = await(enabling.begin());
      await(
          enabling
              .preparedQuery(
                  "UPDATE sync_targets SET enabled = true, disabled_reason = NULL,"
                      + " revision = revision + 1 WHERE id = $1")
              .execute(Tuple.of(d.target().id())));

      // WHEN the attempt, which read the target disabled, parks its job at that moment
      Future<Boolean> parked =
          sync.queue.finish(
              job, new JobResult.Parked("target disabled", SyncStore.TARGET_ENABLED_AGAIN), null);
      // (it waits for the enable, on the target's row lock)
      LockWaits.awaitOne(sync.pool);
      await(enable.commit());

      // THEN the job is due again, not parked behind a target that is enabled
      assertThat(await(parked)).isTrue();
      assertThat(
              sync.count(
                  "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'pending'", job.id()))
          .isEqualTo(1);
    } finally {
      await(enabling.close());
    }
  }

  @Test
  void anEntryDeliveredToTwoTargetsAtTheSameMomentIsMarkedSynced() {
    UUID shop = sync.tenant();
    SyncStore.Target first = sync.webhook(shop, "https://a.example/x");
    SyncStore.Target second = sync.webhook(shop, "https://b.example/x");
    List<Long> entries = sync.record(shop, 60, true);
    await(sync.drain(100));
    Map<Long, Job> jobs = claim(HELD);
    // WHEN both deliveries of every entry are recorded as delivered at once
    List<Future<Boolean>> all = new ArrayList<>();
    for (long entry : entries) {
      for (SyncStore.Target t : List.of(first, second)) {
        SyncStore.Delivery d = sync.delivery(entry, t.id());
        all.add(
            store
                .writes()
                .recordAttempt(jobs.get(d.id()), d, SyncStore.Attempt.delivered(200, 5, "a")));
      }
    }
    await(Future.all(all));
    // THEN every entry is synced: neither completion missed the other's
    assertThat(
            sync.count(
                "SELECT count(*) FROM ledger_entries WHERE id = ANY($1) AND synced_at IS NULL",
                (Object) entries.toArray(Long[]::new)))
        .isZero();
  }

  @Test
  void aDeliveryJobWhoseAttemptOutlivesItsClaimRecordsNothingAndCountsIt() {
    // GIVEN a target that answers only when told to, and the delivery job run by a worker
    Promise<Void> received = Promise.promise();
    List<Runnable> answers = new ArrayList<>();
    HttpServer target =
        await(
            sync.vertx
                .createHttpServer()
                .requestHandler(req -> hold(req, answers, received))
                .listen(0, "127.0.0.1"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SyncDelivery delivery =
        new SyncDelivery(
            sync.vertx,
            store,
            new LedgerStore(sync.pool),
            PaybridgeConfig.from(
                Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true", "PAYBRIDGE_NODE_NAME", "a")),
            new PlatformMetrics(registry),
            Clock.systemUTC());
    try {
      SyncStore.Delivery d = delivery("http://127.0.0.1:" + target.actualPort() + "/hook");
      Job lost = claim(Duration.ZERO).get(d.id());
      Future<JobResult> late = delivery.handle(lost);
      await(received.future());

      // WHEN the worker's lease runs out, another claims the job, and then the target answers 2xx
      Job held = claim(HELD).get(d.id());
      answers.forEach(Runnable::run);

      // THEN the late attempt changed nothing and is counted, not retried
      assertThat(await(late)).isInstanceOf(JobResult.Done.class);
      assertThat(status(d)).isEqualTo("pending");
      assertThat(attempts(d)).isZero();
      assertThat(synced(d)).isFalse();
      assertThat(
              registry.get("paybridge.jobs.late.attempts").tag("kind", "deliver").counter().count())
          .isEqualTo(1.0);

      // AND the attempt of the worker holding the claim delivers
      assertThat(await(delivery.handle(held))).isInstanceOf(JobResult.Done.class);
      assertThat(status(d)).isEqualTo("delivered");
      assertThat(attempts(d)).isEqualTo(1);
      assertThat(synced(d)).isTrue();
    } finally {
      delivery.close();
      await(target.close());
    }
  }

  /**
   * Holds the first request until the test answers it (on the request's own context) and answers
   * every later one at once.
   */
  private static void hold(HttpServerRequest req, List<Runnable> answers, Promise<Void> received) {
    if (received.future().isComplete()) {
      req.response().setStatusCode(204).end();
      return;
    }
    Context context = Vertx.currentContext();
    answers.add(() -> context.runOnContext(v -> req.response().setStatusCode(204).end()));
    received.complete();
  }
}
