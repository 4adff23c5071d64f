package io.paybridge.api;

import io.paybridge.core.Platform;
import io.paybridge.core.http.ApiError;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Subscriptions as recorded from webhooks, and their renewal: asking the gateway for the current
 * period end. Scoped to the token's tenant.
 */
final class SubscriptionsApi {

  private static final Set<String> STATUSES = Set.of("active", "cancelled");

  private final Platform platform;

  SubscriptionsApi(Platform platform) {
    this.platform = platform;
  }

  /** {@code GET /api/v1/subscriptions?limit=&cursor=&gateway=&status=&customerRef=}. */
  void list(RoutingContext ctx) {
    int limit = Requests.limit(ctx);
    String[] after = decodeCursor(ctx.queryParams().get("cursor"));
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiError.badField("status", "must be one of " + STATUSES);
    }
    platform
        .subscriptions()
        .list(
            TokenService.tenantOf(ctx),
            after,
            limit,
            Requests.boundedQuery(ctx, "gateway"),
            status,
            Requests.boundedQuery(ctx, "customerRef"))
        .onSuccess(
            page ->
                ctx.json(
                    new JsonObject()
                        .put("data", new JsonArray(page.entries()))
                        .put(
                            "nextCursor",
                            page.nextAfter() == null ? null : encodeCursor(page.nextAfter()))))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/subscriptions/{gateway}/{externalSubscriptionId}}. */
  void get(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(platform, ctx);
    String id = subscriptionId(ctx);
    platform
        .subscriptions()
        .find(TokenService.tenantOf(ctx), plugin.id(), id)
        .onSuccess(
            s -> {
              if (s == null) {
                ctx.fail(ApiError.notFound("no such subscription"));
              } else {
                ctx.json(s);
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code PUT /api/v1/subscriptions/{gateway}/{externalSubscriptionId}}: registers a subscription
   * the tenant created, so its charges are known (optional body {@code {"customerRef"}}).
   */
  void register(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(platform, ctx);
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
    platform
        .subscriptions()
        .register(TokenService.tenantOf(ctx), plugin.id(), id, customerRef)
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/subscriptions/{gateway}/{externalSubscriptionId}/refresh}: ask the gateway
   * for the subscription's state now and record it.
   */
  void refresh(RoutingContext ctx) {
    GatewayPlugin plugin = GatewayAccountsApi.plugin(platform, ctx);
    platform
        .subscriptions()
        .refresh(TokenService.tenantOf(ctx), plugin, subscriptionId(ctx))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static String subscriptionId(RoutingContext ctx) {
    String id = ctx.pathParam("externalSubscriptionId");
    if (id == null || id.isEmpty() || id.length() > 255) {
      throw ApiError.badField("externalSubscriptionId", "must be 1 to 255 characters");
    }
    return id;
  }

  private static String encodeCursor(String[] after) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("s:" + after[0] + "\n" + after[1]).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      if (s.startsWith("s:") && nl > 2) {
        return new String[] {s.substring(2, nl), s.substring(nl + 1)};
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw ApiError.badField("cursor", "is not a cursor this API returned");
  }
}
