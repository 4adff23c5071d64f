package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.Alert;
import io.paybridge.console.view.CobotPage;
import io.paybridge.console.view.Option;
import io.paybridge.core.cobot.Cobot;
import io.paybridge.core.cobot.CobotConnections.Connection;
import io.paybridge.core.cobot.CobotException;
import io.paybridge.core.cobot.CobotIntegration;
import io.paybridge.core.cobot.CobotInvoice;
import io.paybridge.core.cobot.CobotSettings;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PaymentMethodSetup;
import io.paybridge.spi.StoredPaymentMethods;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /console/cobot}: connecting the tenant's Cobot space (the space, its OAuth client and the
 * gateway that keeps members' cards, then a space admin's grant at Cobot), the space once connected
 * with its invoices, charging a declined invoice again, and disconnecting.
 */
final class CobotConsolePages {

  private static final int PAGE_SIZE = 25;

  private final Cobot cobot;
  private final GatewayAccounts accounts;
  private final Views views;

  /**
   * @param accounts the tenant's gateways, offered to keep the members' cards
   */
  CobotConsolePages(Cobot cobot, GatewayAccounts accounts, Views views) {
    this.cobot = cobot;
    this.accounts = accounts;
    this.views = views;
  }

  /**
   * The origin of Cobot's authorization page: the connect form's answer sends the browser there, so
   * the page's {@code form-action} must allow it.
   */
  static String authorizeOrigin(CobotSettings settings) {
    URI u = URI.create(settings.cobotUrl());
    return u.getScheme() + "://" + u.getRawAuthority();
  }

  /** What the connect form was sent with, the secret left out; {@code null} for none. */
  private record Typed(String subdomain, String clientId, String gateway) {}

  void page(RoutingContext ctx) {
    String afterParam = ctx.request().getParam("after");
    UUID after;
    try {
      after = afterParam == null || afterParam.isBlank() ? null : UUID.fromString(afterParam);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400);
    }
    Alert alert =
        ctx.request().getParam("connected") != null
            ? new Alert("success", "Cobot is connected.")
            : null;
    show(ctx, 200, alert, after, null, Map.of());
  }

  void connect(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Typed typed = new Typed(field(ctx, "subdomain"), field(ctx, "clientId"), field(ctx, "gateway"));
    cobot
        .connections()
        .connect(
            tenant,
            typed.subdomain(),
            typed.clientId(),
            ctx.request().getFormAttribute("clientSecret"),
            typed.gateway())
        .onSuccess(
            c -> {
              ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, c.authorizeUrl());
              ConsoleRoutes.afterSessionSaved(ctx, () -> ctx.response().end());
            })
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                Map<String, String> problems = new LinkedHashMap<>();
                invalid.problems().forEach(p -> problems.putIfAbsent(p.field(), p.message()));
                show(
                    ctx,
                    400,
                    new Alert("error", "Check the fields marked below."),
                    null,
                    typed,
                    problems);
              } else if (err instanceof Refused r) {
                show(
                    ctx,
                    r.kind().status(),
                    new Alert("error", CobotPages.sentence(r.getMessage())),
                    null,
                    typed,
                    Map.of());
              } else {
                ctx.fail(err);
              }
            });
  }

  void disconnect(RoutingContext ctx) {
    cobot
        .connections()
        .disconnect(tenantOf(ctx))
        .onSuccess(v -> ConsoleRoutes.redirect(ctx, "/cobot"))
        .onFailure(err -> refused(ctx, err));
  }

  void rerun(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(404);
    }
    cobot
        .invoices()
        .rerun(tenantOf(ctx), id)
        .onSuccess(v -> ConsoleRoutes.redirect(ctx, "/cobot"))
        .onFailure(
            err -> {
              if (err instanceof Refused r && r.kind() == Refused.Kind.NOT_FOUND) {
                // Another tenant's invoice is none: the console's not-found page.
                ctx.fail(404);
              } else {
                refused(ctx, err);
              }
            });
  }

  /** The page again with what was refused, or why Cobot did not do it. */
  private void refused(RoutingContext ctx, Throwable err) {
    if (err instanceof Refused r) {
      show(
          ctx,
          r.kind().status(),
          new Alert("error", CobotPages.sentence(r.getMessage())),
          null,
          null,
          Map.of());
    } else if (err instanceof CobotException e) {
      show(
          ctx,
          502,
          new Alert(
              "error",
              "Cobot could not be reached or refused the request ("
                  + e.getMessage()
                  + "). Nothing was changed; try again in a moment."),
          null,
          null,
          Map.of());
    } else {
      ctx.fail(err);
    }
  }

  private void show(
      RoutingContext ctx,
      int status,
      Alert alert,
      UUID after,
      Typed typed,
      Map<String, String> problems) {
    UUID tenant = tenantOf(ctx);
    Future<Connection> connection =
        cobot
            .connections()
            .get(tenant)
            .recover(
                err ->
                    err instanceof Refused r && r.kind() == Refused.Kind.NOT_FOUND
                        ? Future.succeededFuture(null)
                        : Future.failedFuture(err));
    Future<List<GatewayAccount>> gateways = accounts.list(tenant);
    Future<Page<CobotInvoice, UUID>> invoices =
        connection.compose(
            c ->
                c != null && c.integration().connected()
                    ? cobot.invoices().list(tenant, PAGE_SIZE, after)
                    : Future.succeededFuture(null));
    Future.all(connection, gateways, invoices)
        .onSuccess(
            v -> {
              CobotIntegration integration =
                  connection.result() == null ? null : connection.result().integration();
              boolean connected = integration != null && integration.connected();
              Page<CobotInvoice, UUID> listed = invoices.result();
              views.page(
                  ctx,
                  status,
                  "cobot.jte",
                  new CobotPage(
                      Views.csrf(ctx),
                      alert,
                      integration == null ? null : connection(connection.result()),
                      connected ? null : form(integration, typed, gateways.result(), problems),
                      listed == null
                          ? List.of()
                          : listed.items().stream().map(CobotConsolePages::invoice).toList(),
                      after == null ? null : "/console/cobot",
                      listed == null || !listed.hasMore()
                          ? null
                          : "/console/cobot?after=" + listed.next()));
            })
        .onFailure(ctx::fail);
  }

  private CobotPage.Connection connection(Connection c) {
    CobotIntegration i = c.integration();
    return new CobotPage.Connection(
        i.subdomain(),
        displayName(i.gateway()),
        i.connected(),
        c.authorizeUrl(),
        i.connectedAt(),
        cobot.urls().memberPage(i.pageKey()));
  }

  /**
   * The connect form: what was typed, else what is stored; the gateways offered are the tenant's
   * that can keep cards and charge them.
   */
  private CobotPage.Form form(
      CobotIntegration stored,
      Typed typed,
      List<GatewayAccount> connected,
      Map<String, String> problems) {
    String subdomain =
        typed != null ? typed.subdomain() : stored == null ? null : stored.subdomain();
    String clientId = typed != null ? typed.clientId() : stored == null ? null : stored.clientId();
    String gateway = typed != null ? typed.gateway() : stored == null ? null : stored.gateway();
    List<Option> options =
        connected.stream()
            .map(a -> accounts.gateway(a.gateway()))
            .filter(p -> p instanceof StoredPaymentMethods && p instanceof PaymentMethodSetup)
            .map(p -> new Option(p.id(), p.displayName(), p.id().equals(gateway)))
            .toList();
    return new CobotPage.Form(
        subdomain, clientId, stored != null, options, problems, cobot.urls().oauthCallback());
  }

  private static CobotPage.Invoice invoice(CobotInvoice i) {
    String number =
        i.invoiceNumber() != null
            ? i.invoiceNumber()
            : i.invoiceId() != null ? i.invoiceId() : null;
    return new CobotPage.Invoice(
        i.id(),
        i.createdAt(),
        number,
        i.membershipId(),
        i.amountMinor(),
        i.currency(),
        i.outcome(),
        i.reason(),
        i.rerunnable());
  }

  private String displayName(String gateway) {
    GatewayPlugin plugin = accounts.gateway(gateway);
    return plugin == null ? gateway : plugin.displayName();
  }

  private static String field(RoutingContext ctx, String name) {
    String value = ctx.request().getFormAttribute(name);
    return value == null ? null : value.strip();
  }
}
