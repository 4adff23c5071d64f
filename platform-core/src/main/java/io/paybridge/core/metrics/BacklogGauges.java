package io.paybridge.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.paybridge.core.job.Periodic;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The work the platform still owes, as gauges an operator alerts on: per job kind, the jobs not yet
 * done (due, waiting for a retry or running) and the age of the oldest of them, the jobs parked
 * until their tenant re-enables a sync target, and the receipts held until their tenant fixes the
 * account. For sync, {@code sync} jobs are recorded entries not yet fanned out to the targets and
 * {@code deliver} jobs are deliveries not yet made, so the oldest of either is the sync backlog's
 * age.
 *
 * <p>These are the cluster's figures, read from PostgreSQL by every node now and then (so every
 * node exports the same numbers: take their maximum, not their sum); a round that fails leaves the
 * last figures. The jobs are read through their partial indexes, the held receipts through theirs.
 */
public final class BacklogGauges extends Periodic {

  private static final Logger LOG = Logger.getLogger(BacklogGauges.class.getName());

  /** The live jobs per kind: not yet done, and parked. */
  static final String JOBS_SQL =
      "SELECT kind,"
          + " count(*) FILTER (WHERE status <> 'parked') AS backlog,"
          + " EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status <> 'parked'))"
          + "   AS oldest_seconds,"
          + " count(*) FILTER (WHERE status = 'parked') AS parked"
          + " FROM jobs WHERE status IN ('pending', 'running', 'parked') GROUP BY kind";

  static final String HELD_SQL = "SELECT count(*) FROM webhook_receipts WHERE verdict = 'held'";

  /** One kind's figures, read by its gauges. */
  private static final class KindFigures {
    volatile double backlog;
    volatile double oldestSeconds;
    volatile double parked;
  }

  private final Pool pool;
  private final MeterRegistry registry;
  private final Map<String, KindFigures> kinds = new ConcurrentHashMap<>();
  private volatile double held;

  /**
   * @param kinds the job kinds whose gauges exist from the start (at zero); others appear when a
   *     job of theirs does
   * @param interval how often the figures are read again
   */
  public BacklogGauges(
      Pool pool, MeterRegistry registry, Iterable<String> kinds, Duration interval) {
    super(interval);
    this.pool = pool;
    this.registry = registry;
    kinds.forEach(this::figures);
    Gauge.builder("paybridge.receipts.held", this, g -> g.held)
        .description("Receipts held until their tenant fixes the account (the whole cluster)")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    return super.start().onSuccess(v -> runOnce());
  }

  @Override
  protected void runOnce() {
    refresh()
        .onFailure(err -> LOG.log(Level.FINE, "backlog gauges keep their last figures: {0}", err));
  }

  /** Reads the figures again; the gauges show them once the future completes. */
  public Future<Void> refresh() {
    Future<Void> jobs =
        pool.query(JOBS_SQL)
            .execute()
            .map(
                rows -> {
                  Map<String, Row> byKind = new java.util.HashMap<>();
                  rows.forEach(r -> byKind.put(r.getString("kind"), r));
                  byKind.keySet().forEach(this::figures);
                  kinds.forEach(
                      (kind, figures) -> {
                        Row r = byKind.get(kind);
                        figures.backlog = r == null ? 0 : r.getLong("backlog");
                        Number oldest = r == null ? null : r.getNumeric("oldest_seconds");
                        figures.oldestSeconds = oldest == null ? 0 : oldest.doubleValue();
                        figures.parked = r == null ? 0 : r.getLong("parked");
                      });
                  return null;
                });
    Future<Void> receipts =
        pool.query(HELD_SQL)
            .execute()
            .map(
                rows -> {
                  held = rows.iterator().next().getLong(0);
                  return null;
                });
    return Future.all(jobs, receipts).mapEmpty();
  }

  private KindFigures figures(String kind) {
    return kinds.computeIfAbsent(
        kind,
        k -> {
          KindFigures f = new KindFigures();
          Gauge.builder("paybridge.jobs.backlog", f, x -> x.backlog)
              .description("Jobs not yet done: due, waiting for a retry, or running")
              .tag(PlatformMetrics.TAG_KIND, k)
              .register(registry);
          TimeGauge.builder("paybridge.jobs.backlog.age", f, TimeUnit.SECONDS, x -> x.oldestSeconds)
              .description("Age of the oldest job not yet done")
              .tag(PlatformMetrics.TAG_KIND, k)
              .register(registry);
          Gauge.builder("paybridge.jobs.parked", f, x -> x.parked)
              .description("Jobs parked until their tenant re-enables a sync target")
              .tag(PlatformMetrics.TAG_KIND, k)
              .register(registry);
          return f;
        });
  }
}
