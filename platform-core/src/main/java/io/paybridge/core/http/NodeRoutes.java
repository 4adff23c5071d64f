package io.paybridge.core.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.EventBusAddresses;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.ingest.FairAdmission;
import io.paybridge.core.ingest.GroupCommitRecorder;
import io.paybridge.core.ingest.IngestHandler;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.UnverifiedHolds;
import io.paybridge.core.metrics.PlatformMetrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The routes every node serves besides the API and the console: webhooks ({@code
 * /hooks/{hookKey}/{gateway}}, the ingest path), health and, unless it has a port of its own
 * ({@code PAYBRIDGE_METRICS_PORT}), {@code /metrics}.
 */
public final class NodeRoutes {

  private final Pool pool;
  private final HookCache hooks;
  private final ReceiptStore receipts;
  private final PaybridgeConfig config;
  private final PlatformMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final FairAdmission admission;

  /**
   * @param pool what webhooks are recorded into, in group commits, and what health checks
   * @param hooks the node's gateway accounts by hook key
   */
  public NodeRoutes(
      Pool pool,
      HookCache hooks,
      ReceiptStore receipts,
      PaybridgeConfig config,
      PlatformMetrics metrics,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.pool = pool;
    this.hooks = hooks;
    this.receipts = receipts;
    this.config = config;
    this.metrics = metrics;
    this.registry = registry;
    this.clock = clock;
    this.admission = new FairAdmission(config.ingestShares().latencyTarget());
  }

  /**
   * Mounts the routes on a verticle's router, first of all the handler that decides each request's
   * client address ({@link ClientAddress}), so every route mounted after them sees it. Call from
   * the verticle's own context: the webhook recorder it creates belongs to that event loop.
   */
  public void mount(Vertx vertx, Router router) {
    router.route().handler(ClientAddress.resolver(config.trustedProxies()));
    GroupCommitRecorder recorder =
        new GroupCommitRecorder(
            vertx.getOrCreateContext(),
            pool,
            config.maxBatch(),
            config.maxInFlightBatches(),
            config.parallelBatchAt(),
            metrics::statement,
            otherJobs -> {
              vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null);
              if (otherJobs) {
                vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null);
              }
            },
            config.ingestShares().capacity(),
            config.ingestShares().minShare());
    router
        .post("/hooks/:hookKey/:gateway")
        .handler(BodyHandler.create(false).setBodyLimit(config.maxWebhookBytes()))
        .handler(
            new IngestHandler(
                hooks,
                recorder,
                metrics,
                clock,
                receipts,
                new UnverifiedHolds(pool, UnverifiedHolds.PER_ACCOUNT),
                admission))
        .failureHandler(HttpErrors::failureHandler);
    HealthHandlers.mount(router, pool);
    if (config.metricsPort() < 0) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
  }

  /**
   * Mounts what operators scrape and probe, {@code /metrics} and health, on the router of the
   * management port, when the configuration keeps {@code /metrics} off the public port.
   */
  public void mountManagement(Router router) {
    HealthHandlers.mount(router, pool);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }
}
