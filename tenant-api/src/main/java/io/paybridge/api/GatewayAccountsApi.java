package io.paybridge.api;

import io.paybridge.core.Platform;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.http.ApiError;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Gateway accounts: a tenant's credentials at each gateway and the webhook URL to paste into the
 * gateway's dashboard. Secret fields are write-only: responses say which are set, never their
 * values. Saving without a secret field that is already set keeps the stored value, so a form can
 * edit the other fields without asking for secrets again.
 */
final class GatewayAccountsApi {

  private final Platform platform;

  GatewayAccountsApi(Platform platform) {
    this.platform = platform;
  }

  /** {@code GET /api/v1/gateways}: installed plugins and their credential schemas. */
  void listGateways(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (GatewayPlugin p : platform.plugins().all()) {
      out.add(
          new JsonObject()
              .put("id", p.id())
              .put("displayName", p.displayName())
              .put("credentialFields", p.credentialSchema().toJson())
              .put("subscribedEvents", new JsonArray(p.subscribedEvents())));
    }
    ctx.json(new JsonObject().put("data", out));
  }

  /** {@code GET /api/v1/gateway-accounts}. */
  void list(RoutingContext ctx) {
    platform
        .accounts()
        .list(TokenService.tenantOf(ctx))
        .onSuccess(
            accounts -> {
              JsonArray out = new JsonArray();
              accounts.forEach(a -> out.add(view(a)));
              ctx.json(new JsonObject().put("data", out));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/gateway-accounts/{gateway}}. */
  void get(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    platform
        .accounts()
        .find(TokenService.tenantOf(ctx), plugin.id())
        .onSuccess(
            a -> {
              if (a == null) {
                ctx.fail(ApiError.notFound("no " + plugin.id() + " account is connected"));
              } else {
                ctx.json(view(a));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code PUT /api/v1/gateway-accounts/{gateway}}: connect the gateway or change its credentials.
   */
  void put(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    JsonObject submitted = Requests.jsonObject(ctx);
    UUID tenantId = TokenService.tenantOf(ctx);
    platform
        .accounts()
        .find(tenantId, plugin.id())
        .compose(
            existing -> {
              JsonObject merged = submitted.copy();
              if (existing != null) {
                for (CredentialField f : plugin.credentialSchema().fields()) {
                  if (f.secret()
                      && !merged.containsKey(f.name())
                      && existing.credentials().get(f.name()) != null) {
                    merged.put(f.name(), existing.credentials().get(f.name()));
                  }
                }
              }
              Credentials credentials;
              try {
                credentials = plugin.validateCredentials(merged);
              } catch (InvalidCredentialsException e) {
                return Future.failedFuture(
                    e.field() == null
                        ? new ApiError(400, "invalid_credentials", e.getMessage())
                        : ApiError.forField(
                            e.field(),
                            e.getMessage().contains(e.field())
                                ? e.getMessage()
                                : "'" + e.field() + "': " + e.getMessage()));
              }
              return platform.accounts().upsert(tenantId, plugin, credentials);
            })
        .onSuccess(
            account -> {
              platform.hookCache().invalidate(account.hookKey());
              ctx.json(view(account));
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code PUT /api/v1/gateway-accounts/{gateway}/settings}: {@code unknownSubscriptions} is {@code
   * record} (default) or {@code cancel-and-refund}.
   */
  void settings(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    JsonObject in = Requests.jsonObject(ctx);
    for (String field : in.fieldNames()) {
      if (!field.equals("unknownSubscriptions")) {
        throw ApiError.badField(field, "is not a gateway account setting");
      }
    }
    String policy = Requests.string(in, "unknownSubscriptions", 1, 40);
    if (!policy.equals(GatewayAccount.RECORD) && !policy.equals(GatewayAccount.CANCEL_AND_REFUND)) {
      throw ApiError.badField(
          "unknownSubscriptions",
          "must be " + GatewayAccount.RECORD + " or " + GatewayAccount.CANCEL_AND_REFUND);
    }
    if (policy.equals(GatewayAccount.CANCEL_AND_REFUND)
        && !(plugin instanceof io.paybridge.spi.CancelAndRefund)) {
      throw ApiError.badField(
          "unknownSubscriptions", plugin.displayName() + " cannot cancel and refund subscriptions");
    }
    platform
        .accounts()
        .setUnknownSubscriptions(TokenService.tenantOf(ctx), plugin.id(), policy)
        .onSuccess(
            a -> {
              if (a == null) {
                ctx.fail(ApiError.notFound("no " + plugin.id() + " account is connected"));
              } else {
                platform.hookCache().invalidate(a.hookKey());
                ctx.json(view(a));
              }
            })
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/gateway-accounts/{gateway}}: its webhook URL stops working at once. */
  void delete(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    platform
        .accounts()
        .delete(TokenService.tenantOf(ctx), plugin.id())
        .onSuccess(
            hookKey -> {
              if (hookKey == null) {
                ctx.fail(ApiError.notFound("no " + plugin.id() + " account is connected"));
              } else {
                platform.hookCache().invalidate(hookKey);
                ctx.response().setStatusCode(204).end();
              }
            })
        .onFailure(ctx::fail);
  }

  private GatewayPlugin plugin(RoutingContext ctx) {
    return plugin(platform, ctx);
  }

  /** The installed plugin named by the {@code gateway} path parameter, or a 404. */
  static GatewayPlugin plugin(Platform platform, RoutingContext ctx) {
    String id = ctx.pathParam("gateway");
    GatewayPlugin plugin = id == null ? null : platform.plugins().get(id);
    if (plugin == null) {
      throw new ApiError(404, "unknown_gateway", "no gateway plugin '" + id + "' is installed");
    }
    return plugin;
  }

  private JsonObject view(GatewayAccount a) {
    JsonObject fields = new JsonObject();
    JsonArray secretsSet = new JsonArray();
    for (CredentialField f : a.plugin().credentialSchema().fields()) {
      String value = a.credentials().get(f.name());
      if (value == null) {
        continue;
      }
      if (f.secret()) {
        secretsSet.add(f.name());
      } else {
        fields.put(f.name(), value);
      }
    }
    return new JsonObject()
        .put("gateway", a.gateway())
        .put("webhookUrl", platform.webhookUrl(a))
        .put("subscribedEvents", new JsonArray(a.plugin().subscribedEvents()))
        .put("credentials", fields)
        .put("secretsSet", secretsSet)
        .put("unknownSubscriptions", a.unknownSubscriptions())
        .put("createdAt", a.createdAt().toInstant().toString())
        .put("updatedAt", a.updatedAt().toInstant().toString());
  }
}
