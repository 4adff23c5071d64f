package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.sync.DeliveryView;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.usecase.PageRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Sync targets (where a tenant's recorded payments are delivered) and their deliveries. A webhook
 * target's signing secret is shown once, when it is created; a customer-transaction target's
 * headers are stored sealed and only their names are shown.
 */
final class SyncApi {

  private static final List<String> STATUSES = List.of("pending", "delivered", "failed", "dead");

  private final SyncTargets targets;

  SyncApi(SyncTargets targets) {
    this.targets = targets;
  }

  /** {@code POST /api/v1/sync-targets}. */
  void create(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    for (String field : in.fieldNames()) {
      if (!Set.of("type", "url", "headers").contains(field)) {
        throw ApiError.badField(field, "is not a sync target field");
      }
    }
    Object type = in.getValue("type");
    Object url = in.getValue("url");
    targets
        .add(
            TokenService.tenantOf(ctx),
            type instanceof String s ? s : null,
            url instanceof String s ? s : null,
            in.getValue("headers"))
        .onSuccess(
            added -> {
              JsonObject out = view(added.target());
              if (added.secret() != null) {
                out.put("secret", added.secret());
              }
              ctx.response().putHeader("Cache-Control", "no-store");
              Answers.json(ctx, 201, out, null);
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/sync-targets}: in the order they were added, the usual list paging. */
  void list(RoutingContext ctx) {
    PageRequest<String> page = Lists.request(ctx, "sync target", Lists::text);
    targets
        .list(TokenService.tenantOf(ctx))
        .onSuccess(all -> ctx.json(Lists.page(all, t -> t.id().toString(), page, SyncApi::view)))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/sync-targets/{id}}. */
  void delete(RoutingContext ctx) {
    targets
        .remove(TokenService.tenantOf(ctx), targetId(ctx))
        .onSuccess(found -> noContentOr404(ctx, found))
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/sync-targets/{id}/enable}: deliveries that waited go out now. */
  void enable(RoutingContext ctx) {
    targets
        .enable(TokenService.tenantOf(ctx), targetId(ctx))
        .onSuccess(
            found -> {
              if (found) {
                Answers.noContent(ctx);
              } else {
                ctx.fail(ApiError.notFound("no such sync target"));
              }
            })
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/sync-targets/{id}/disable}: deliveries to it wait until it is enabled. */
  void disable(RoutingContext ctx) {
    targets
        .disable(TokenService.tenantOf(ctx), targetId(ctx))
        .onSuccess(
            found -> {
              if (found) {
                Answers.noContent(ctx);
              } else {
                ctx.fail(ApiError.notFound("no such sync target"));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/v1/deliveries?status=&targetId=&limit=&starting_after=&ending_before=}, newest
   * first.
   */
  void deliveries(RoutingContext ctx) {
    PageRequest<Long> page = Lists.request(ctx, "delivery", Lists::number);
    String status = Lists.oneOf(ctx, "status", STATUSES);
    String target = Lists.filter(ctx, "targetId");
    UUID targetId;
    try {
      targetId = target == null ? null : UUID.fromString(target);
    } catch (IllegalArgumentException e) {
      throw ApiError.badParameter("targetId", "must be the id of a sync target");
    }
    targets
        .deliveries(TokenService.tenantOf(ctx), status, targetId, page)
        .onSuccess(p -> ctx.json(Lists.page(p, SyncApi::json)))
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/deliveries/{id}/replay}: send it again, with a new retry window. */
  void replay(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiError.notFound("no such delivery");
    }
    targets
        .replay(TokenService.tenantOf(ctx), id)
        .compose(ApiJson.found("no such delivery"))
        .onSuccess(d -> Answers.json(ctx, 202, json(d), null))
        .onFailure(ctx::fail);
  }

  private static UUID targetId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("no such sync target");
    }
  }

  private static void noContentOr404(RoutingContext ctx, boolean found) {
    if (found) {
      ctx.response().setStatusCode(204).end();
    } else {
      ctx.fail(ApiError.notFound("no such sync target"));
    }
  }

  private static JsonObject view(SyncStore.Target t) {
    JsonObject out =
        new JsonObject()
            .put("id", t.id().toString())
            .put("type", t.type())
            .put("url", t.url())
            .put("enabled", t.enabled())
            .put("disabledReason", t.disabledReason())
            .put("createdAt", t.createdAt().toInstant().toString());
    if (t.type().equals("customer-transaction")) {
      out.put(
          "headerNames",
          new JsonArray(
              new java.util.ArrayList<>(
                  t.config().getJsonObject("headers", new JsonObject()).fieldNames())));
    }
    return out;
  }

  /** The API's delivery object. */
  private static JsonObject json(DeliveryView d) {
    return new JsonObject()
        .put("id", String.valueOf(d.id()))
        .put("targetId", d.targetId().toString())
        .put("paymentId", String.valueOf(d.paymentId()))
        .put("status", d.status())
        .put("attempts", d.attempts())
        .put("lastStatusCode", d.lastStatusCode())
        .put("lastError", d.lastError())
        .put("lastLatencyMs", d.lastLatencyMs())
        .put("retryUntil", ApiJson.time(d.retryUntil()))
        .put("createdAt", ApiJson.time(d.createdAt()))
        .put("updatedAt", ApiJson.time(d.updatedAt()))
        .put("deliveredAt", ApiJson.time(d.deliveredAt()));
  }
}
