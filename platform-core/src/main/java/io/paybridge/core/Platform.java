package io.paybridge.core;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.db.Migrations;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.HealthHandlers;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.ingest.GroupCommitRecorder;
import io.paybridge.core.ingest.IngestHandler;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.security.SecretHasher;
import io.paybridge.core.subscription.CancelUnknownSubscriptions;
import io.paybridge.core.subscription.RenewalScanner;
import io.paybridge.core.subscription.SubscriptionRenewals;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.subscription.Subscriptions;
import io.paybridge.core.sync.SyncDelivery;
import io.paybridge.core.sync.SyncFanOut;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.sync.TargetUrls;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.tenant.Tenants;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.spi.PluginContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The services of one node, built once at start-up and shared by every verticle instance: the
 * database pool, the plugins, the stores, the hook cache, metrics. Verticles are thin wiring around
 * it.
 */
public final class Platform {

  /** Least time between two fan-out runs of a node while commits keep coming (ADR 8). */
  private static final Duration FAN_OUT_INTERVAL = Duration.ofMillis(25);

  private final Vertx vertx;
  private final PaybridgeConfig config;
  private final Pool pool;
  private final PluginRegistry plugins;
  private final Tenants tenants;
  private final ApiClients apiClients;
  private final Payments payments;
  private final SyncTargets syncTargets;
  private final GatewayAccountStore accounts;
  private final HookCache hookCache;
  private final LedgerStore ledger;
  private final SubscriptionStore subscriptions;
  private final Subscriptions subscriptionUseCases;
  private final SubscriptionRenewals renewals;
  private final SyncStore sync;
  private final SyncDelivery syncDelivery;
  private final TargetUrls targetUrls;
  private final RenewalScanner renewalScanner;
  private final ReceiptStore receiptStore;
  private final Receipts receipts;
  private final GatewayAccounts gatewayAccounts;
  private long housekeeping = -1;
  private final SecretHasher hasher;
  private final PlatformMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final byte[] tokenKey;

  private Platform(
      Vertx vertx,
      PaybridgeConfig config,
      Pool pool,
      PluginRegistry plugins,
      MasterKeys keys,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.pool = pool;
    this.plugins = plugins;
    this.registry = registry;
    this.clock = clock;
    TenantStore tenantStore = new TenantStore(pool);
    CredentialVault vault = new CredentialVault(keys);
    this.accounts = new GatewayAccountStore(pool, vault, plugins);
    this.hookCache = new HookCache(vertx, accounts);
    this.ledger = new LedgerStore(pool);
    this.subscriptions = new SubscriptionStore(pool);
    this.renewals =
        new SubscriptionRenewals(
            accounts,
            subscriptions,
            clock,
            () -> vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null));
    this.sync = new SyncStore(pool, vault);
    this.subscriptionUseCases = new Subscriptions(subscriptions, renewals);
    this.receiptStore = new ReceiptStore(pool);
    this.receipts =
        new Receipts(
            receiptStore,
            new io.paybridge.core.ingest.ReprocessStore(pool),
            accounts,
            () -> vertx.eventBus().publish(EventBusAddresses.SYNC_WAKE, null));
    this.gatewayAccounts =
        new GatewayAccounts(
            accounts, hookCache, () -> vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null));
    this.renewalScanner =
        new RenewalScanner(
            subscriptions,
            plugins,
            subscriptionUseCases,
            config.renewalScanInterval(),
            Duration.ofDays(1),
            Duration.ofHours(1));
    this.targetUrls = new TargetUrls(config.allowPrivateTargets());
    this.syncDelivery =
        new SyncDelivery(
            vertx, sync, ledger, targetUrls, clock, config.syncTimeout(), config.nodeName());
    this.hasher = new SecretHasher(config.passwordHashIterations());
    this.tenants = new Tenants(vertx, tenantStore, hasher);
    this.apiClients = new ApiClients(vertx, tenantStore, hasher);
    this.payments = new Payments(ledger);
    this.syncTargets =
        new SyncTargets(
            sync, targetUrls, () -> vertx.eventBus().publish(EventBusAddresses.JOBS_WAKE, null));
    this.metrics = new PlatformMetrics(registry);
    this.tokenKey = keys.derive("api-token-signing-v1");
  }

  /**
   * Connects to the database, applies migrations, starts the plugins and the hook cache.
   *
   * @param keys the master keys (read at start-up: {@link MasterKeys#configuredOrDevKey})
   */
  public static Future<Platform> start(
      Vertx vertx,
      PaybridgeConfig config,
      PgConnectOptions db,
      MasterKeys keys,
      PluginRegistry plugins,
      PrometheusMeterRegistry registry,
      Clock clock) {
    Pool pool = Database.pool(vertx, db, config.dbPoolSize());
    Platform platform = new Platform(vertx, config, pool, plugins, keys, registry, clock);
    return Migrations.migrate(vertx, db)
        .compose(v -> plugins.init(new PluginContext(vertx, clock, config.gatewaySettings())))
        .compose(v -> platform.hookCache.start())
        .onSuccess(
            v ->
                platform.housekeeping =
                    vertx.setPeriodic(
                        Duration.ofHours(1).toMillis(),
                        id ->
                            platform
                                .receiptStore
                                .purge(config.receiptRetention())
                                .onFailure(
                                    err ->
                                        java.util.logging.Logger.getLogger(Platform.class.getName())
                                            .warning("receipt retention not enforced: " + err))))
        .map(platform)
        .recover(err -> pool.close().transform(x -> Future.failedFuture(err)));
  }

  /**
   * Mounts the webhook route, health and metrics on a verticle's router. Call from the verticle's
   * own context: the webhook recorder it creates belongs to that event loop.
   */
  public void mountCoreRoutes(Router router) {
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
            });
    router
        .post("/hooks/:hookKey/:gateway")
        .handler(BodyHandler.create(false).setBodyLimit(config.maxWebhookBytes()))
        .handler(new IngestHandler(hookCache, recorder, metrics, clock, receiptStore))
        .failureHandler(HttpErrors::failureHandler);
    HealthHandlers.mount(router, pool);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }

  /** The URL a tenant pastes into the gateway's dashboard for this account. */
  public String webhookUrl(GatewayAccount account) {
    return config.publicUrl() + "/hooks/" + account.hookKey() + "/" + account.gateway();
  }

  /** The job handlers this node runs, by job kind. */
  public Map<String, JobHandler> jobHandlers() {
    Map<String, JobHandler> handlers = new java.util.HashMap<>(syncDelivery.handlers());
    handlers.put(RenewalScanner.RENEWAL, renewalScanner.handler());
    handlers.put(
        CancelUnknownSubscriptions.KIND,
        new CancelUnknownSubscriptions(subscriptions, plugins, accounts));
    handlers.put(Receipts.REPROCESS_HELD, receipts.reprocessHeld());
    return handlers;
  }

  /** The renewal scanner; deploy it as a verticle on every node (it elects itself by lock). */
  public RenewalScanner renewalScanner() {
    return renewalScanner;
  }

  /** A worker for this node's jobs; deploy it as a verticle. */
  public JobWorker newJobWorker() {
    // An attempt is bounded by twice the HTTP timeout (room for its database work); the lease is
    // twice that, so it always outlasts the attempt it guards.
    Duration attempt = config.syncTimeout().multipliedBy(2).plusSeconds(1);
    JobWorker.Settings settings =
        new JobWorker.Settings(
            32,
            attempt.multipliedBy(2),
            attempt,
            Duration.ofSeconds(2),
            new Backoff(config.retryBase(), Duration.ofHours(1)));
    return new JobWorker(new JobQueue(pool), jobHandlers(), settings, config.nodeName());
  }

  /** The fan-out of recorded entries to sync targets; deploy it as a verticle on every node. */
  public SyncFanOut newSyncFanOut() {
    // Under load, the commits of this long share one fan-out statement (ADR 8); at low load the
    // first wake-up runs at once, so it only ever delays a delivery by this much.
    return new SyncFanOut(sync, 500, Duration.ofSeconds(2), FAN_OUT_INTERVAL);
  }

  public Future<Void> close() {
    if (housekeeping >= 0) {
      vertx.cancelTimer(housekeeping);
    }
    syncDelivery.close();
    return hookCache.stop().eventually(pool::close);
  }

  /** Webhook receipts: listing, reading and processing again. */
  public Receipts receipts() {
    return receipts;
  }

  /** Gateway accounts: connect, change credentials, disconnect. */
  public GatewayAccounts gatewayAccounts() {
    return gatewayAccounts;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PaybridgeConfig config() {
    return config;
  }

  public PluginRegistry plugins() {
    return plugins;
  }

  /** Signing up and signing in. */
  public Tenants tenants() {
    return tenants;
  }

  /** A tenant's API clients. */
  public ApiClients apiClients() {
    return apiClients;
  }

  /** Reading the ledger. */
  public Payments payments() {
    return payments;
  }

  /** Sync targets and deliveries. */
  public SyncTargets syncTargets() {
    return syncTargets;
  }

  /** Subscriptions: listing, registering, renewal checks. */
  public Subscriptions subscriptions() {
    return subscriptionUseCases;
  }

  public PlatformMetrics metrics() {
    return metrics;
  }

  /** The key that signs API access tokens; the same on every node sharing the master key. */
  public byte[] tokenSigningKey() {
    return tokenKey.clone();
  }

  public Clock clock() {
    return clock;
  }
}
