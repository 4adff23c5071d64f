package io.paybridge.core.metrics;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paybridge.core.TestDatabase;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.job.JobWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The backlog an operator alerts on (jobs not yet done and the age of the oldest, parked jobs, held
 * receipts) read from a real PostgreSQL, and the count of job attempts by how they ended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BacklogGaugesTest {

  private TestDatabase db;

  @BeforeAll
  void open() {
    db = TestDatabase.open("backlog_gauges");
  }

  @AfterAll
  void close() {
    db.close();
  }

  @BeforeEach
  void empty() {
    await(db.pool().query("DELETE FROM jobs").execute());
    await(db.pool().query("DELETE FROM webhook_receipts").execute());
  }

  private void job(String kind, String status, UUID tenant, Duration age) {
    await(
        db.pool()
            .preparedQuery(
                "INSERT INTO jobs (kind, tenant_id, status, created_at)"
                    + " VALUES ($1, $2, $3, now() - $4 * interval '1 second')")
            .execute(Tuple.of(kind, tenant, status, age.toSeconds())));
  }

  private void receipt(UUID tenant, String verdict, String eventId) {
    await(
        db.pool()
            .preparedQuery(
                "INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type, raw_body,"
                    + " verdict) VALUES ($1, 'stripe', $2, 'x', '\\x7b7d'::bytea, $3)")
            .execute(Tuple.of(tenant, eventId, verdict)));
  }

  private static double gauge(MeterRegistry registry, String name, String kind) {
    return kind == null
        ? registry.get(name).gauge().value()
        : registry.get(name).tag(PlatformMetrics.TAG_KIND, kind).gauge().value();
  }

  @Test
  void theGaugesShowTheClustersBacklogFromTheDatabase() {
    // GIVEN two tenants' work: deliveries due, retrying and running, one an hour old; a parked
    // delivery; a dead one; entries not yet fanned out; and receipts, two of them held
    UUID a = db.tenant();
    UUID b = db.tenant();
    job("deliver", "pending", a, Duration.ofSeconds(10));
    job("deliver", "pending", b, Duration.ofHours(1));
    job("deliver", "running", a, Duration.ofSeconds(30));
    job("deliver", "parked", b, Duration.ofDays(2));
    job("deliver", "dead", a, Duration.ofDays(5));
    job("sync", "pending", a, Duration.ofSeconds(2));
    receipt(a, "held", "evt_1");
    receipt(b, "held", "evt_2");
    receipt(a, "recorded", "evt_3");
    MeterRegistry registry = new SimpleMeterRegistry();
    BacklogGauges gauges =
        new BacklogGauges(
            db.pool(), registry, List.of("deliver", "sync", "renewal"), Duration.ofMinutes(1));

    // WHEN they are read
    await(gauges.refresh());

    // THEN what is not yet done counts, with the oldest's age; parked and dead jobs do not
    assertThat(gauge(registry, "paybridge.jobs.backlog", "deliver")).isEqualTo(3);
    assertThat(registry.get("paybridge.jobs.backlog.age").tag("kind", "deliver").timeGauge())
        .satisfies(g -> assertThat(g.value(TimeUnit.SECONDS)).isCloseTo(3600, within(120.0)));
    assertThat(gauge(registry, "paybridge.jobs.parked", "deliver")).isEqualTo(1);
    assertThat(gauge(registry, "paybridge.jobs.backlog", "sync")).isEqualTo(1);
    assertThat(gauge(registry, "paybridge.receipts.held", null)).isEqualTo(2);
    // AND a kind with nothing to do shows zero rather than nothing
    assertThat(gauge(registry, "paybridge.jobs.backlog", "renewal")).isZero();
    assertThat(
            registry.get("paybridge.jobs.backlog.age").tag("kind", "renewal").timeGauge().value())
        .isZero();

    // WHEN the work is done and the holds released
    await(db.pool().query("DELETE FROM jobs WHERE status <> 'dead'").execute());
    await(db.pool().query("UPDATE webhook_receipts SET verdict = 'recorded'").execute());
    await(gauges.refresh());

    // THEN the gauges come back to zero; no tenant ever became a label
    assertThat(gauge(registry, "paybridge.jobs.backlog", "deliver")).isZero();
    assertThat(gauge(registry, "paybridge.jobs.parked", "deliver")).isZero();
    assertThat(gauge(registry, "paybridge.receipts.held", null)).isZero();
    assertThat(registry.getMeters())
        .allSatisfy(
            m ->
                assertThat(m.getId().getTags().toString())
                    .doesNotContain(a.toString())
                    .doesNotContain(b.toString()));
  }

  @Test
  void jobAttemptsAreCountedByHowTheyEnded() {
    // GIVEN a worker whose job fails once, is retried by its handler once, then is done
    MeterRegistry registry = new SimpleMeterRegistry();
    PlatformMetrics metrics = new PlatformMetrics(registry);
    metrics.jobKinds(List.of("flaky"), JobWorker.OUTCOMES);
    int[] attempt = {0};
    JobWorker worker =
        new JobWorker(
            new JobQueue(db.pool()),
            Map.of(
                "flaky",
                job ->
                    switch (++attempt[0]) {
                      case 1 -> Future.failedFuture(new IllegalStateException("boom"));
                      case 2 ->
                          Future.succeededFuture(
                              new JobResult.Retry(Duration.ofMillis(10), "not yet"));
                      default -> Future.succeededFuture(JobResult.done());
                    }),
            new JobWorker.Settings(
                4,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofMillis(20),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(20))),
            "node",
            metrics::jobAttempt);
    String deployment = await(db.vertx().deployVerticle(worker));
    try {
      // WHEN the job runs to its end
      await(JobQueue.enqueue(db.pool(), "flaky", db.tenant(), 1L, null, Duration.ZERO));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (db.count("SELECT count(*) FROM jobs") > 0 && System.nanoTime() < deadline) {
        await(db.vertx().timer(20));
      }
    } finally {
      await(db.vertx().undeploy(deployment));
    }

    // THEN each attempt is counted once under its outcome, and the others stay at zero
    for (Map.Entry<String, Double> expected :
        Map.of("failed", 1.0, "retry", 1.0, "done", 1.0, "dead", 0.0, "dropped", 0.0).entrySet()) {
      assertThat(
              registry
                  .get("paybridge.jobs.attempts")
                  .tag("kind", "flaky")
                  .tag("outcome", expected.getKey())
                  .counter()
                  .count())
          .as(expected.getKey())
          .isEqualTo(expected.getValue());
    }
  }
}
