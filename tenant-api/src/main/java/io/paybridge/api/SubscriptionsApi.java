package io.paybridge.api;

import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.subscription.Subscription;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.subscription.Subscriptions;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Subscriptions as recorded from webhooks, and their renewal: asking the gateway for the current
 * period end. Scoped to the token's tenant.
 */
final class SubscriptionsApi {

  private static final Set<String> STATUSES = Set.of("active", "cancelled");

  /** The listing letter of subscription cursors. */
  private static final char CURSOR = 's';

  private final Subscriptions subscriptions;
  private final GatewayAccounts gateways;

  /**
   * @param gateways which gateways are installed
   */
  SubscriptionsApi(Subscriptions subscriptions, GatewayAccounts gateways) {
    this.subscriptions = subscriptions;
    this.gateways = gateways;
  }

  /** {@code GET /api/v1/subscriptions?limit=&cursor=&gateway=&status=&customerRef=}. */
  void list(RoutingContext ctx) {
    int limit = Requests.limit(ctx);
    Subscription.Key after = decodeCursor(ctx.queryParams().get("cursor"));
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiError.badField("status", "must be one of " + STATUSES);
    }
    subscriptions
        .list(
            TokenService.tenantOf(ctx),
            new SubscriptionStore.Filter(
                Requests.boundedQuery(ctx, "gateway"),
                status,
                Requests.boundedQuery(ctx, "customerRef")),
            after,
            limit)
        .onSuccess(
            page -> ctx.json(ApiJson.page(page, SubscriptionsApi::json, SubscriptionsApi::cursor)))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/subscriptions/{gateway}/{externalSubscriptionId}}. */
  void get(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(gateways, ctx);
    String id = subscriptionId(ctx);
    subscriptions
        .find(TokenService.tenantOf(ctx), plugin.id(), id)
        .compose(ApiJson.found("no such subscription"))
        .onSuccess(s -> ctx.json(json(s)))
        .onFailure(ctx::fail);
  }

  /**
   * {@code PUT /api/v1/subscriptions/{gateway}/{externalSubscriptionId}}: registers a subscription
   * the tenant created, so its charges are known (optional body {@code {"customerRef"}}).
   */
  void register(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(gateways, ctx);
    String id = subscriptionId(ctx);
    String customerRef = null;
    JsonObject in = Requests.optionalJsonObject(ctx);
    if (in != null) {
      for (String field : in.fieldNames()) {
        if (!field.equals("customerRef")) {
          throw ApiError.badField(field, "is not a subscription field");
        }
      }
      if (in.containsKey("customerRef")) {
        customerRef = Requests.string(in, "customerRef", 1, 255);
      }
    }
    subscriptions
        .register(TokenService.tenantOf(ctx), plugin.id(), id, customerRef)
        .onSuccess(s -> Answers.ok(ctx, json(s)))
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/subscriptions/{gateway}/{externalSubscriptionId}/refresh}: ask the gateway
   * for the subscription's state now and record it.
   */
  void refresh(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(gateways, ctx);
    subscriptions
        .refresh(TokenService.tenantOf(ctx), plugin, subscriptionId(ctx))
        .onSuccess(s -> Answers.ok(ctx, json(s)))
        .onFailure(ctx::fail);
  }

  private static String subscriptionId(RoutingContext ctx) {
    String id = ctx.pathParam("externalSubscriptionId");
    if (id == null || id.isEmpty()) {
      throw ApiError.badField("externalSubscriptionId", "is required");
    }
    if (id.length() > 255) {
      throw ApiError.badField("externalSubscriptionId", "must be at most 255 characters");
    }
    return id;
  }

  /** The API's subscription object. */
  private static JsonObject json(Subscription s) {
    return new JsonObject()
        .put("gateway", s.gateway())
        .put("externalSubscriptionId", s.externalSubscriptionId())
        .put("customerRef", s.customerRef())
        .put("status", s.status())
        .put("currentPeriodEnd", ApiJson.time(s.currentPeriodEnd()))
        .put("lastEventAt", ApiJson.time(s.lastEventAt()))
        .put("createdAt", ApiJson.time(s.createdAt()))
        .put("updatedAt", ApiJson.time(s.updatedAt()));
  }

  private static String cursor(Subscription.Key after) {
    return Cursors.encode(CURSOR, after.gateway() + "\n" + after.externalSubscriptionId());
  }

  private static Subscription.Key decodeCursor(String cursor) {
    String key = Cursors.decode(CURSOR, cursor);
    if (key == null) {
      return null;
    }
    int nl = key.indexOf('\n');
    if (nl < 1) {
      throw Cursors.notACursor();
    }
    return new Subscription.Key(key.substring(0, nl), key.substring(nl + 1));
  }
}
