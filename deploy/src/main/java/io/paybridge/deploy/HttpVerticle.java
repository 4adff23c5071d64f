package io.paybridge.deploy;

import io.paybridge.api.ApiRoutes;
import io.paybridge.console.ConsoleRoutes;
import io.paybridge.core.Platform;
import io.paybridge.core.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP server instance on one event loop: webhooks, the partner API, health and metrics on a
 * single port. A node deploys one instance per core; Vert.x spreads connections across them.
 */
public final class HttpVerticle extends VerticleBase {

  private final Platform platform;
  private final int port;
  private HttpServer server;

  public HttpVerticle(Platform platform, int port) {
    this.platform = platform;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              ctx.response().putHeader("X-Content-Type-Options", "nosniff");
              ctx.next();
            });
    platform.mountCoreRoutes(router);
    // The API's routes come from its OpenAPI document, read asynchronously; they are mounted
    // before the console's and the catch-all handlers, as the order of routes matters.
    return ApiRoutes.mount(router, platform)
        .compose(
            mounted -> {
              ConsoleRoutes.mount(router, platform);
              router
                  .route()
                  .last()
                  .handler(
                      ctx ->
                          HttpErrors.respond(
                              ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
              router.route().failureHandler(HttpErrors::failureHandler);
              server =
                  vertx.createHttpServer(
                      new HttpServerOptions()
                          .setHost(platform.config().httpHost())
                          .setPort(port)
                          .setMaxHeaderSize(16 * 1024)
                          .setMaxInitialLineLength(8 * 1024)
                          .setIdleTimeout(120)
                          .setCompressionSupported(true));
              return server.requestHandler(router).listen();
            });
  }

  @Override
  public Future<?> stop() {
    // Finish requests in flight (their commits included) before the pool closes.
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
