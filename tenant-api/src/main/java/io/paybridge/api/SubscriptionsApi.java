package io.paybridge.api;

import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.subscription.Subscription;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.subscription.Subscriptions;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Subscriptions as recorded from webhooks, and their renewal: asking the gateway for the current
 * period end. Scoped to the token's tenant.
 */
final class SubscriptionsApi {

  private static final List<String> STATUSES = List.of("active", "cancelled");

  private final Subscriptions subscriptions;
  private final GatewayAccounts gateways;

  /**
   * @param gateways which gateways are installed
   */
  SubscriptionsApi(Subscriptions subscriptions, GatewayAccounts gateways) {
    this.subscriptions = subscriptions;
    this.gateways = gateways;
  }

  /**
   * {@code GET /api/v1/subscriptions?limit=&starting_after=&ending_before=&gateway=&status=
   * &customerRef=}, in the order of gateway and subscription id; a subscription's {@code id} is
   * {@code <gateway>:<externalSubscriptionId>}.
   */
  void list(RoutingContext ctx) {
    PageRequest<Subscription.Key> page = Lists.request(ctx, "subscription", SubscriptionsApi::key);
    subscriptions
        .list(
            TokenService.tenantOf(ctx),
            new SubscriptionStore.Filter(
                Lists.filter(ctx, "gateway"),
                Lists.oneOf(ctx, "status", STATUSES),
                Lists.filter(ctx, "customerRef")),
            page)
        .onSuccess(p -> ctx.json(Lists.page(p, SubscriptionsApi::json)))
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
        .put("id", id(s))
        .put("gateway", s.gateway())
        .put("externalSubscriptionId", s.externalSubscriptionId())
        .put("customerRef", s.customerRef())
        .put("status", s.status())
        .put("currentPeriodEnd", ApiJson.time(s.currentPeriodEnd()))
        .put("lastEventAt", ApiJson.time(s.lastEventAt()))
        .put("createdAt", ApiJson.time(s.createdAt()))
        .put("updatedAt", ApiJson.time(s.updatedAt()));
  }

  /** A subscription's id in lists: its gateway and its id there. */
  static String id(Subscription s) {
    return s.gateway() + ":" + s.externalSubscriptionId();
  }

  /** The key a list cursor names; {@link IllegalArgumentException} for anything else. */
  private static Subscription.Key key(String id) {
    int colon = id.indexOf(':');
    if (colon < 1 || colon == id.length() - 1) {
      throw new IllegalArgumentException("not a subscription id");
    }
    return new Subscription.Key(id.substring(0, colon), id.substring(colon + 1));
  }
}
