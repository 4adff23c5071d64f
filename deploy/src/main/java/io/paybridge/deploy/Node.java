package io.paybridge.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.api.PartnerApi;
import io.paybridge.core.Stores;
import io.paybridge.core.UseCases;
import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.checkout.CheckoutAttemptStore;
import io.paybridge.core.cobot.CobotStore;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.gateway.HookCache;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.NodeRoutes;
import io.paybridge.core.ingest.ReceiptRetention;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.job.Periodic;
import io.paybridge.core.metrics.BacklogGauges;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.purchase.PurchaseAcknowledgements;
import io.paybridge.core.purchase.PurchaseStore;
import io.paybridge.core.refund.RefundStore;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.SigningKeys;
import io.paybridge.core.security.TokenKeys;
import io.paybridge.core.subscription.CancelUnknownSubscriptions;
import io.paybridge.core.subscription.RenewalScanner;
import io.paybridge.core.sync.DeliveryDispatcher;
import io.paybridge.core.sync.DispatchSettings;
import io.paybridge.core.sync.SyncDelivery;
import io.paybridge.core.sync.SyncFanOut;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PluginContext;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running Paybridge node, and the composition root that wires it: Vert.x with metrics, the
 * database (external, or embedded in dev mode) and its pool, the stores, the use cases, the job
 * handlers, the workers and one HTTP verticle per event loop. Started phase by phase; closed in
 * reverse order.
 */
public final class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  /** Least time between two fan-out runs of a node while commits keep coming (ADR 8). */
  private static final Duration FAN_OUT_INTERVAL = Duration.ofMillis(25);

  private final Vertx vertx;
  private final Storage storage;
  private final Pool pool;
  private final HookCache hooks;
  private final HashPool hashes;
  private final SyncDelivery delivery;
  private final UseCases useCases;
  private final SigningKeys signingKeys;
  private final int port;
  private final String httpDeployment;
  private final String workerDeployment;
  private final HttpServer management;

  private Node(
      Vertx vertx,
      Storage storage,
      Pool pool,
      HookCache hooks,
      HashPool hashes,
      SyncDelivery delivery,
      UseCases useCases,
      SigningKeys signingKeys,
      int port,
      String httpDeployment,
      String workerDeployment,
      HttpServer management) {
    this.management = management;
    this.vertx = vertx;
    this.storage = storage;
    this.pool = pool;
    this.hooks = hooks;
    this.hashes = hashes;
    this.delivery = delivery;
    this.useCases = useCases;
    this.signingKeys = signingKeys;
    this.port = port;
    this.httpDeployment = httpDeployment;
    this.workerDeployment = workerDeployment;
  }

  /** Starts a node. An HTTP port of 0 picks a free one; {@link #port()} tells which. */
  public static Future<Node> start(PaybridgeConfig requested) {
    return start(requested, ClusterSettings.NONE, null);
  }

  /**
   * Starts a node on the given database, which takes precedence over {@code PAYBRIDGE_DB_URL} and
   * the embedded one (tests hand in a database of their own).
   */
  public static Future<Node> start(PaybridgeConfig requested, PgConnectOptions database) {
    return start(requested, ClusterSettings.NONE, database);
  }

  /**
   * Starts a node that joins the cluster described by {@code cluster} (or runs alone when it names
   * no members), on the given database or the configured one. In production the future fails at
   * once, with an {@link IllegalArgumentException} naming each setting at fault, while a
   * development default is in place; in dev mode one line says what is relaxed. Reads (in dev mode,
   * creates) the master key file on the caller's thread.
   */
  public static Future<Node> start(
      PaybridgeConfig requested, ClusterSettings cluster, PgConnectOptions database) {
    MasterKeys keys;
    try {
      ModeRules.refuseUnsafe(requested, cluster);
      keys = MasterKeys.forNode(requested);
    } catch (IllegalArgumentException | UncheckedIOException refused) {
      return Future.failedFuture(refused);
    }
    String relaxed =
        ModeRules.relaxations(
            requested, cluster, keys, database == null && requested.dbUrl() == null);
    if (relaxed != null) {
      LOG.warning(relaxed);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(HttpServerMeters.FILTER);
    SharedGauges.quiet();
    // HTTP requests by status code only (never paths: a webhook path holds the account's hook
    // key; nor routes or methods, which no dashboard reads and which cost every request a route
    // trace). Event-bus addresses are the platform's own constants.
    MicrometerMetricsOptions metricsOptions =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_CODE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.EB_ADDRESS,
                    // A handler's pending messages are two gauges, local and remote: without the
                    // side they would share one name and tags, registered twice.
                    Label.EB_SIDE,
                    Label.EB_FAILURE));
    if (requested.trustedProxies().proxyProtocol()) {
      // Vert.x 5.0's HTTP server metrics read a connection's address before its PROXY header
      // arrives, and the connection keeps that one: the proxy's, not the client's (ADR 27).
      metricsOptions.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    }
    VertxOptions options = new VertxOptions().setMetricsOptions(metricsOptions);
    VertxBuilder builder =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (cluster.clustered()) {
      cluster.eventBus(options.getEventBusOptions());
      builder.withClusterManager(new HazelcastClusterManager(cluster.hazelcast()));
      return builder
          .buildClustered()
          .compose(vertx -> startOn(vertx, requested, keys, database, registry, cluster));
    }
    return startOn(builder.build(), requested, keys, database, registry, cluster);
  }

  private static Future<Node> startOn(
      Vertx vertx,
      PaybridgeConfig requested,
      MasterKeys keys,
      PgConnectOptions database,
      PrometheusMeterRegistry registry,
      ClusterSettings cluster) {
    int port = requested.httpPort() == 0 ? freePort() : requested.httpPort();
    PaybridgeConfig config = requested.withHttpPort(port);
    LOG.info(() -> "starting Paybridge node: " + config);
    PluginRegistry plugins = PluginRegistry.discover();
    Clock clock = Clock.systemUTC();
    Future<Storage> opened = vertx.executeBlocking(() -> Storage.open(config, keys, database));
    return opened
        .compose(storage -> storage.prepare(vertx, config))
        .compose(v -> plugins.init(new PluginContext(vertx, clock, config.gatewaySettings())))
        .compose(v -> wire(vertx, config, opened.result(), plugins, registry, clock, cluster))
        .onSuccess(
            node ->
                LOG.info(
                    () ->
                        "Paybridge is listening on "
                            + config.publicUrl()
                            + " (gateways: "
                            + plugins.all().stream().map(GatewayPlugin::id).toList()
                            + ")"))
        .recover(
            err -> {
              LOG.log(Level.SEVERE, "Paybridge node failed to start", err);
              // Do not chain on the closing instance: its event loops stop and could not deliver.
              vertx
                  .close()
                  .onComplete(
                      x -> {
                        if (opened.succeeded()) {
                          opened.result().close();
                        }
                      });
              return Future.failedFuture(err);
            });
  }

  /**
   * Builds the node on its database, then deploys its verticles: the renewal scanner, the sync
   * fan-out, receipt retention, the purge of expired attempt counters, the job worker and the HTTP
   * servers, the latter last, so the node takes requests only once everything behind them runs.
   */
  private static Future<Node> wire(
      Vertx vertx,
      PaybridgeConfig config,
      Storage storage,
      PluginRegistry plugins,
      PrometheusMeterRegistry registry,
      Clock clock,
      ClusterSettings cluster) {
    Pool pool = Database.pool(vertx, storage.db(), config.dbPoolSize());
    Stores stores = Stores.on(pool, new CredentialVault(storage.keys()), plugins);
    HookCache hooks = new HookCache(vertx, stores.accounts());
    HashPool hashes = HashPool.forNode(vertx, config);
    UseCases useCases = UseCases.over(vertx, stores, hooks, plugins, hashes, config, clock);
    PlatformMetrics metrics = new PlatformMetrics(registry);
    DispatchSettings dispatch = DispatchSettings.from(System.getenv());
    SyncDelivery delivery =
        new SyncDelivery(vertx, stores.sync(), stores.ledger(), config, dispatch, metrics, clock);
    RenewalScanner scanner =
        new RenewalScanner(
            stores.subscriptions(),
            plugins,
            useCases.subscriptions(),
            config.renewalScanInterval(),
            Duration.ofDays(1),
            Duration.ofHours(1));
    Map<String, JobHandler> handlers =
        Map.ofEntries(
            Map.entry(SyncStore.DELIVER, delivery),
            Map.entry(RenewalScanner.RENEWAL, scanner.handler()),
            Map.entry(
                CancelUnknownSubscriptions.KIND,
                new CancelUnknownSubscriptions(stores.subscriptions(), plugins, stores.accounts())),
            Map.entry(Receipts.REPROCESS_HELD, useCases.receipts().reprocessHeld()),
            Map.entry(ChargeStore.JOB_KIND, useCases.charges().attempts()),
            Map.entry(CobotStore.JOB_KIND, useCases.cobot().job()),
            Map.entry(
                PurchaseStore.ACKNOWLEDGE,
                new PurchaseAcknowledgements(stores.purchases(), stores.accounts(), plugins)),
            Map.entry(RefundStore.JOB_KIND, useCases.refunds().attempts()),
            Map.entry(CheckoutAttemptStore.CAPTURE, useCases.checkouts().captures()),
            Map.entry(CheckoutAttemptStore.CANCEL, useCases.checkouts().captures()));
    metrics.jobKinds(handlers.keySet(), JobWorker.OUTCOMES);
    metrics.gateways(plugins.all().stream().map(GatewayPlugin::id).toList());
    NodeRoutes routes =
        new NodeRoutes(pool, hooks, stores.receipts(), config, metrics, registry, clock);
    Future<SigningKeys> signing =
        hooks
            .start()
            .compose(
                v ->
                    SigningKeys.start(
                        vertx, stores.tokenKeys(), TokenKeys.Settings.of(config), clock));
    // One per node, whichever event loop answers: a client's request limit is the node's share.
    Future<PartnerApi> partnerApi =
        signing.map(
            keys ->
                PartnerApi.create(
                    vertx,
                    useCases,
                    keys.apiTokens(),
                    config,
                    Math.max(1, cluster.members().size()),
                    clock));
    return partnerApi
        .compose(v -> vertx.deployVerticle(scanner))
        .compose(
            v ->
                vertx.deployVerticle(
                    // Under load, the commits of this long share one fan-out statement (ADR 8); at
                    // low load the first wake-up runs at once, so it only ever delays a delivery by
                    // this much.
                    new SyncFanOut(stores.sync(), 500, Duration.ofSeconds(2), FAN_OUT_INTERVAL)))
        .compose(
            v ->
                vertx.deployVerticle(
                    new ReceiptRetention(
                        stores.receipts(),
                        stores.ledger(),
                        config.receiptRetention(),
                        config.payerContactRetention(),
                        Duration.ofHours(1))))
        .compose(
            v ->
                vertx.deployVerticle(
                    Periodic.purge(
                        "expired attempt counters",
                        Duration.ofMinutes(5),
                        () -> stores.attempts().purge())))
        .compose(
            v ->
                vertx.deployVerticle(
                    Periodic.purge(
                        "ended console sessions",
                        Duration.ofMinutes(5),
                        () -> stores.consoleSessions().purge())))
        .compose(
            v ->
                vertx.deployVerticle(
                    new BacklogGauges(
                        pool,
                        registry,
                        java.util.stream.Stream.concat(
                                handlers.keySet().stream(),
                                java.util.stream.Stream.of(SyncStore.FAN_OUT))
                            .toList(),
                        Duration.ofSeconds(15))))
        .compose(
            v ->
                vertx.deployVerticle(
                    // Deliveries have a dispatcher of their own (ADR 26); the workers run the rest.
                    new DeliveryDispatcher(
                        delivery,
                        stores.sync().batches(),
                        stores.jobs(),
                        dispatch,
                        workerSettings(config).lease(),
                        workerSettings(config).attemptTimeout(),
                        Duration.ofSeconds(2),
                        workerSettings(config).backoff(),
                        config.nodeName(),
                        metrics::jobAttempt)))
        .compose(
            v ->
                vertx.deployVerticle(
                    new JobWorker(
                        stores.jobs(),
                        withoutDeliveries(handlers),
                        workerSettings(config),
                        config.nodeName(),
                        metrics::jobAttempt)))
        .compose(
            worker ->
                vertx
                    .deployVerticle(
                        () ->
                            new HttpVerticle(
                                config,
                                routes,
                                useCases,
                                signing.result(),
                                partnerApi.result(),
                                clock),
                        new DeploymentOptions().setInstances(Math.max(1, config.httpInstances())))
                    .compose(
                        http ->
                            management(vertx, config, routes)
                                .map(
                                    server ->
                                        new Node(
                                            vertx,
                                            storage,
                                            pool,
                                            hooks,
                                            hashes,
                                            delivery,
                                            useCases,
                                            signing.result(),
                                            config.httpPort(),
                                            http,
                                            worker,
                                            server))));
  }

  /**
   * The management server, {@code /metrics} and health on a port of their own, when the
   * configuration puts them there (production does by default); {@code null} when they are served
   * on the public port.
   */
  private static Future<HttpServer> management(
      Vertx vertx, PaybridgeConfig config, NodeRoutes routes) {
    if (config.metricsPort() < 0) {
      return Future.succeededFuture(null);
    }
    Router router = Router.router(vertx);
    routes.mountManagement(router);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(config.httpHost()))
        .requestHandler(router)
        .listen(config.metricsPort())
        .onSuccess(
            server ->
                LOG.info(
                    () ->
                        "metrics and health on "
                            + config.httpHost()
                            + ":"
                            + server.actualPort()
                            + ", not on the public port"));
  }

  /**
   * The job worker's settings. An attempt is bounded by twice the sync timeout (room for its
   * database work) and a second; the lease is twice that, so it always outlasts the attempt it
   * guards.
   */
  private static JobWorker.Settings workerSettings(PaybridgeConfig config) {
    Duration attempt = config.syncTimeout().multipliedBy(2).plusSeconds(1);
    return new JobWorker.Settings(
        32,
        attempt.multipliedBy(2),
        attempt,
        Duration.ofSeconds(2),
        new Backoff(config.retryBase(), Duration.ofHours(1)));
  }

  /** The job workers' handlers: every kind but deliveries, which the dispatcher makes. */
  private static Map<String, JobHandler> withoutDeliveries(Map<String, JobHandler> handlers) {
    Map<String, JobHandler> out = new java.util.HashMap<>(handlers);
    out.remove(SyncStore.DELIVER);
    return out;
  }

  /** Stops taking requests, lets those in flight finish, then closes everything. */
  public Future<Void> close() {
    // Completed from Vert.x's closing thread: a promise bound to one of its event loops could not
    // be delivered once they stop.
    Promise<Void> closed = Promise.promise();
    (management == null ? Future.<Void>succeededFuture() : management.close())
        .eventually(() -> vertx.undeploy(httpDeployment))
        .eventually(() -> vertx.undeploy(workerDeployment))
        .eventually(
            () -> {
              delivery.close();
              signingKeys.stop();
              return hooks.stop();
            })
        .eventually(hashes::close)
        .eventually(pool::close)
        .onComplete(
            ar ->
                vertx
                    .close()
                    .onComplete(
                        x -> {
                          storage.close();
                          closed.complete();
                        }));
    return closed.future();
  }

  public int port() {
    return port;
  }

  /**
   * The management server's port ({@code /metrics}, health), or -1 when they are on {@link
   * #port()}.
   */
  public int metricsPort() {
    return management == null ? -1 : management.actualPort();
  }

  /** What this node's HTTP layers call (for tests and tools that drive the node from inside). */
  public UseCases useCases() {
    return useCases;
  }

  /** The keys this node signs API and CSRF tokens with. */
  public SigningKeys signingKeys() {
    return signingKeys;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
