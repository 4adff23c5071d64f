package io.paybridge.core.subscription;

import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.Renewals;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
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

  private final SubscriptionStore store;
  private final PluginRegistry plugins;
  private final Subscriptions subscriptions;
  private final Duration interval;
  private final Duration lookAhead;
  private final Duration recheckAfter;
  private long timer = -1;

  /**
   * @param subscriptions the use case whose refresh a renewal job runs, as a tenant's request would
   * @param lookAhead how far ahead of a period's end its renewal is checked
   * @param recheckAfter how long a checked subscription is left alone
   */
  public RenewalScanner(
      SubscriptionStore store,
      PluginRegistry plugins,
      Subscriptions subscriptions,
      Duration interval,
      Duration lookAhead,
      Duration recheckAfter) {
    this.store = store;
    this.plugins = plugins;
    this.subscriptions = subscriptions;
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
    List<String> gateways =
        plugins.all().stream().filter(p -> p instanceof Renewals).map(GatewayPlugin::id).toList();
    return store
        .queueRenewals(gateways, lookAhead, recheckAfter)
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
    return subscriptions
        .refresh(job, plugin, subscription)
        .compose(
            s ->
                s == null
                    ? Future.succeededFuture(false)
                    : store.markRenewalChecked(job, job.tenantId(), plugin.id(), subscription))
        .map(
            written ->
                written
                    ? JobResult.done()
                    // Another worker holds the job now; what this attempt saw is not written.
                    : JobResult.retry("renewal job " + job.id() + " lost its claim"))
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
