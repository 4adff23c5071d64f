package io.paybridge.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.Platform;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.db.Database;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.EmbeddedPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.EnumSet;
import java.util.logging.Logger;

/**
 * One running Paybridge node: Vert.x with metrics, the database (external, or embedded in dev
 * mode), the platform services and one HTTP verticle per event loop. Started phase by phase; closed
 * in reverse order.
 */
public final class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final Vertx vertx;
  private final Platform platform;
  private final EmbeddedPostgres embedded;
  private final int port;
  private final String deploymentId;
  private final String workerDeploymentId;

  private Node(
      Vertx vertx,
      Platform platform,
      EmbeddedPostgres embedded,
      int port,
      String deploymentId,
      String workerDeploymentId) {
    this.vertx = vertx;
    this.platform = platform;
    this.embedded = embedded;
    this.port = port;
    this.deploymentId = deploymentId;
    this.workerDeploymentId = workerDeploymentId;
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
   * no members), on the given database or the configured one.
   */
  public static Future<Node> start(
      PaybridgeConfig requested, ClusterSettings cluster, PgConnectOptions database) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Route templates, never paths: a webhook path holds the account's hook key. Event-bus
    // addresses are the platform's own constants.
    MicrometerMetricsOptions metricsOptions =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.EB_ADDRESS,
                    Label.EB_FAILURE));
    VertxOptions options = new VertxOptions().setMetricsOptions(metricsOptions);
    io.vertx.core.VertxBuilder builder =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (cluster.clustered()) {
      options.getEventBusOptions().setHost(cluster.host()).setClusterPublicHost(cluster.host());
      builder.withClusterManager(new HazelcastClusterManager(cluster.hazelcast()));
      return builder
          .buildClustered()
          .compose(vertx -> startOn(vertx, requested, database, registry));
    }
    return startOn(builder.build(), requested, database, registry);
  }

  private static Future<Node> startOn(
      Vertx vertx,
      PaybridgeConfig requested,
      PgConnectOptions database,
      PrometheusMeterRegistry registry) {
    int port = requested.httpPort() == 0 ? freePort() : requested.httpPort();
    PaybridgeConfig config = requested.withHttpPort(port);
    LOG.info(() -> "starting Paybridge node: " + config);

    EmbeddedPostgres[] embedded = new EmbeddedPostgres[1];
    String[] workers = new String[1];
    return vertx
        .executeBlocking(
            () -> {
              MasterKeys keys = MasterKeys.configuredOrDevKey(config.masterKey(), config.dataDir());
              PgConnectOptions db;
              if (database != null) {
                db = database;
              } else if (config.dbUrl() != null) {
                db = Database.fromUrl(config.dbUrl());
              } else {
                LOG.info(
                    () ->
                        "PAYBRIDGE_DB_URL is not set: starting an embedded PostgreSQL under "
                            + config.dataDir());
                embedded[0] =
                    EmbeddedPostgres.start(
                        EmbeddedPostgres.Options.persistent(config.dataDir().resolve("postgres"))
                            .setDatabase("paybridge"));
                db = embedded[0].connectOptions();
              }
              return new Object[] {keys, db};
            })
        .compose(
            started ->
                Platform.start(
                    vertx,
                    config,
                    (PgConnectOptions) started[1],
                    (MasterKeys) started[0],
                    PluginRegistry.discover(),
                    registry,
                    Clock.systemUTC()))
        .compose(
            platform ->
                vertx
                    .deployVerticle(platform.renewalScanner())
                    .compose(scanner -> vertx.deployVerticle(platform.newSyncFanOut()))
                    .compose(fanOut -> vertx.deployVerticle(platform.newJobWorker()))
                    .compose(
                        worker -> {
                          workers[0] = worker;
                          return vertx.deployVerticle(
                              () -> new HttpVerticle(platform, port),
                              new DeploymentOptions()
                                  .setInstances(Math.max(1, config.httpInstances())));
                        })
                    .map(id -> new Node(vertx, platform, embedded[0], port, id, workers[0])))
        .onSuccess(
            node ->
                LOG.info(
                    () ->
                        "Paybridge is listening on "
                            + config.publicUrl()
                            + " (gateways: "
                            + node.platform.plugins().all().stream().map(p -> p.id()).toList()
                            + ")"))
        .recover(
            err -> {
              LOG.log(java.util.logging.Level.SEVERE, "Paybridge node failed to start", err);
              // Do not chain on the closing instance: its event loops stop and could not deliver.
              vertx.close().onComplete(x -> stopEmbedded(embedded[0]));
              return Future.failedFuture(err);
            });
  }

  /** Stops taking requests, lets those in flight finish, then closes everything. */
  public Future<Void> close() {
    // Completed from Vert.x's closing thread: a promise bound to one of its event loops could not
    // be delivered once they stop.
    Promise<Void> closed = Promise.promise();
    vertx
        .undeploy(deploymentId)
        .eventually(() -> vertx.undeploy(workerDeploymentId))
        .eventually(platform::close)
        .onComplete(
            ar ->
                vertx
                    .close()
                    .onComplete(
                        x -> {
                          stopEmbedded(embedded);
                          closed.complete();
                        }));
    return closed.future();
  }

  private static Future<Void> stopEmbedded(EmbeddedPostgres pg) {
    if (pg != null) {
      pg.close();
    }
    return Future.succeededFuture();
  }

  public int port() {
    return port;
  }

  public Platform platform() {
    return platform;
  }

  public Vertx vertx() {
    return vertx;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
