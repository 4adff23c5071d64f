package io.paybridge.api;

import io.paybridge.core.cobot.Cobot;
import io.paybridge.core.cobot.CobotConnections;
import io.paybridge.core.cobot.CobotIntegration;
import io.paybridge.core.cobot.CobotInvoice;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The Cobot integration: {@code /api/v1/integrations/cobot} (connect, look, disconnect) and its
 * invoices ({@code …/invoices}, with a re-run of a declined one's charge). Secrets go in and never
 * come out.
 */
final class CobotApi {

  private final Cobot cobot;

  CobotApi(Cobot cobot) {
    this.cobot = cobot;
  }

  /** {@code PUT /api/v1/integrations/cobot}. */
  void connect(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    cobot
        .connections()
        .connect(
            TokenService.tenantOf(ctx),
            Requests.string(in, "subdomain", 1, 63),
            Requests.string(in, "clientId", 1, 200),
            optional(in, "clientSecret"),
            Requests.string(in, "gateway", 1, 64))
        .onSuccess(c -> Answers.ok(ctx, view(c)))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/integrations/cobot}. */
  void get(RoutingContext ctx) {
    cobot
        .connections()
        .get(TokenService.tenantOf(ctx))
        .onSuccess(c -> ctx.json(view(c)))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/integrations/cobot}. */
  void disconnect(RoutingContext ctx) {
    cobot
        .connections()
        .disconnect(TokenService.tenantOf(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/v1/integrations/cobot/invoices?limit=&starting_after=&ending_before=}, newest
   * first.
   */
  void invoices(RoutingContext ctx) {
    PageRequest<UUID> page = Lists.request(ctx, "Cobot invoice", Lists::uuid);
    UUID tenant = TokenService.tenantOf(ctx);
    Future<?> cursor =
        page.from() == null
            ? Future.succeededFuture()
            : cobot
                .invoices()
                .get(tenant, page.from())
                .recover(
                    err ->
                        Future.failedFuture(
                            err instanceof Refused
                                ? ApiError.badParameter(
                                    page.backwards() ? "ending_before" : "starting_after",
                                    "must be the id of a Cobot invoice of this list")
                                : err));
    cursor
        .compose(known -> cobot.invoices().list(tenant, page))
        .onSuccess(p -> ctx.json(Lists.page(p, CobotApi::view)))
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/integrations/cobot/invoices/{id}/charge}. */
  void rerun(RoutingContext ctx) {
    UUID id = uuid(ctx.pathParam("id"), null);
    cobot
        .invoices()
        .rerun(TokenService.tenantOf(ctx), id)
        .onSuccess(i -> Answers.json(ctx, 202, view(i), null))
        .onFailure(ctx::fail);
  }

  private JsonObject view(CobotConnections.Connection connection) {
    CobotIntegration c = connection.integration();
    return new JsonObject()
        .put("status", c.status())
        .put("authorizeUrl", connection.authorizeUrl())
        .put("subdomain", c.subdomain())
        .put("gateway", c.gateway())
        .put("clientId", c.clientId())
        .put("memberPageUrl", cobot.urls().memberPage(c.pageKey()))
        .put("navigationLinkUrl", c.navigationLinkUrl())
        .put("subscriptionUrl", c.subscriptionUrl())
        .put("connected", time(c.connectedAt()))
        .put("created", time(c.createdAt()))
        .put("updated", time(c.updatedAt()));
  }

  static JsonObject view(CobotInvoice i) {
    return new JsonObject()
        .put("id", i.id().toString())
        .put("url", i.url())
        .put("invoiceId", i.invoiceId())
        .put("invoiceNumber", i.invoiceNumber())
        .put("membershipId", i.membershipId())
        .put("amount", i.amountMinor())
        .put("currency", i.currency())
        .put("outcome", i.outcome())
        .put("reasonCode", i.reasonCode())
        .put("reason", i.reason())
        .put("chargeId", i.chargeId() == null ? null : i.chargeId().toString())
        .put("runs", i.runs())
        .put("rerunnable", i.rerunnable())
        .put("paymentRecordId", i.paymentRecordId())
        .put("created", time(i.createdAt()))
        .put("updated", time(i.updatedAt()));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static String optional(JsonObject in, String field) {
    Object v = in.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw ApiError.badField(field, "must be a string");
    }
    return (String) v;
  }

  /** A UUID from the request; a malformed one is no such invoice (path) or a bad field (query). */
  private static UUID uuid(String value, String queryField) {
    if (value == null) {
      if (queryField == null) {
        throw ApiError.notFound("no such Cobot invoice");
      }
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      if (queryField == null) {
        throw ApiError.notFound("no such Cobot invoice");
      }
      throw ApiError.badField(queryField, "must be the id of an invoice of the previous page");
    }
  }
}
