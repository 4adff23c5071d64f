package io.paybridge.core;

import static io.paybridge.core.Await.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.checkout.CheckoutAttemptStore;
import io.paybridge.core.cobot.CobotStore;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.http.NodeRoutes;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.job.Backoff;
import io.paybridge.core.job.JobWorker;
import io.paybridge.core.metrics.PlatformMetrics;
import io.paybridge.core.refund.RefundStore;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.SigningKeys;
import io.paybridge.core.sync.SyncDelivery;
import io.paybridge.core.sync.SyncFanOut;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A node for the front rooms' tests (the partner API, the console): the use cases on a throwaway
 * database of their own with the plugins on the class path, the sync fan-out and a job worker, and
 * one HTTP server on 127.0.0.1 serving what a node serves — the webhook route, health and metrics,
 * the front room the caller mounts, a 404 for anything else and the node's failure handler.
 *
 * <p>Test settings: fast password hashing, private sync targets allowed, a two-second sync timeout,
 * failed deliveries left failed for ten minutes, and throttles per address generous enough for a
 * test class that signs up many tenants from 127.0.0.1 (the limits per email stay as in
 * production); the caller's settings go on top.
 */
public final class TestPlatform implements AutoCloseable {

  /** What a front room mounts on the node's router, as it does in a real node. */
  @FunctionalInterface
  public interface FrontRoom {
    Future<Void> mount(
        Vertx vertx,
        Router router,
        UseCases useCases,
        PaybridgeConfig config,
        SigningKeys signingKeys);
  }

  /** The master key of every test node, so that nodes on one database open each other's secrets. */
  public static final String TEST_MASTER_KEY = MasterKeys.generateSpec("test");

  private final Vertx vertx;
  private final TestUseCases base;
  private final SyncDelivery delivery;
  private final PgConnectOptions database;
  private final int port;

  private TestPlatform(
      Vertx vertx, TestUseCases base, SyncDelivery delivery, PgConnectOptions database, int port) {
    this.vertx = vertx;
    this.base = base;
    this.delivery = delivery;
    this.database = database;
    this.port = port;
  }

  /**
   * Starts a node on a new database named after {@code name}, with {@code settings} (environment
   * variables) over the test settings, serving {@code frontRoom}.
   */
  public static TestPlatform start(String name, Map<String, String> settings, FrontRoom frontRoom) {
    return start(name, PgFixture.newDatabase(name), Clock.systemUTC(), settings, frontRoom);
  }

  /**
   * Starts a node as {@link #start(String, Map, FrontRoom)} does, on a database of the caller's
   * (two nodes on one database are a cluster as far as the database makes one), with its token keys
   * rotating by {@code keyClock}.
   */
  public static TestPlatform start(
      String name,
      PgConnectOptions database,
      Clock keyClock,
      Map<String, String> settings,
      FrontRoom frontRoom) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
    env.put("PAYBRIDGE_HTTP_PORT", "0");
    env.put("PAYBRIDGE_DATA_DIR", tempDir(name));
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
    env.put("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
    env.put("PAYBRIDGE_SYNC_TIMEOUT_MS", "2000");
    env.put("PAYBRIDGE_RETRY_BASE_MS", "600000");
    env.put("PAYBRIDGE_THROTTLE_LOGIN_ADDRESS", "10000/900");
    env.put("PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "10000/3600");
    env.put("PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "10000/60");
    env.putAll(settings);
    Vertx vertx = Vertx.vertx();
    PaybridgeConfig config = PaybridgeConfig.from(env);
    Clock clock = Clock.systemUTC();
    TestUseCases base =
        await(
            TestUseCases.start(
                vertx,
                config,
                database,
                MasterKeys.parse(TEST_MASTER_KEY),
                PluginRegistry.discover(),
                keyClock));
    Stores stores = base.stores();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PlatformMetrics metrics = new PlatformMetrics(registry);
    SyncDelivery delivery =
        new SyncDelivery(vertx, stores.sync(), stores.ledger(), config, metrics, clock);
    NodeRoutes routes =
        new NodeRoutes(
            base.pool(), base.hooks(), stores.receipts(), config, metrics, registry, clock);
    HttpVerticle http = new HttpVerticle(routes, base, config, frontRoom);
    Duration attempt = config.syncTimeout().multipliedBy(2).plusSeconds(1);
    JobWorker worker =
        new JobWorker(
            stores.jobs(),
            Map.of(
                SyncStore.DELIVER,
                delivery,
                Receipts.REPROCESS_HELD,
                base.useCases().receipts().reprocessHeld(),
                ChargeStore.JOB_KIND,
                base.useCases().charges().attempts(),
                CobotStore.JOB_KIND,
                base.useCases().cobot().job(),
                RefundStore.JOB_KIND,
                base.useCases().refunds().attempts(),
                CheckoutAttemptStore.CAPTURE,
                base.useCases().checkouts().captures(),
                CheckoutAttemptStore.CANCEL,
                base.useCases().checkouts().captures()),
            new JobWorker.Settings(
                8,
                attempt.multipliedBy(2),
                attempt,
                Duration.ofSeconds(1),
                new Backoff(config.retryBase(), Duration.ofHours(1))),
            "test-" + name);
    await(
        vertx
            .deployVerticle(new SyncFanOut(stores.sync(), 500, Duration.ofSeconds(1)))
            .compose(fanOut -> vertx.deployVerticle(worker))
            .compose(deployed -> vertx.deployVerticle(http)));
    return new TestPlatform(vertx, base, delivery, database, http.port());
  }

  public Vertx vertx() {
    return vertx;
  }

  /** What the node's front rooms call. */
  public UseCases useCases() {
    return base.useCases();
  }

  /** The database the node keeps its state in, for a second node beside it. */
  public PgConnectOptions database() {
    return database;
  }

  /** The node's pool of slow hashes, which counts the hashes it ran. */
  public HashPool hashes() {
    return base.hashes();
  }

  /** The keys the node signs API and CSRF tokens with. */
  public SigningKeys signingKeys() {
    return base.signingKeys();
  }

  /** The port the HTTP server listens on, at 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Stops the workers and the HTTP server, then the use cases' resources, then Vert.x. */
  @Override
  public void close() {
    await(
        Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
            .eventually(
                () -> {
                  delivery.close();
                  return base.close();
                }));
    await(vertx.close());
  }

  private static String tempDir(String name) {
    try {
      return Files.createTempDirectory("paybridge-" + name).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's HTTP side on one event loop, as the node's own HTTP verticle builds it. */
  private static final class HttpVerticle extends VerticleBase {

    private final NodeRoutes routes;
    private final TestUseCases base;
    private final PaybridgeConfig config;
    private final FrontRoom frontRoom;
    private HttpServer server;

    HttpVerticle(
        NodeRoutes routes, TestUseCases base, PaybridgeConfig config, FrontRoom frontRoom) {
      this.routes = routes;
      this.base = base;
      this.config = config;
      this.frontRoom = frontRoom;
    }

    int port() {
      return server.actualPort();
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      routes.mount(vertx, router);
      return frontRoom
          .mount(vertx, router, base.useCases(), config, base.signingKeys())
          .compose(
              mounted -> {
                router
                    .route()
                    .last()
                    .handler(ctx -> HttpErrors.respond(ctx, 404, "not_found", "no such resource"));
                router.route().failureHandler(HttpErrors::failureHandler);
                return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
              })
          .onSuccess(listening -> server = listening);
    }
  }
}
