package io.paybridge.api;

import io.paybridge.core.charge.Charge;
import io.paybridge.core.charge.Charges;
import io.paybridge.core.charge.NewCharge;
import io.paybridge.core.charge.PaymentMethods;
import io.paybridge.core.charge.StoredMethod;
import io.paybridge.core.http.ApiError;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Stored payment methods and merchant-initiated charges: {@code
 * /api/v1/customers/{customerRef}/payment-method} and {@code /api/v1/charges}. A method's gateway
 * ids go in and never come out; a charge needs an {@code Idempotency-Key} and answers how it
 * stands.
 */
final class ChargesApi {

  private static final Set<String> METHOD_FIELDS = Set.of("gateway", "customer", "paymentMethod");
  private static final Set<String> CHARGE_FIELDS =
      Set.of("customerRef", "amount", "currency", "description");

  private final PaymentMethods methods;
  private final Charges charges;

  ChargesApi(PaymentMethods methods, Charges charges) {
    this.methods = methods;
    this.charges = charges;
  }

  /** {@code PUT /api/v1/customers/{customerRef}/payment-method}. */
  void putMethod(RoutingContext ctx) {
    JsonObject in = onlyFields(Requests.jsonObject(ctx), METHOD_FIELDS, "payment method");
    methods
        .attach(
            TokenService.tenantOf(ctx),
            ctx.pathParam("customerRef"),
            Requests.string(in, "gateway", 1, 64),
            Requests.string(in, "customer", 1, 255),
            Requests.string(in, "paymentMethod", 1, 255))
        .onSuccess(m -> Answers.ok(ctx, view(m)))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/customers/{customerRef}/payment-method}. */
  void getMethod(RoutingContext ctx) {
    methods
        .get(TokenService.tenantOf(ctx), ctx.pathParam("customerRef"))
        .onSuccess(m -> ctx.json(view(m)))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/customers/{customerRef}/payment-method}. */
  void deleteMethod(RoutingContext ctx) {
    methods
        .remove(TokenService.tenantOf(ctx), ctx.pathParam("customerRef"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/charges}, with {@code Idempotency-Key}. */
  void create(RoutingContext ctx) {
    JsonObject in = onlyFields(Requests.jsonObject(ctx), CHARGE_FIELDS, "charge");
    Object amount = in.getValue("amount");
    if (amount != null && !(amount instanceof Integer || amount instanceof Long)) {
      throw ApiError.badField("amount", "must be a whole number of the currency's minor units");
    }
    charges
        .create(
            TokenService.tenantOf(ctx),
            ctx.request().getHeader("Idempotency-Key"),
            new NewCharge(
                Requests.string(in, "customerRef", 1, 255),
                amount == null ? null : ((Number) amount).longValue(),
                Requests.string(in, "currency", 3, 3),
                optionalString(in, "description")))
        .onSuccess(
            charge ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Location", "/api/v1/charges/" + charge.id())
                    .end(view(charge).encode()))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/charges/{id}}. */
  void get(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("no such charge");
    }
    charges
        .get(TokenService.tenantOf(ctx), id)
        .onSuccess(charge -> ctx.json(view(charge)))
        .onFailure(ctx::fail);
  }

  static JsonObject view(Charge c) {
    return new JsonObject()
        .put("id", c.id().toString())
        .put("status", c.status())
        .put("customerRef", c.customerRef())
        .put("gateway", c.gateway())
        .put("amount", c.amountMinor())
        .put("currency", c.currency())
        .put("description", c.description())
        .put("gatewayPaymentId", c.gatewayPaymentId())
        .put(
            "failure",
            Charge.FAILED.equals(c.status())
                ? new JsonObject().put("code", c.failureCode()).put("message", c.failureMessage())
                : null)
        .put("created", c.createdAt().toInstant().toString())
        .put("updated", c.updatedAt().toInstant().toString());
  }

  static JsonObject view(StoredMethod m) {
    return new JsonObject()
        .put("customerRef", m.customerRef())
        .put("gateway", m.gateway())
        .put("brand", m.brand())
        .put("last4", m.last4())
        .put("created", m.createdAt().toInstant().toString())
        .put("updated", m.updatedAt().toInstant().toString());
  }

  private static JsonObject onlyFields(JsonObject in, Set<String> allowed, String what) {
    for (String field : in.fieldNames()) {
      if (!allowed.contains(field)) {
        throw ApiError.badField(field, "is not a " + what + " field");
      }
    }
    return in;
  }

  private static String optionalString(JsonObject in, String field) {
    Object v = in.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw ApiError.badField(field, "must be a string");
    }
    return (String) v;
  }
}
