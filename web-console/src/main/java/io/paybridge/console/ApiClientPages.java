package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.ApiClientsPage;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.tenant.ApiClients;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Refused;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.UUID;

/** The tenant's API clients: list them, create one (its secret shown once), revoke one. */
final class ApiClientPages {

  /** The partner API's scopes, offered when creating an API client. */
  static final List<String> SCOPES = ApiScopes.ALL;

  private final ApiClients clients;
  private final Views views;

  ApiClientPages(ApiClients clients, Views views) {
    this.clients = clients;
    this.views = views;
  }

  void apiClients(RoutingContext ctx) {
    renderClients(ctx, 200, null, null);
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
                    null))
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                renderClients(ctx, 400, null, invalid.getMessage());
              } else if (err instanceof Refused refused) {
                renderClients(ctx, refused.kind().status(), null, refused.getMessage());
              } else {
                ctx.fail(err);
              }
            });
  }

  void revokeApiClient(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(404);
    }
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
      RoutingContext ctx, int status, ApiClientsPage.Created created, String error) {
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
                                        c.revokedAt() != null))
                            .toList(),
                        error,
                        SCOPES)))
        .onFailure(ctx::fail);
  }
}
