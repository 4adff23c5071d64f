package io.paybridge.api;

import io.paybridge.core.Platform;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.tenant.TenantStore.EmailTakenException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The partner REST API: {@code /api/v1} and {@code /oauth/token}. Every {@code /api/v1} route but
 * signup and the OpenAPI document needs a bearer token, and every query is scoped to the token's
 * tenant: ids from the URL or body never select another tenant's data.
 */
public final class ApiRoutes {

  /** Largest JSON body the API accepts. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private final Platform platform;
  private final TokenService tokens;
  private final Buffer openApi;

  private ApiRoutes(Platform platform) {
    this.platform = platform;
    this.tokens = new TokenService(platform);
    this.openApi = loadOpenApi();
  }

  /** Mounts the API on the node's router. */
  public static void mount(Router root, Platform platform) {
    new ApiRoutes(platform).mountOn(root);
  }

  private void mountOn(Router root) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    root.post("/oauth/token")
        .handler(body)
        .handler(tokens::token)
        .failureHandler(HttpErrors::failureHandler);

    Router api = Router.router(platform.vertx());
    api.route().handler(body);
    api.get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi));
    api.post("/signup").handler(this::signup);

    api.route().handler(tokens.authHandler());
    GatewayAccountsApi gateways = new GatewayAccountsApi(platform);
    api.get("/gateways")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_READ))
        .handler(gateways::listGateways);
    api.get("/gateway-accounts")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_READ))
        .handler(gateways::list);
    api.get("/gateway-accounts/:gateway")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_READ))
        .handler(gateways::get);
    api.put("/gateway-accounts/:gateway")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(gateways::put);
    api.delete("/gateway-accounts/:gateway")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(gateways::delete);
    PaymentsApi payments = new PaymentsApi(platform);
    api.get("/payments")
        .handler(TokenService.requireScope(ApiScopes.PAYMENTS_READ))
        .handler(payments::list);
    api.get("/customers/:customerRef/balance")
        .handler(TokenService.requireScope(ApiScopes.PAYMENTS_READ))
        .handler(payments::balance);
    SubscriptionsApi subscriptions = new SubscriptionsApi(platform);
    api.get("/subscriptions")
        .handler(TokenService.requireScope(ApiScopes.PAYMENTS_READ))
        .handler(subscriptions::list);
    api.get("/subscriptions/:gateway/:externalSubscriptionId")
        .handler(TokenService.requireScope(ApiScopes.PAYMENTS_READ))
        .handler(subscriptions::get);
    api.put("/subscriptions/:gateway/:externalSubscriptionId")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(subscriptions::register);
    api.put("/gateway-accounts/:gateway/settings")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(gateways::settings);
    api.post("/subscriptions/:gateway/:externalSubscriptionId/refresh")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(subscriptions::refresh);
    SyncApi sync = new SyncApi(platform);
    api.post("/sync-targets")
        .handler(TokenService.requireScope(ApiScopes.SYNC_WRITE))
        .handler(sync::create);
    api.get("/sync-targets")
        .handler(TokenService.requireScope(ApiScopes.SYNC_READ))
        .handler(sync::list);
    api.delete("/sync-targets/:id")
        .handler(TokenService.requireScope(ApiScopes.SYNC_WRITE))
        .handler(sync::delete);
    api.post("/sync-targets/:id/enable")
        .handler(TokenService.requireScope(ApiScopes.SYNC_WRITE))
        .handler(sync::enable);
    api.get("/deliveries")
        .handler(TokenService.requireScope(ApiScopes.SYNC_READ))
        .handler(sync::deliveries);
    api.post("/deliveries/:id/replay")
        .handler(TokenService.requireScope(ApiScopes.SYNC_WRITE))
        .handler(sync::replay);
    ReceiptsApi receipts = new ReceiptsApi(platform);
    api.get("/receipts")
        .handler(TokenService.requireScope(ApiScopes.RECEIPTS_READ))
        .handler(receipts::list);
    api.get("/receipts/:id")
        .handler(TokenService.requireScope(ApiScopes.RECEIPTS_READ))
        .handler(receipts::get);
    api.post("/receipts/:id/reprocess")
        .handler(TokenService.requireScope(ApiScopes.GATEWAYS_WRITE))
        .handler(receipts::reprocess);
    api.route().failureHandler(HttpErrors::failureHandler);
    root.route("/api/v1/*").subRouter(api);
  }

  /**
   * {@code POST /api/v1/signup}: a new tenant and its first API client; the secret is shown once.
   */
  private void signup(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    platform
        .tenants()
        .signUp(text(in, "name"), text(in, "email"), text(in, "password"))
        .onSuccess(
            signedUp ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("tenantId", signedUp.tenantId().toString())
                            .put("clientId", signedUp.clientId())
                            .put("clientSecret", signedUp.clientSecret())
                            .encode()))
        .onFailure(
            err -> {
              if (err instanceof EmailTakenException) {
                HttpErrors.respond(
                    ctx,
                    409,
                    new JsonObject()
                        .put("error", "email_taken")
                        .put("message", err.getMessage())
                        .put("field", "email"));
              } else {
                ctx.fail(err);
              }
            });
  }

  /** A field the use case checks; anything but a string counts as missing. */
  private static String text(JsonObject in, String field) {
    Object v = in.getValue(field);
    return v instanceof String s ? s : null;
  }

  private static Buffer loadOpenApi() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream("/paybridge/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
