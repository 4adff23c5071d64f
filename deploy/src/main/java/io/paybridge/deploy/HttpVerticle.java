package io.paybridge.deploy;

import io.paybridge.api.ApiRoutes;
import io.paybridge.api.PartnerApi;
import io.paybridge.console.CobotPages;
import io.paybridge.console.ConsoleRoutes;
import io.paybridge.core.UseCases;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.http.NodeRoutes;
import io.paybridge.core.security.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance on one event loop: webhooks, health and metrics, the partner API, the
 * console and Cobot's callbacks and members' pages on a single port. A node deploys one instance
 * per core; Vert.x spreads connections across them.
 */
final class HttpVerticle extends VerticleBase {

  private final PaybridgeConfig config;
  private final NodeRoutes node;
  private final UseCases useCases;
  private final SigningKeys signingKeys;
  private final PartnerApi partnerApi;
  private final Clock clock;
  private HttpServer server;

  /**
   * @param config the node's settings, its HTTP port resolved
   * @param node the webhook, health and metrics routes
   * @param useCases what the API and the console call
   * @param signingKeys the keys of API access tokens and console CSRF tokens
   * @param partnerApi what the partner API keeps once per node
   */
  HttpVerticle(
      PaybridgeConfig config,
      NodeRoutes node,
      UseCases useCases,
      SigningKeys signingKeys,
      PartnerApi partnerApi,
      Clock clock) {
    this.config = config;
    this.node = node;
    this.useCases = useCases;
    this.signingKeys = signingKeys;
    this.partnerApi = partnerApi;
    this.clock = clock;
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
    node.mount(vertx, router);
    // The API's routes come from its OpenAPI document, read asynchronously; they are mounted
    // before the console's and the catch-all handlers, as the order of routes matters.
    return ApiRoutes.mount(vertx, router, useCases, partnerApi)
        .compose(
            mounted -> {
              ConsoleRoutes.mount(
                  vertx, router, useCases, config, signingKeys.consoleCsrf(), clock);
              CobotPages.mount(vertx, router, useCases.cobot());
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
                          .setHost(config.httpHost())
                          .setPort(config.httpPort())
                          .setMaxHeaderSize(16 * 1024)
                          .setMaxInitialLineLength(8 * 1024)
                          .setIdleTimeout(120)
                          .setCompressionSupported(true)
                          .setUseProxyProtocol(config.trustedProxies().proxyProtocol()));
              // Under the PROXY protocol only the trusted proxies may connect: a header from
              // anyone else would let them name any client (ADR 27).
              server.connectionHandler(
                  connection -> {
                    if (!ClientAddress.admits(connection, config.trustedProxies())) {
                      connection.close();
                    }
                  });
              return server.requestHandler(router).listen();
            });
  }

  @Override
  public Future<?> stop() {
    // Finish requests in flight (their commits included) before the pool closes.
    return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
  }
}
