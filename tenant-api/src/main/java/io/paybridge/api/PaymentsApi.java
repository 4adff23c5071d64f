package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.ledger.Balance;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.PageRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Payments (ledger entries) and customer balances, read-only, scoped to the token's tenant. */
final class PaymentsApi {

  private final Payments payments;

  PaymentsApi(Payments payments) {
    this.payments = payments;
  }

  /**
   * {@code GET /api/v1/payments?limit=&starting_after=&ending_before=&gateway=&kind=&customerRef=
   * &currency=&createdFrom=&createdTo=}, newest first; the created range compares {@code
   * recordedAt}.
   */
  void list(RoutingContext ctx) {
    PageRequest<Long> page = Lists.request(ctx, "payment", Lists::number);
    LedgerStore.Filter filter;
    try {
      filter =
          Payments.filter(
              Lists.filter(ctx, "gateway"),
              Lists.filter(ctx, "kind"),
              Lists.filter(ctx, "customerRef"),
              Lists.filter(ctx, "currency"),
              Lists.time(ctx, "createdFrom"),
              Lists.time(ctx, "createdTo"));
    } catch (InvalidInput e) {
      throw ApiError.forParameter(e.field(), e.getMessage());
    }
    payments
        .list(TokenService.tenantOf(ctx), filter, page)
        .onSuccess(p -> ctx.json(Lists.page(p, Payment::toJson)))
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
