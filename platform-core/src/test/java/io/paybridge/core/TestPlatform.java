package io.paybridge.core;

import static io.paybridge.core.Await.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A node for the front rooms' tests (the partner API, the console): a platform on a throwaway
 * database of its own with the plugins on the class path, its sync workers, and one HTTP server on
 * 127.0.0.1 serving what a node serves — the webhook route, health and metrics, the front room the
 * caller mounts, a 404 for anything else and the node's failure handler.
 *
 * <p>Test settings: fast password hashing, private sync targets allowed, a two-second sync timeout
 * and failed deliveries left failed for ten minutes; the caller's settings go on top.
 */
public final class TestPlatform implements AutoCloseable {

  /** What a front room mounts on the node's router, as it does in a real node. */
  @FunctionalInterface
  public interface FrontRoom {
    Future<Void> mount(Router router, Platform platform);
  }

  private final Vertx vertx;
  private final Platform platform;
  private final int port;

  private TestPlatform(Vertx vertx, Platform platform, int port) {
    this.vertx = vertx;
    this.platform = platform;
    this.port = port;
  }

  /**
   * Starts a node on a new database named after {@code name}, with {@code settings} (environment
   * variables) over the test settings, serving {@code frontRoom}.
   */
  public static TestPlatform start(String name, Map<String, String> settings, FrontRoom frontRoom) {
    Map<String, String> env = new HashMap<>();
    env.put("PAYBRIDGE_HTTP_HOST", "127.0.0.1");
    env.put("PAYBRIDGE_HTTP_PORT", "0");
    env.put("PAYBRIDGE_DATA_DIR", tempDir(name));
    env.put("PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000");
    env.put("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true");
    env.put("PAYBRIDGE_SYNC_TIMEOUT_MS", "2000");
    env.put("PAYBRIDGE_RETRY_BASE_MS", "600000");
    env.putAll(settings);
    Vertx vertx = Vertx.vertx();
    Platform platform =
        await(
            Platform.start(
                vertx,
                PaybridgeConfig.from(env),
                PgFixture.newDatabase(name),
                MasterKeys.parse(MasterKeys.generateSpec("test")),
                PluginRegistry.discover(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC()));
    HttpVerticle http = new HttpVerticle(platform, frontRoom);
    await(
        vertx
            .deployVerticle(platform.newSyncFanOut())
            .compose(fanOut -> vertx.deployVerticle(platform.newJobWorker()))
            .compose(worker -> vertx.deployVerticle(http)));
    return new TestPlatform(vertx, platform, http.port());
  }

  public Vertx vertx() {
    return vertx;
  }

  public Platform platform() {
    return platform;
  }

  /** The port the HTTP server listens on, at 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Stops the workers and the HTTP server, then the platform, then Vert.x. */
  @Override
  public void close() {
    await(
        Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList())
            .eventually(platform::close));
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

    private final Platform platform;
    private final FrontRoom frontRoom;
    private HttpServer server;

    HttpVerticle(Platform platform, FrontRoom frontRoom) {
      this.platform = platform;
      this.frontRoom = frontRoom;
    }

    int port() {
      return server.actualPort();
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      platform.mountCoreRoutes(router);
      return frontRoom
          .mount(router, platform)
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
