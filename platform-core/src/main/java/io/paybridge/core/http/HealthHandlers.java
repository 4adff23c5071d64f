package io.paybridge.core.http;

import io.paybridge.core.db.Database;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Duration;

/**
 * {@code /health} (the node is alive and its database answers), {@code /health/live} (the process
 * serves HTTP) and {@code /health/ready} (same as {@code /health}: send traffic here).
 */
public final class HealthHandlers {

  private HealthHandlers() {}

  public static void mount(Router router, Pool pool) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health").handler(ctx -> readiness(ctx, pool));
    router.get("/health/ready").handler(ctx -> readiness(ctx, pool));
  }

  private static void readiness(io.vertx.ext.web.RoutingContext ctx, Pool pool) {
    Database.ping(pool, Duration.ofSeconds(2))
        .onComplete(
            ar -> {
              JsonObject checks = new JsonObject().put("database", ar.succeeded() ? "UP" : "DOWN");
              JsonObject body =
                  new JsonObject()
                      .put("status", ar.succeeded() ? "UP" : "DOWN")
                      .put("checks", checks);
              ctx.response()
                  .setStatusCode(ar.succeeded() ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(body.encode());
            });
  }
}
