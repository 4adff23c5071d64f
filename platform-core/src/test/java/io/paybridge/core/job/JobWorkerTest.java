package io.paybridge.core.job;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The durable job queue and its workers against a real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobWorkerTest {

  private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));

  private Vertx vertx;
  private Pool pool;
  private JobQueue queue;
  private final List<String> deployments = new ArrayList<>();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgFixture.newDatabase("jobs");
    await(Migrations.migrate(vertx, db));
    pool = Database.pool(vertx, db, 8);
    queue = new JobQueue(pool);
  }

  @AfterEach
  void undeployWorkers() {
    for (String id : deployments) {
      await(vertx.undeploy(id));
    }
    deployments.clear();
    await(pool.query("DELETE FROM jobs").execute());
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  private void worker(
      String owner, String kind, JobHandler handler, Duration poll, Duration lease) {
    JobWorker.Settings settings = new JobWorker.Settings(8, lease, lease.dividedBy(2), poll, FAST);
    deployments.add(
        await(vertx.deployVerticle(new JobWorker(queue, Map.of(kind, handler), settings, owner))));
  }

  private void enqueue(String kind, int n) {
    UUID tenant = UUID.randomUUID();
    for (int i = 0; i < n; i++) {
      await(JobQueue.enqueue(pool, kind, tenant, (long) i, null, Duration.ZERO));
    }
  }

  private long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  /** Waits (without sleeping the event loop) until the condition holds. */
  private void eventually(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      await(vertx.timer(20));
    }
  }

  @Test
  void twoWorkersShareTheJobsAndNoJobRunsTwice() {
    // GIVEN 200 jobs and two workers (two nodes) competing for them
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    Set<String> owners = ConcurrentHashMap.newKeySet();
    enqueue("work", 200);
    for (String owner : List.of("node-a", "node-b")) {
      worker(
          owner,
          "work",
          job -> {
            runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
            owners.add(owner);
            return vertx.timer(2).map(JobResult.done());
          },
          Duration.ofMillis(50),
          Duration.ofSeconds(30));
    }
    // THEN every job runs exactly once and both nodes took a share
    eventually(() -> count("SELECT count(*) FROM jobs") == 0);
    assertThat(runs).hasSize(200);
    assertThat(runs.values()).allMatch(c -> c.get() == 1);
    assertThat(owners).containsExactlyInAnyOrder("node-a", "node-b");
  }

  @Test
  void failuresAreRetriedWithBackoffUntilDoneOrDead() {
    Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
    enqueue("flaky", 5);
    worker(
        "node",
        "flaky",
        job -> {
          int n = attempts.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
          assertThat(job.attempts()).isEqualTo(n);
          if (job.refId() == 4) {
            return Future.succeededFuture(new JobResult.Dead("gave up: permanent"));
          }
          return n < 3
              ? Future.failedFuture(new IllegalStateException("transient " + n))
              : Future.succeededFuture(JobResult.done());
        },
        Duration.ofMillis(20),
        Duration.ofSeconds(30));
    eventually(() -> count("SELECT count(*) FROM jobs WHERE status <> 'dead'") == 0);
    Row dead =
        await(pool.query("SELECT ref_id, last_error, attempts FROM jobs").execute())
            .iterator()
            .next();
    assertThat(dead.getLong("ref_id")).isEqualTo(4);
    assertThat(dead.getString("last_error")).isEqualTo("gave up: permanent");
    assertThat(attempts.entrySet()).filteredOn(e -> e.getValue().get() == 3).hasSize(4);
  }

  @Test
  void aJobWhoseWorkerDiedIsTakenOverAndTheLateWorkerIsFencedOut() {
    enqueue("orphan", 1);
    // GIVEN a node that claims the job and then dies (never finishes), with a short lease
    Job claimed =
        await(queue.claim(List.of("orphan"), 1, "dead-node", Duration.ofMillis(300))).get(0);
    AtomicInteger runs = new AtomicInteger();
    // WHEN a live node polls
    worker(
        "live-node",
        "orphan",
        job -> {
          runs.incrementAndGet();
          assertThat(job.attempts()).isEqualTo(2);
          return Future.succeededFuture(JobResult.done());
        },
        Duration.ofMillis(50),
        Duration.ofSeconds(30));
    // THEN it takes the job over once the lease expires, and the dead node's late write is dropped
    eventually(() -> count("SELECT count(*) FROM jobs") == 0);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(await(queue.finish(claimed, JobResult.retry("late"), Duration.ZERO))).isFalse();
    assertThat(count("SELECT count(*) FROM jobs")).isZero();
  }

  @Test
  void aWakeUpStartsCommittedWorkWithoutWaitingForThePoll() {
    Promise<Long> ran = Promise.promise();
    // GIVEN a worker that would otherwise poll only every ten minutes
    worker(
        "sleepy",
        "prompt",
        job -> {
          ran.tryComplete(job.id());
          return Future.succeededFuture(JobResult.done());
        },
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
    // WHEN work is committed and the wake-up published
    enqueue("prompt", 1);
    vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
    // THEN it runs now
    assertThat(await(ran.future().timeout(10, TimeUnit.SECONDS))).isPositive();
  }

  @Test
  void parkedJobsWaitUntilWoken() {
    UUID tenant = UUID.randomUUID();
    await(JobQueue.enqueue(pool, "target", tenant, 1L, null, Duration.ZERO));
    AtomicInteger runs = new AtomicInteger();
    worker(
        "node",
        "target",
        job ->
            Future.succeededFuture(
                runs.incrementAndGet() == 1
                    ? new JobResult.Parked("target disabled")
                    : JobResult.done()),
        Duration.ofMillis(20),
        Duration.ofSeconds(30));
    eventually(() -> count("SELECT count(*) FROM jobs WHERE status = 'parked'") == 1);
    await(vertx.timer(200));
    assertThat(runs.get()).as("a parked job is not polled").isEqualTo(1);
    assertThat(await(queue.unpark(pool, tenant, "target"))).isEqualTo(1);
    eventually(() -> count("SELECT count(*) FROM jobs") == 0);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aWakeUpDuringTheAttemptThatParksAJobIsNotLost() {
    UUID tenant = UUID.randomUUID();
    await(JobQueue.enqueue(pool, "target", tenant, 1L, null, Duration.ZERO));
    Promise<Void> attemptStarted = Promise.promise();
    Promise<JobResult> firstAttempt = Promise.promise();
    AtomicInteger runs = new AtomicInteger();
    worker(
        "node",
        "target",
        job -> {
          if (runs.incrementAndGet() == 1) {
            // the attempt saw the target disabled, and will decide to park...
            attemptStarted.tryComplete();
            return firstAttempt.future();
          }
          return Future.succeededFuture(JobResult.done());
        },
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
    await(attemptStarted.future().timeout(10, TimeUnit.SECONDS));
    // ...WHEN the target is enabled again meanwhile (no parked job to wake yet)
    assertThat(await(queue.unpark(pool, tenant, "target"))).isZero();
    firstAttempt.complete(new JobResult.Parked("target disabled"));
    // THEN the job is due again and runs, rather than parked until the next wake-up
    eventually(() -> count("SELECT count(*) FROM jobs") == 0);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aJobIsNotParkedWhenItsHandlersConditionSaysWhatItWaitsForIsBack() {
    UUID tenant = UUID.randomUUID();
    await(JobQueue.enqueue(pool, "target", tenant, 1L, null, Duration.ZERO));
    await(
        pool.query("CREATE TABLE IF NOT EXISTS test_switch (tenant_id uuid, on_ boolean)")
            .execute());
    await(
        pool.preparedQuery("INSERT INTO test_switch VALUES ($1, true)")
            .execute(io.vertx.sqlclient.Tuple.of(tenant)));
    AtomicInteger runs = new AtomicInteger();
    String backOn =
        "EXISTS (SELECT 1 FROM test_switch s WHERE s.tenant_id = jobs.tenant_id AND s.on_"
            + " FOR SHARE OF s)";
    worker(
        "node",
        "target",
        job ->
            Future.succeededFuture(
                runs.incrementAndGet() == 1
                    // the attempt saw the switch off, but it is on by the time the job is parked
                    ? new JobResult.Parked("switch off", backOn)
                    : JobResult.done()),
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
    eventually(() -> count("SELECT count(*) FROM jobs") == 0);
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void backoffGrowsAndStaysWithinItsCap() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
    for (int attempt = 1; attempt <= 40; attempt++) {
      long ms = b.after(attempt).toMillis();
      long ceiling = Math.min(60_000, 1000L << Math.min(attempt - 1, 30));
      assertThat(ms).isBetween(ceiling / 2, ceiling);
    }
  }
}
