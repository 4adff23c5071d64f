package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.tenant.TenantStore.ClientSummary;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/api-clients}: a partner's program manages the tenant's API clients as the console
 * does, through the same use case. A new client's secret, and a rotated one, is shown in the answer
 * and never again (the answer is not kept for an {@code Idempotency-Key} replay, as no secret is
 * stored but as a hash); a client grants and rotates only scopes its own token holds.
 */
final class ApiClientsApi {

  private static final Set<String> CREATE_FIELDS = Set.of("name", "scopes");
  private static final Set<String> ROTATE_FIELDS = Set.of("overlapSeconds");
  private static final String NOT_FOUND = "no such API client";

  private final ApiClients clients;

  ApiClientsApi(ApiClients clients) {
    this.clients = clients;
  }

  /** {@code POST /api/v1/api-clients} {@code {"name","scopes":[…]}}. */
  void create(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    onlyFields(in, CREATE_FIELDS);
    Caller caller = Caller.of(ctx);
    clients
        .create(caller.tenantId(), text(in, "name"), scopes(in), caller.scopes())
        .recover(ApiClientsApi::scopesField)
        .compose(
            created ->
                clients
                    .get(caller.tenantId(), created.id())
                    .map(c -> view(c).put("clientSecret", created.clientSecret())))
        .onSuccess(
            body -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              Answers.json(ctx, 201, body, "/api/v1/api-clients/" + body.getString("id"));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/api-clients?limit=&starting_after=}, newest first. */
  void list(RoutingContext ctx) {
    int limit = Lists.limit(ctx);
    String after = Lists.filter(ctx, "starting_after");
    UUID anchor = null;
    if (after != null) {
      try {
        anchor = UUID.fromString(after);
      } catch (IllegalArgumentException e) {
        throw ApiError.badParameter("starting_after", "is not the id of an API client");
      }
    }
    clients
        .page(TokenService.tenantOf(ctx), limit, anchor)
        // a cursor naming nothing of the list is refused as every list refuses one
        .recover(
            err ->
                err instanceof InvalidInput
                    ? Future.failedFuture(
                        ApiError.badParameter("starting_after", "is not a client of this tenant"))
                    : Future.failedFuture(err))
        .onSuccess(
            page -> {
              JsonArray data = new JsonArray();
              page.items().forEach(c -> data.add(view(c)));
              ctx.json(new JsonObject().put("data", data).put("has_more", page.hasMore()));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/api-clients/{id}}. */
  void get(RoutingContext ctx) {
    clients
        .get(TokenService.tenantOf(ctx), id(ctx))
        .compose(ApiJson.found(NOT_FOUND))
        .onSuccess(c -> ctx.json(view(c)))
        .onFailure(ctx::fail);
  }

  /** {@code DELETE /api/v1/api-clients/{id}}: its tokens stop on every node. */
  void delete(RoutingContext ctx) {
    clients
        .revoke(TokenService.tenantOf(ctx), id(ctx))
        .onSuccess(
            found -> {
              if (found) {
                Answers.noContent(ctx);
              } else {
                ctx.fail(ApiError.notFound(NOT_FOUND));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/api-clients/{id}/rotate} {@code {"overlapSeconds"?}}: a new secret; the
   * previous one and its tokens keep working for the overlap (a day unless asked otherwise).
   */
  void rotate(RoutingContext ctx) {
    UUID id = id(ctx);
    JsonObject in = Requests.optionalJsonObject(ctx);
    Duration overlap = ApiClients.DEFAULT_OVERLAP;
    if (in != null) {
      onlyFields(in, ROTATE_FIELDS);
      Object seconds = in.getValue("overlapSeconds");
      if (seconds != null) {
        if (!(seconds instanceof Integer || seconds instanceof Long)) {
          throw ApiError.badField("overlapSeconds", "must be a whole number of seconds");
        }
        overlap = Duration.ofSeconds(((Number) seconds).longValue());
      }
    }
    Caller caller = Caller.of(ctx);
    clients
        .rotate(caller.tenantId(), id, overlap, caller.scopes())
        .compose(ApiJson.found(NOT_FOUND))
        .onSuccess(
            rotated -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              Answers.ok(ctx, view(rotated.client()).put("clientSecret", rotated.clientSecret()));
            })
        .onFailure(ctx::fail);
  }

  /**
   * The use case names the scopes {@code scope}, as the console's form does; the API's field is
   * {@code scopes}.
   */
  private static <T> Future<T> scopesField(Throwable err) {
    if (!(err instanceof InvalidInput invalid)) {
      return Future.failedFuture(err);
    }
    List<InvalidInput.Problem> renamed = new ArrayList<>();
    for (InvalidInput.Problem p : invalid.problems()) {
      renamed.add(
          p.field().equals("scope")
              ? new InvalidInput.Problem("scopes", "'scopes': " + p.message())
              : p);
    }
    return Future.failedFuture(new InvalidInput(renamed));
  }

  /** The API's view of a client: never a secret or its hash. */
  static JsonObject view(ClientSummary c) {
    return new JsonObject()
        .put("id", c.id().toString())
        .put("clientId", c.clientId())
        .put("name", c.name())
        .put("scopes", new JsonArray(new ArrayList<>(c.scopes())))
        .put("status", c.revokedAt() == null ? "active" : "revoked")
        .put("createdAt", time(c.createdAt()))
        .put("lastUsedAt", time(c.lastUsedAt()))
        .put("secretRotatedAt", time(c.secretRotatedAt()))
        .put("previousSecretExpiresAt", time(c.previousSecretExpiresAt()))
        .put("revokedAt", time(c.revokedAt()));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static UUID id(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound(NOT_FOUND);
    }
  }

  private static void onlyFields(JsonObject in, Set<String> allowed) {
    for (String field : in.fieldNames()) {
      if (!allowed.contains(field)) {
        throw ApiError.badField(field, "is not a field of this request");
      }
    }
  }

  /** A string field the use case checks; anything but a string counts as missing. */
  private static String text(JsonObject in, String field) {
    return in.getValue(field) instanceof String s ? s : null;
  }

  /** {@code scopes}: an array of strings; absent is none, which the use case refuses. */
  private static List<String> scopes(JsonObject in) {
    Object v = in.getValue("scopes");
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw ApiError.badField("scopes", "must be an array of scope names");
    }
    List<String> out = new ArrayList<>();
    for (Object scope : array) {
      if (!(scope instanceof String s)) {
        throw ApiError.badField("scopes", "must be an array of scope names");
      }
      out.add(s);
    }
    return out;
  }
}
