package io.paybridge.bench;

import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.UUID;

/**
 * The sync part of the public API, as a tenant's own software calls it with its bearer token:
 * create a webhook target, enable it again after it was disabled, and list deliveries by status.
 * Each call names the node it goes to, so a run can spread them over the cluster as a load balancer
 * would.
 */
final class SyncTargets {

  /** A webhook target as created: its id, and its signing secret (shown once). */
  record Target(UUID id, String secret) {}

  private static final long TIMEOUT_MS = 30_000;

  private final WebClient client;

  SyncTargets(Vertx vertx) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1"),
            new PoolOptions().setHttp1MaxSize(8));
  }

  /** {@code POST /api/v1/sync-targets} {@code {"type":"webhook","url":…}} → 201. */
  Future<Target> createWebhook(int port, Tenant tenant, String url) {
    return client
        .post(port, "127.0.0.1", "/api/v1/sync-targets")
        .timeout(TIMEOUT_MS)
        .bearerTokenAuthentication(tenant.accessToken())
        .sendJsonObject(new JsonObject().put("type", "webhook").put("url", url))
        .compose(r -> expect(r, 201, "create sync target"))
        .map(
            r -> {
              JsonObject t = r.bodyAsJsonObject();
              String secret = t.getString("secret");
              if (!"webhook".equals(t.getString("type"))
                  || !url.equals(t.getString("url"))
                  || secret == null
                  || !secret.startsWith("whsec_")) {
                throw new IllegalStateException("unexpected sync target: " + t.encode());
              }
              return new Target(UUID.fromString(t.getString("id")), secret);
            });
  }

  /** {@code POST /api/v1/sync-targets/{id}/enable} → 204. */
  Future<Void> enable(int port, Tenant tenant, UUID targetId) {
    return client
        .post(port, "127.0.0.1", "/api/v1/sync-targets/" + targetId + "/enable")
        .timeout(TIMEOUT_MS)
        .bearerTokenAuthentication(tenant.accessToken())
        .send()
        .compose(r -> expect(r, 204, "enable sync target"))
        .mapEmpty();
  }

  /**
   * Whether {@code GET /api/v1/deliveries?status=…&limit=1} lists any delivery of the tenant in
   * that state.
   */
  Future<Boolean> anyDelivery(int port, Tenant tenant, String status) {
    return client
        .get(port, "127.0.0.1", "/api/v1/deliveries")
        .addQueryParam("status", status)
        .addQueryParam("limit", "1")
        .timeout(TIMEOUT_MS)
        .bearerTokenAuthentication(tenant.accessToken())
        .send()
        .compose(r -> expect(r, 200, "list deliveries"))
        .map(r -> !r.bodyAsJsonObject().getJsonArray("data").isEmpty());
  }

  void close() {
    client.close();
  }

  private static Future<HttpResponse<Buffer>> expect(
      HttpResponse<Buffer> r, int status, String step) {
    return TenantSetup.expectStatus(r, status, step);
  }
}
