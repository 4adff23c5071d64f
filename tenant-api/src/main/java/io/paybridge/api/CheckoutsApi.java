package io.paybridge.api;

import io.paybridge.core.checkout.Checkout;
import io.paybridge.core.checkout.CheckoutDetail;
import io.paybridge.core.checkout.CheckoutStore;
import io.paybridge.core.checkout.Checkouts;
import io.paybridge.core.checkout.NewCheckout;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checkouts an app backend starts through Paybridge: {@code /api/v1/checkouts}. Starting one needs
 * an {@code Idempotency-Key} (part of the checkout: the same key and body return the same checkout,
 * never a second payment) and answers what the customer's client needs; a request the platform
 * refuses names every field at fault at once (422). Reading one shows the receipts and ledger
 * entries it produced.
 */
final class CheckoutsApi {

  private static final Set<String> FIELDS =
      Set.of("gateway", "customerRef", "amount", "currency", "description", "returnUrl");
  private static final List<String> TEXT_FIELDS =
      List.of("gateway", "customerRef", "currency", "description", "returnUrl");

  private final Checkouts checkouts;

  CheckoutsApi(Checkouts checkouts) {
    this.checkouts = checkouts;
  }

  /** {@code POST /api/v1/checkouts}, with {@code Idempotency-Key}. */
  void create(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    List<InvalidInput.Problem> problems = new ArrayList<>();
    for (String field : in.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(problem(field, "is not a checkout field"));
      }
    }
    for (String field : TEXT_FIELDS) {
      Object v = in.getValue(field);
      if (v != null && !(v instanceof String)) {
        problems.add(problem(field, "must be a string"));
      }
    }
    Object amount = in.getValue("amount");
    if (amount != null && !(amount instanceof Integer || amount instanceof Long)) {
      problems.add(problem("amount", "must be a whole number of the currency's minor units"));
    }
    NewCheckout request =
        new NewCheckout(
            text(in, "gateway"),
            text(in, "customerRef"),
            amount instanceof Integer || amount instanceof Long
                ? ((Number) amount).longValue()
                : null,
            text(in, "currency"),
            text(in, "description"),
            text(in, "returnUrl"));
    String key = ctx.request().getHeader("Idempotency-Key");
    for (InvalidInput.Problem p : checkouts.check(key, request)) {
      if (problems.stream().noneMatch(known -> known.field().equals(p.field()))) {
        problems.add(p);
      }
    }
    if (!problems.isEmpty()) {
      unprocessable(ctx, problems);
      return;
    }
    checkouts
        .create(TokenService.tenantOf(ctx), key, request)
        .onSuccess(
            checkout ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Location", "/api/v1/checkouts/" + checkout.id())
                    .end(view(checkout).encode()))
        .onFailure(err -> failed(ctx, err));
  }

  /** {@code GET /api/v1/checkouts/{id}}: with its receipts and ledger entries. */
  void get(RoutingContext ctx) {
    checkouts
        .get(TokenService.tenantOf(ctx), pathId(ctx))
        .onSuccess(
            detail -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              ctx.json(detail(detail));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/checkouts?limit=&starting_after=&gateway=&status=&customerRef=}. */
  void list(RoutingContext ctx) {
    int limit = Lists.limit(ctx);
    String after = ctx.queryParams().get("starting_after");
    UUID startingAfter;
    try {
      startingAfter = after == null ? null : UUID.fromString(after);
    } catch (IllegalArgumentException e) {
      throw ApiError.badParameter("starting_after", "must be the id of a checkout");
    }
    CheckoutStore.Filter filter =
        new CheckoutStore.Filter(
            Lists.filter(ctx, "gateway"),
            Lists.filter(ctx, "status"),
            Lists.filter(ctx, "customerRef"));
    checkouts
        .list(TokenService.tenantOf(ctx), filter, startingAfter, limit)
        .onSuccess(
            page -> {
              JsonArray data = new JsonArray();
              page.items().forEach(c -> data.add(view(c)));
              ctx.json(new JsonObject().put("data", data).put("has_more", page.hasMore()));
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/checkouts/{id}/capture}: 200 with the checkout when the capture settled it,
   * 202 when it goes on in the background.
   */
  void capture(RoutingContext ctx) {
    checkouts
        .capture(TokenService.tenantOf(ctx), pathId(ctx))
        .onSuccess(
            result ->
                Answers.json(ctx, result.pending() ? 202 : 200, view(result.checkout()), null))
        .onFailure(ctx::fail);
  }

  /** {@code POST /api/v1/checkouts/{id}/intent}: {@code {"intentId"}}, once. */
  void intent(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    for (String field : in.fieldNames()) {
      if (!field.equals("intentId")) {
        throw ApiError.badField(field, "is not an intent field");
      }
    }
    Object intentId = in.getValue("intentId");
    if (intentId != null && !(intentId instanceof String)) {
      throw ApiError.badField("intentId", "must be a string");
    }
    checkouts
        .registerIntent(TokenService.tenantOf(ctx), pathId(ctx), (String) intentId)
        .onSuccess(checkout -> Answers.ok(ctx, view(checkout)))
        .onFailure(err -> failed(ctx, err));
  }

  /** A checkout as the tenant sees it; its client fields only when read one by one. */
  static JsonObject view(Checkout c) {
    return new JsonObject()
        .put("id", c.id().toString())
        .put("gateway", c.gateway())
        .put("status", c.status())
        .put("amount", c.amountMinor())
        .put("currency", c.currency())
        .put("customerRef", c.customerRef())
        .put("description", c.description())
        .put("returnUrl", c.returnUrl())
        .put("reference", c.reference())
        .put("client", c.client())
        .put("paid", c.paidMinor())
        .put("refunded", c.refundedMinor())
        .put(
            "failure",
            c.failureCode() == null
                ? null
                : new JsonObject().put("code", c.failureCode()).put("message", c.failureMessage()))
        .put("lastError", c.lastError())
        .put("created", c.createdAt().toInstant().toString())
        .put("updated", c.updatedAt().toInstant().toString());
  }

  private static JsonObject detail(CheckoutDetail detail) {
    JsonArray entries = new JsonArray();
    detail.entries().forEach(e -> entries.add(entry(e)));
    JsonArray receipts = new JsonArray();
    detail
        .receipts()
        .forEach(
            r ->
                receipts.add(
                    new JsonObject()
                        .put("id", String.valueOf(r.id()))
                        .put("verdict", r.verdict())
                        .put("reason", r.reason())
                        .put("eventId", r.eventId())
                        .put("eventType", r.eventType())
                        .put("receivedAt", ApiJson.time(r.receivedAt()))));
    return view(detail.checkout()).put("receipts", receipts).put("entries", entries);
  }

  private static JsonObject entry(Payment p) {
    return p.toJson();
  }

  /**
   * Answers what the use case refused: every bad field at once as 422, a start the gateway could
   * not answer as 503 naming the checkout (send the request again to retry), the rest as usual.
   */
  private static void failed(RoutingContext ctx, Throwable err) {
    if (err instanceof InvalidInput invalid) {
      unprocessable(ctx, invalid.problems());
    } else if (err instanceof Checkouts.NotStarted notStarted) {
      ctx.response().putHeader("Retry-After", "5");
      HttpErrors.respond(
          ctx,
          503,
          new JsonObject()
              .put("error", "gateway_unavailable")
              .put("message", notStarted.getMessage())
              .put("checkoutId", notStarted.checkout().id().toString())
              .put("retryable", true));
    } else {
      ctx.fail(err);
    }
  }

  private static void unprocessable(RoutingContext ctx, List<InvalidInput.Problem> problems) {
    JsonArray all = new JsonArray();
    problems.forEach(
        p -> all.add(new JsonObject().put("field", p.field()).put("message", p.message())));
    HttpErrors.respond(
        ctx,
        422,
        new JsonObject()
            .put("error", "invalid_checkout")
            .put(
                "message",
                problems.size() == 1
                    ? problems.get(0).message()
                    : problems.size() + " fields are invalid: " + fields(problems))
            .put("field", problems.get(0).field())
            .put("problems", all));
  }

  private static String fields(List<InvalidInput.Problem> problems) {
    return String.join(", ", problems.stream().map(InvalidInput.Problem::field).toList());
  }

  private static InvalidInput.Problem problem(String field, String problem) {
    return new InvalidInput.Problem(field, "'" + field + "' " + problem);
  }

  private static String text(JsonObject in, String field) {
    return in.getValue(field) instanceof String s ? s : null;
  }

  private static UUID pathId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("no such checkout");
    }
  }
}
