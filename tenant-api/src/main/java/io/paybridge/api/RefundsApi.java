package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.refund.Refund;
import io.paybridge.core.refund.Refunds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Refunds of payments through their gateway: {@code POST /api/v1/payments/{id}/refunds} (with
 * {@code Idempotency-Key}), {@code GET /api/v1/payments/{id}/refunds} and {@code GET
 * /api/v1/refunds/{id}}. A refund answers how it stands; the ledger shows it as a negative entry
 * once the gateway confirms it.
 */
final class RefundsApi {

  private static final Set<String> FIELDS = Set.of("amount", "reason");

  private final Refunds refunds;

  RefundsApi(Refunds refunds) {
    this.refunds = refunds;
  }

  /** {@code POST /api/v1/payments/{id}/refunds}: {@code {"amount"?, "reason"?}}. */
  void create(RoutingContext ctx) {
    long payment = paymentId(ctx);
    JsonObject in = Requests.optionalJsonObject(ctx);
    Long amount = null;
    String reason = null;
    if (in != null) {
      for (String field : in.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw ApiError.badField(field, "is not a refund field");
        }
      }
      Object a = in.getValue("amount");
      if (a != null && !(a instanceof Integer || a instanceof Long)) {
        throw ApiError.badField("amount", "must be a whole number of the currency's minor units");
      }
      amount = a == null ? null : ((Number) a).longValue();
      Object r = in.getValue("reason");
      if (r != null && !(r instanceof String)) {
        throw ApiError.badField("reason", "must be a string");
      }
      reason = (String) r;
    }
    refunds
        .create(
            TokenService.tenantOf(ctx),
            payment,
            ctx.request().getHeader("Idempotency-Key"),
            amount,
            reason)
        .onSuccess(refund -> Answers.json(ctx, 201, view(refund), "/api/v1/refunds/" + refund.id()))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/payments/{id}/refunds}: newest first. */
  void list(RoutingContext ctx) {
    long payment = paymentId(ctx);
    refunds
        .list(TokenService.tenantOf(ctx), payment, Lists.request(ctx, "refund", Lists::uuid))
        .onSuccess(page -> ctx.json(Lists.page(page, RefundsApi::view)))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/refunds/{id}}. */
  void get(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("no such refund");
    }
    refunds
        .get(TokenService.tenantOf(ctx), id)
        .onSuccess(refund -> ctx.json(view(refund)))
        .onFailure(ctx::fail);
  }

  /** A payment's id from the path; anything else is no such payment. */
  private static long paymentId(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.notFound("no such payment");
  }

  /** The API's refund object. */
  static JsonObject view(Refund r) {
    return new JsonObject()
        .put("id", r.id().toString())
        .put("paymentId", String.valueOf(r.paymentId()))
        .put("status", r.status())
        .put("gateway", r.gateway())
        .put("amount", r.amountMinor())
        .put("currency", r.currency())
        .put("reason", r.reason())
        .put("gatewayRefundId", r.gatewayRefundId())
        .put("entryId", r.entryId() == null ? null : String.valueOf(r.entryId()))
        .put(
            "failure",
            Refund.FAILED.equals(r.status())
                ? new JsonObject().put("code", r.failureCode()).put("message", r.failureMessage())
                : null)
        .put("created", r.createdAt().toInstant().toString())
        .put("updated", r.updatedAt().toInstant().toString());
  }
}
