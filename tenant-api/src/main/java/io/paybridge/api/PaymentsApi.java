package io.paybridge.api;

import io.paybridge.core.Platform;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Payments (ledger entries) and customer balances, read-only, scoped to the token's tenant. */
final class PaymentsApi {

  private final Platform platform;

  PaymentsApi(Platform platform) {
    this.platform = platform;
  }

  /** {@code GET /api/v1/payments?limit=&cursor=&gateway=&kind=&customerRef=}, newest first. */
  void list(RoutingContext ctx) {
    int limit = Requests.limit(ctx);
    Long before = decodeCursor(ctx.queryParams().get("cursor"));
    LedgerStore.Filter filter =
        Payments.filter(
            Requests.boundedQuery(ctx, "gateway"),
            ctx.queryParams().get("kind"),
            Requests.boundedQuery(ctx, "customerRef"));
    platform
        .payments()
        .list(TokenService.tenantOf(ctx), filter, before, limit)
        .onSuccess(
            page ->
                ctx.json(
                    new JsonObject()
                        .put("data", new JsonArray(page.entries()))
                        .put(
                            "nextCursor",
                            page.nextBefore() == null ? null : encodeCursor(page.nextBefore()))))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/customers/{customerRef}/balance}. */
  void balance(RoutingContext ctx) {
    String ref = ctx.pathParam("customerRef");
    platform
        .payments()
        .balance(TokenService.tenantOf(ctx), ref)
        .onSuccess(
            balances ->
                ctx.json(new JsonObject().put("customerRef", ref).put("balances", balances)))
        .onFailure(ctx::fail);
  }

  /** Cursors are opaque to clients: base64url of the id to continue below. */
  static String encodeCursor(long before) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("b:" + before).getBytes(StandardCharsets.UTF_8));
  }

  private static Long decodeCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("b:")) {
        return Long.parseLong(s.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw ApiError.badField("cursor", "is not a cursor this API returned");
  }
}
