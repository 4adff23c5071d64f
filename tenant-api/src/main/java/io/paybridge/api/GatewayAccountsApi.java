package io.paybridge.api;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.refund.Refunds;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Gateway accounts: a tenant's credentials at each gateway and the webhook URL to paste into the
 * gateway's dashboard. Secret fields are write-only: responses say which are set, never their
 * values. Saving without a secret field that is already set keeps the stored value, so a form can
 * edit the other fields without asking for secrets again.
 */
final class GatewayAccountsApi {

  private final GatewayAccounts accounts;
  private final Receipts receipts;

  /**
   * @param receipts how many deliveries each account holds
   */
  GatewayAccountsApi(GatewayAccounts accounts, Receipts receipts) {
    this.accounts = accounts;
    this.receipts = receipts;
  }

  /**
   * {@code GET /api/v1/gateways}: installed plugins by id, their credential schemas, their events
   * and whether Paybridge refunds their payments through their API.
   */
  void listGateways(RoutingContext ctx) {
    PageRequest<String> page = Lists.request(ctx, "gateway", Lists::text);
    List<GatewayPlugin> all =
        accounts.gateways().stream().sorted(Comparator.comparing(GatewayPlugin::id)).toList();
    ctx.json(
        Lists.page(
            all,
            GatewayPlugin::id,
            page,
            p ->
                new JsonObject()
                    .put("id", p.id())
                    .put("displayName", p.displayName())
                    .put("credentialFields", p.credentialSchema().toJson())
                    .put("subscribedEvents", new JsonArray(p.subscribedEvents()))
                    .put("events", events(p))
                    .put("refundsByApi", Refunds.refundsByApi(p))));
  }

  /** {@code GET /api/v1/gateway-accounts}: by gateway id, the usual list paging. */
  void list(RoutingContext ctx) {
    PageRequest<String> page = Lists.request(ctx, "gateway account", Lists::text);
    UUID tenantId = TokenService.tenantOf(ctx);
    accounts
        .list(tenantId)
        .compose(
            listed ->
                receipts
                    .heldCounts(tenantId)
                    .compose(
                        held ->
                            Future.all(
                                    listed.stream()
                                        .map(a -> withSetup(a, held.getOrDefault(a.gateway(), 0L)))
                                        .toList())
                                .map(
                                    views -> {
                                      List<JsonObject> all = views.list();
                                      return Lists.page(
                                          listed,
                                          GatewayAccount::gateway,
                                          page,
                                          a -> all.get(listed.indexOf(a)));
                                    })))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/gateway-accounts/{gateway}}. */
  void get(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    UUID tenantId = TokenService.tenantOf(ctx);
    accounts
        .find(tenantId, plugin.id())
        .compose(ApiJson.found(notConnected(plugin)))
        .compose(a -> withHeld(tenantId, a))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The account's view with the number of receipts it holds and its setup status. */
  private Future<JsonObject> withHeld(UUID tenantId, GatewayAccount account) {
    return receipts
        .heldCounts(tenantId)
        .compose(held -> withSetup(account, held.getOrDefault(account.gateway(), 0L)));
  }

  private Future<JsonObject> withSetup(GatewayAccount account, long held) {
    return accounts
        .setup(account)
        .map(setup -> view(account, held).put("setup", SetupJson.of(setup)));
  }

  /**
   * {@code PUT /api/v1/gateway-accounts/{gateway}}: connect the gateway or change its credentials.
   * Deliveries held for want of a working key are processed again once it is saved.
   */
  void put(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    JsonObject submitted = Requests.jsonObject(ctx);
    UUID tenantId = TokenService.tenantOf(ctx);
    accounts
        .connect(tenantId, plugin, submitted)
        .compose(account -> withHeld(tenantId, account))
        .onSuccess(view -> Answers.ok(ctx, view))
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
    accounts
        .setUnknownSubscriptions(TokenService.tenantOf(ctx), plugin, policy)
        .compose(ApiJson.found(notConnected(plugin)))
        .compose(a -> withHeld(TokenService.tenantOf(ctx), a))
        .onSuccess(view -> Answers.ok(ctx, view))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/gateway-accounts/{gateway}}: its webhook URL stops working at once. */
  void delete(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    accounts
        .disconnect(TokenService.tenantOf(ctx), plugin)
        .onSuccess(
            removed -> {
              if (!removed) {
                ctx.fail(ApiError.notFound(notConnected(plugin)));
              } else {
                ctx.response().setStatusCode(204).end();
              }
            })
        .onFailure(ctx::fail);
  }

  /** The plugin's events table: each type, what Paybridge does with it, and why. */
  static JsonArray events(GatewayPlugin plugin) {
    JsonArray out = new JsonArray();
    for (io.paybridge.spi.EventRule rule : plugin.eventTable()) {
      out.add(
          new JsonObject()
              .put("eventType", rule.eventType())
              .put("action", rule.action().name().toLowerCase(java.util.Locale.ROOT))
              .put("what", rule.what()));
    }
    return out;
  }

  private static String notConnected(GatewayPlugin plugin) {
    return "no " + plugin.id() + " account is connected";
  }

  private GatewayPlugin plugin(RoutingContext ctx) {
    return plugin(accounts, ctx);
  }

  /** The installed plugin named by the {@code gateway} path parameter, or a 404. */
  static GatewayPlugin plugin(GatewayAccounts accounts, RoutingContext ctx) {
    String id = ctx.pathParam("gateway");
    GatewayPlugin plugin = id == null ? null : accounts.gateway(id);
    if (plugin == null) {
      throw new ApiError(404, "unknown_gateway", "no gateway plugin '" + id + "' is installed");
    }
    return plugin;
  }

  private JsonObject view(GatewayAccount a, long held) {
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
        .put("webhookUrl", accounts.webhookUrl(a))
        .put("subscribedEvents", new JsonArray(a.plugin().subscribedEvents()))
        .put("credentials", fields)
        .put("secretsSet", secretsSet)
        .put("unknownSubscriptions", a.unknownSubscriptions())
        .put("heldReceipts", held)
        .put(
            "warning",
            held == 0
                ? null
                : held
                    + (held == 1 ? " delivery is" : " deliveries are")
                    + " held until this account's credentials are complete: see"
                    + " /api/v1/receipts?verdict=held&gateway="
                    + a.gateway())
        .put("createdAt", a.createdAt().toInstant().toString())
        .put("updatedAt", a.updatedAt().toInstant().toString());
  }
}
