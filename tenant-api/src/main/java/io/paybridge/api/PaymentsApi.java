package io.paybridge.api;

import io.paybridge.core.ledger.Balance;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.ledger.Payments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Payments (ledger entries) and customer balances, read-only, scoped to the token's tenant. */
final class PaymentsApi {

  /** The listing letter of payment cursors. */
  private static final char CURSOR = 'b';

  private final Payments payments;

  PaymentsApi(Payments payments) {
    this.payments = payments;
  }

  /** {@code GET /api/v1/payments?limit=&cursor=&gateway=&kind=&customerRef=}, newest first. */
  void list(RoutingContext ctx) {
    int limit = Requests.limit(ctx);
    Long before = Cursors.decodeId(CURSOR, ctx.queryParams().get("cursor"));
    LedgerStore.Filter filter =
        Payments.filter(
            Requests.boundedQuery(ctx, "gateway"),
            ctx.queryParams().get("kind"),
            Requests.boundedQuery(ctx, "customerRef"));
    payments
        .list(TokenService.tenantOf(ctx), filter, before, limit)
        .onSuccess(
            page ->
                ctx.json(
                    ApiJson.page(
                        page, Payment::toJson, id -> Cursors.encode(CURSOR, id.toString()))))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/customers/{customerRef}/balance}. */
  void balance(RoutingContext ctx) {
    String ref = ctx.pathParam("customerRef");
    payments
        .balance(TokenService.tenantOf(ctx), ref)
        .onSuccess(
            balances -> {
              JsonArray out = new JsonArray();
              balances.forEach(b -> out.add(json(b)));
              ctx.json(new JsonObject().put("customerRef", ref).put("balances", out));
            })
        .onFailure(ctx::fail);
  }

  private static JsonObject json(Balance b) {
    return new JsonObject().put("currency", b.currency()).put("amountMinor", b.amountMinor());
  }
}
