package io.paybridge.core.subscription;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds active subscriptions whose period ends soon and creates a renewal job for each; the job
 * asks the gateway for the new period end and records it. The scan runs on one node at a time (a
 * cluster-wide lock, held briefly) and is idempotent in the database if two ever run: at most one
 * renewal job per subscription is outstanding, and a subscription checked recently is skipped.
 */
public final class RenewalScanner extends VerticleBase {

  /** Job kind of a renewal. */
  public static final String RENEWAL = "renewal";

  private static final Logger LOG = Logger.getLogger(RenewalScanner.class.getName());
  private static final String LOCK = "paybridge.renewal-scanner";

  private static final String SCAN =
      """
      WITH due AS (
        SELECT tenant_id, gateway, external_subscription_id FROM subscriptions
        WHERE status = 'active' AND gateway = ANY($1)
          AND current_period_end < now() + $2 * interval '1 second'
          AND (renewal_checked_at IS NULL OR renewal_checked_at < now() - $3 * interval '1 second')
        ORDER BY current_period_end
        LIMIT 1000
      ), queued AS (
        INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
        SELECT 'renewal', tenant_id,
               jsonb_build_object('gateway', gateway, 'subscription', external_subscription_id),
               tenant_id || ':' || gateway || ':' || external_subscription_id
        FROM due
        ON CONFLICT (kind, dedupe_key)
          WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running', 'parked')
          DO NOTHING
        RETURNING 1
      )
      SELECT count(*) FROM queued
      """;

  private final Pool pool;
  private final PluginRegistry plugins;
  private final SubscriptionRenewals renewals;
  private final Duration interval;
  private final Duration lookAhead;
  private final Duration recheckAfter;
  private long timer = -1;

  public RenewalScanner(
      Pool pool,
      PluginRegistry plugins,
      SubscriptionRenewals renewals,
      Duration interval,
      Duration lookAhead,
      Duration recheckAfter) {
    this.pool = pool;
    this.plugins = plugins;
    this.renewals = renewals;
    this.interval = interval;
    this.lookAhead = lookAhead;
    this.recheckAfter = recheckAfter;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> scanIfLeader());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Takes the cluster-wide lock without waiting; only its holder scans. */
  void scanIfLeader() {
    vertx
        .sharedData()
        .getLockWithTimeout(LOCK, 10)
        .onSuccess(lock -> scan().onComplete(ar -> lock.release()))
        .onFailure(err -> LOG.fine("another node is scanning for renewals"));
  }

  /** Queues renewal jobs for subscriptions whose period ends soon; returns how many. */
  public Future<Long> scan() {
    String[] gateways =
        plugins.all().stream()
            .filter(p -> p instanceof io.paybridge.spi.Renewals)
            .map(GatewayPlugin::id)
            .toArray(String[]::new);
    return pool.preparedQuery(SCAN)
        .execute(Tuple.of(gateways, lookAhead.toSeconds(), recheckAfter.toSeconds()))
        .map(rows -> rows.iterator().next().getLong(0))
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info(() -> "queued " + n + " subscription renewals");
                vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
              }
            })
        .onFailure(err -> LOG.log(Level.WARNING, "renewal scan failed: {0}", String.valueOf(err)));
  }

  /** The renewal job: ask the gateway, record the answer. */
  public JobHandler handler() {
    return this::renew;
  }

  private Future<JobResult> renew(Job job) {
    JsonObject payload = job.payload();
    GatewayPlugin plugin = plugins.get(payload.getString("gateway"));
    if (plugin == null) {
      return Future.succeededFuture(new JobResult.Dead("gateway plugin no longer installed"));
    }
    String subscription = payload.getString("subscription");
    return renewals
        .refresh(job.tenantId(), plugin, subscription)
        .compose(
            s ->
                pool.preparedQuery(
                        "UPDATE subscriptions SET renewal_checked_at = now() WHERE tenant_id = $1"
                            + " AND gateway = $2 AND external_subscription_id = $3")
                    .execute(Tuple.of(job.tenantId(), plugin.id(), subscription))
                    .map(JobResult.done()))
        .recover(
            err -> {
              if (err instanceof ApiError api
                  && !"gateway_unavailable".equals(api.toJson().getString("error"))) {
                // No account any more, no renewal support, or the gateway refused: retrying
                // will not help.
                return Future.succeededFuture(new JobResult.Dead(api.getMessage()));
              }
              return Future.succeededFuture(JobResult.retry(String.valueOf(err.getMessage())));
            });
  }
}
