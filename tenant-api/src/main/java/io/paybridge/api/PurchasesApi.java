package io.paybridge.api;

import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.purchase.PurchaseRefused;
import io.paybridge.core.purchase.Purchases;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Purchases an app's backend hands over: {@code POST /api/v1/purchases/appstore} (a StoreKit signed
 * transaction) and {@code POST /api/v1/purchases/googleplay} (a Play Billing purchase token), each
 * with the {@code customerRef} to book it for. Answers 201 when booked now, 200 when booked before
 * for the same customer (the same entry), 202 when held until paid, and 422 for a purchase that is
 * not to be booked, naming every missing member, or the refusal's code and the member at fault.
 */
final class PurchasesApi {

  private final Purchases purchases;

  PurchasesApi(Purchases purchases) {
    this.purchases = purchases;
  }

  /** {@code POST /api/v1/purchases/appstore}. */
  void appStore(RoutingContext ctx) {
    handOver(ctx, "appstore");
  }

  /** {@code POST /api/v1/purchases/googleplay}. */
  void googlePlay(RoutingContext ctx) {
    handOver(ctx, "googleplay");
  }

  private void handOver(RoutingContext ctx, String gateway) {
    JsonObject body = Requests.jsonObject(ctx);
    purchases
        .handOver(TokenService.tenantOf(ctx), gateway, body)
        .onSuccess(
            handOver ->
                Answers.json(
                    ctx,
                    switch (handOver.status()) {
                      case BOOKED -> 201;
                      case ALREADY_BOOKED -> 200;
                      case HELD -> 202;
                    },
                    view(gateway, body.getString("customerRef"), handOver),
                    null))
        .onFailure(err -> refuse(ctx, err));
  }

  /** Purchases not to be booked are 422 here, input at fault included; the rest as everywhere. */
  private static void refuse(RoutingContext ctx, Throwable err) {
    if (err instanceof InvalidInput invalid) {
      JsonArray problems = new JsonArray();
      invalid
          .problems()
          .forEach(
              p ->
                  problems.add(
                      new JsonObject().put("field", p.field()).put("message", p.message())));
      HttpErrors.respond(
          ctx,
          422,
          new JsonObject()
              .put("error", "invalid_purchase")
              .put("message", invalid.getMessage())
              .put("field", invalid.field())
              .put("problems", problems));
    } else if (err instanceof PurchaseRefused refused) {
      JsonObject problem =
          new JsonObject().put("error", refused.code()).put("message", refused.getMessage());
      if (refused.field() != null) {
        problem.put("field", refused.field());
      }
      HttpErrors.respond(ctx, 422, problem);
    } else {
      ctx.fail(err);
    }
  }

  static JsonObject view(String gateway, String customerRef, Purchases.HandOver handOver) {
    return new JsonObject()
        .put("status", handOver.status().name().toLowerCase(Locale.ROOT))
        .put("gateway", gateway)
        .put("customerRef", customerRef)
        .put("entry", handOver.entry() == null ? null : handOver.entry().toJson())
        .put("code", handOver.code())
        .put("reason", handOver.reason());
  }
}
