package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.ApiClientsPage;
import io.paybridge.console.view.Option;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Refused;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The tenant's API clients: list them with their last use, create one (its secret shown once),
 * rotate one's secret (the new one shown once, the old one working for the overlap chosen), revoke
 * one; through the same use case as the API.
 */
final class ApiClientPages {

  /** The partner API's scopes, offered when creating an API client. */
  static final List<String> SCOPES = ApiScopes.ALL;

  private final ApiClients clients;
  private final Views views;
  private final Clock clock;

  ApiClientPages(ApiClients clients, Views views, Clock clock) {
    this.clients = clients;
    this.views = views;
    this.clock = clock;
  }

  void apiClients(RoutingContext ctx) {
    renderClients(ctx, 200, null, null, null);
  }

  void createApiClient(RoutingContext ctx) {
    clients
        .create(
            tenantOf(ctx),
            ctx.request().getFormAttribute("name"),
            ctx.request().formAttributes().getAll("scope"))
        .onSuccess(
            created ->
                renderClients(
                    ctx,
                    201,
                    new ApiClientsPage.Created(created.clientId(), created.clientSecret()),
                    null,
                    null))
        .onFailure(err -> refused(ctx, err));
  }

  /** A refusal of the use case shown on the page, with its status; anything else fails. */
  private void refused(RoutingContext ctx, Throwable err) {
    if (err instanceof InvalidInput invalid) {
      renderClients(ctx, 400, null, invalid.getMessage(), null);
    } else if (err instanceof Refused refused) {
      renderClients(ctx, refused.kind().status(), null, refused.getMessage(), null);
    } else {
      ctx.fail(err);
    }
  }

  private static UUID clientId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(404);
    }
  }

  /** The overlaps a rotation offers, in seconds, the default first. */
  private static final List<Option> OVERLAPS =
      List.of(
          new Option("86400", "Old secret works 24 more hours", true),
          new Option("3600", "Old secret works 1 more hour", false),
          new Option("604800", "Old secret works 7 more days", false),
          new Option("0", "Old secret stops now", false));

  void rotateApiClient(RoutingContext ctx) {
    UUID id = clientId(ctx);
    long seconds;
    try {
      seconds = Long.parseLong(String.valueOf(ctx.request().getFormAttribute("overlap")));
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    clients
        .rotate(tenantOf(ctx), id, Duration.ofSeconds(seconds), ApiScopes.ALL)
        .onSuccess(
            rotated -> {
              if (rotated == null) {
                ctx.fail(404);
                return;
              }
              renderClients(
                  ctx,
                  200,
                  null,
                  null,
                  new ApiClientsPage.Rotated(
                      rotated.client().clientId(),
                      rotated.clientSecret(),
                      rotated.client().previousSecretExpiresAt()));
            })
        .onFailure(err -> refused(ctx, err));
  }

  void revokeApiClient(RoutingContext ctx) {
    UUID id = clientId(ctx);
    clients
        .revoke(tenantOf(ctx), id)
        .onSuccess(
            found -> {
              if (found) {
                redirect(ctx, "/api-clients?revoked=1");
              } else {
                ctx.fail(404);
              }
            })
        .onFailure(ctx::fail);
  }

  private void renderClients(
      RoutingContext ctx,
      int status,
      ApiClientsPage.Created created,
      String error,
      ApiClientsPage.Rotated rotated) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    clients
        .list(tenantOf(ctx))
        .onSuccess(
            listed ->
                views.page(
                    ctx,
                    status,
                    "api-clients.jte",
                    new ApiClientsPage(
                        Views.csrf(ctx),
                        ctx.request().getParam("revoked") != null,
                        created,
                        listed.stream()
                            .map(
                                c ->
                                    new ApiClientsPage.Client(
                                        c.id(),
                                        c.name(),
                                        c.clientId(),
                                        c.scopes(),
                                        c.createdAt(),
                                        c.revokedAt() != null,
                                        c.lastUsedAt(),
                                        c.previousSecretExpiresAt() != null
                                                && c.previousSecretExpiresAt().isAfter(now)
                                            ? c.previousSecretExpiresAt()
                                            : null))
                            .toList(),
                        error,
                        SCOPES,
                        rotated,
                        OVERLAPS)))
        .onFailure(ctx::fail);
  }
}
