package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.ApiClientsPage;
import io.paybridge.console.view.DashboardPage;
import io.paybridge.console.view.Format;
import io.paybridge.console.view.GatewayFormPage;
import io.paybridge.console.view.GatewaysPage;
import io.paybridge.console.view.Option;
import io.paybridge.console.view.PaymentRow;
import io.paybridge.console.view.PaymentsPage;
import io.paybridge.console.view.SubscriptionsPage;
import io.paybridge.console.view.SyncPage;
import io.paybridge.core.Platform;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.ledger.Balance;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.sync.DeliveryView;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The signed-in tenant's pages. The tenant id always comes from the session. */
final class TenantPages {

  /** The partner API's scopes, offered when creating an API client. */
  static final List<String> SCOPES = io.paybridge.core.security.ApiScopes.ALL;

  private static final int PAGE_SIZE = 25;

  private final Platform platform;
  private final Views views;

  TenantPages(Platform platform, Views views) {
    this.platform = platform;
    this.views = views;
  }

  // ---- Dashboard -------------------------------------------------------------------------------

  void dashboard(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<GatewayAccount>> accounts = platform.gatewayAccounts().list(tenant);
    Future<Page<Payment, Long>> recent =
        platform.payments().list(tenant, LedgerStore.Filter.NONE, null, 5);
    Future<Page<DeliveryView, Long>> failed =
        platform.syncTargets().deliveries(tenant, "failed", null, 50);
    Future.all(accounts, recent, failed)
        .onSuccess(
            v ->
                views.page(
                    ctx,
                    200,
                    "dashboard.jte",
                    new DashboardPage(
                        ctx.request().getParam("welcome") != null,
                        accounts.result().size(),
                        failed.result().items().size(),
                        platform.plugins().all().size(),
                        paymentRows(recent.result().items()))))
        .onFailure(ctx::fail);
  }

  // ---- Gateways --------------------------------------------------------------------------------

  void gateways(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<GatewayAccount>> listed = platform.gatewayAccounts().list(tenant);
    Future<Map<String, Long>> heldCounts = platform.receipts().heldCounts(tenant);
    Future.all(listed, heldCounts)
        .onSuccess(
            done -> {
              List<GatewayAccount> accounts = listed.result();
              Map<String, Long> held = heldCounts.result();
              String removed = ctx.request().getParam("removed");
              GatewayPlugin removedPlugin =
                  removed == null ? null : platform.plugins().get(removed);
              List<GatewayPlugin> plugins = new ArrayList<>(platform.plugins().all());
              plugins.sort(Comparator.comparing(GatewayPlugin::displayName));
              List<GatewaysPage.Row> rows = new ArrayList<>();
              for (GatewayPlugin p : plugins) {
                GatewayAccount a =
                    accounts.stream()
                        .filter(x -> x.gateway().equals(p.id()))
                        .findFirst()
                        .orElse(null);
                rows.add(
                    new GatewaysPage.Row(
                        p.id(),
                        p.displayName(),
                        a == null ? null : platform.webhookUrl(a),
                        held.getOrDefault(p.id(), 0L)));
              }
              views.page(
                  ctx,
                  200,
                  "gateways.jte",
                  new GatewaysPage(
                      removedPlugin == null ? null : removedPlugin.displayName(), rows));
            })
        .onFailure(ctx::fail);
  }

  void gatewayForm(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    UUID tenant = tenantOf(ctx);
    Future<GatewayAccount> found = platform.gatewayAccounts().find(tenant, plugin.id());
    Future<Map<String, Long>> held = platform.receipts().heldCounts(tenant);
    Future.all(found, held)
        .onSuccess(
            done ->
                gatewayPage(
                    ctx,
                    200,
                    plugin,
                    found.result(),
                    held.result().getOrDefault(plugin.id(), 0L),
                    Map.of(),
                    null,
                    null,
                    ctx.request().getParam("saved") != null))
        .onFailure(ctx::fail);
  }

  void saveGateway(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    UUID tenant = tenantOf(ctx);
    Map<String, String> typed = new HashMap<>();
    JsonObject submitted = new JsonObject();
    for (CredentialField f : plugin.credentialSchema().fields()) {
      String value = ctx.request().getFormAttribute(f.name());
      // Secrets are write-only: a blank field keeps the stored value.
      if (value != null && !value.isBlank()) {
        submitted.put(f.name(), value);
        if (!f.secret()) {
          typed.put(f.name(), value);
        }
      }
    }
    platform
        .gatewayAccounts()
        .connect(tenant, plugin, submitted)
        .onSuccess(account -> redirect(ctx, "/gateways/" + Format.url(plugin.id()) + "?saved=1"))
        .onFailure(
            err -> {
              if (!(err instanceof InvalidCredentialsException e)) {
                ctx.fail(err);
                return;
              }
              Future.all(
                      platform.gatewayAccounts().find(tenant, plugin.id()),
                      platform.receipts().heldCounts(tenant))
                  .onSuccess(
                      both -> {
                        Map<String, Long> held = both.resultAt(1);
                        gatewayPage(
                            ctx,
                            400,
                            plugin,
                            both.resultAt(0),
                            held.getOrDefault(plugin.id(), 0L),
                            typed,
                            e.getMessage(),
                            e.field(),
                            false);
                      })
                  .onFailure(ctx::fail);
            });
  }

  void removeGateway(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    platform
        .gatewayAccounts()
        .disconnect(tenantOf(ctx), plugin)
        .onSuccess(
            removed -> {
              if (!removed) {
                ctx.fail(404);
                return;
              }
              redirect(ctx, "/gateways?removed=" + Format.url(plugin.id()));
            })
        .onFailure(ctx::fail);
  }

  private GatewayPlugin plugin(RoutingContext ctx) {
    String id = ctx.pathParam("gateway");
    GatewayPlugin plugin = id == null ? null : platform.plugins().get(id);
    if (plugin == null) {
      throw new HttpException(404);
    }
    return plugin;
  }

  private void gatewayPage(
      RoutingContext ctx,
      int status,
      GatewayPlugin plugin,
      GatewayAccount account,
      long held,
      Map<String, String> typed,
      String error,
      String errorField,
      boolean saved) {
    GatewayFormPage.Connected connected = null;
    if (account != null) {
      connected =
          new GatewayFormPage.Connected(
              platform.webhookUrl(account),
              plugin.subscribedEvents(),
              plugin.eventTable().stream().map(TenantPages::rule).toList(),
              account.createdAt(),
              account.updatedAt());
    }
    List<GatewayFormPage.Field> fields = new ArrayList<>();
    for (CredentialField f : plugin.credentialSchema().fields()) {
      String stored = account == null ? null : account.credentials().get(f.name());
      fields.add(
          new GatewayFormPage.Field(
              f.name(),
              f.label(),
              f.description(),
              f.required(),
              f.secret(),
              stored != null,
              f.name().equals(errorField),
              f.maxLength(),
              // Write-only: never echo a stored or typed secret.
              f.secret() ? null : typed.containsKey(f.name()) ? typed.get(f.name()) : stored,
              f.defaultValue(),
              f.allowedValues()));
    }
    views.page(
        ctx,
        status,
        "gateway.jte",
        new GatewayFormPage(
            Views.csrf(ctx),
            plugin.id(),
            plugin.displayName(),
            saved,
            held,
            connected,
            fields,
            error));
  }

  /** What Paybridge does with one event type the gateway sends. */
  private static GatewayFormPage.Rule rule(EventRule rule) {
    return switch (rule.action()) {
      case BOOKS -> new GatewayFormPage.Rule(rule.eventType(), "Books", "success", rule.what());
      case HOLDS -> new GatewayFormPage.Rule(rule.eventType(), "Holds", "warning", rule.what());
      case IGNORES -> new GatewayFormPage.Rule(rule.eventType(), "Ignores", "muted", rule.what());
    };
  }

  // ---- Payments --------------------------------------------------------------------------------

  void payments(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    String gateway = blankToNull(ctx.request().getParam("gateway"));
    String kind = blankToNull(ctx.request().getParam("kind"));
    String customer = blankToNull(ctx.request().getParam("customer"));
    String beforeParam = blankToNull(ctx.request().getParam("before"));
    if (gateway != null && platform.plugins().get(gateway) == null) {
      gateway = null;
    }
    LedgerStore.Filter filter;
    try {
      filter = Payments.filter(gateway, kind, customer);
    } catch (InvalidInput e) {
      throw new HttpException(400, e.getMessage());
    }
    Long before;
    try {
      before = beforeParam == null ? null : Long.parseLong(beforeParam);
    } catch (NumberFormatException e) {
      throw new HttpException(400);
    }
    Future<Page<Payment, Long>> page = platform.payments().list(tenant, filter, before, PAGE_SIZE);
    Future<List<Balance>> balance =
        customer == null
            ? Future.succeededFuture(null)
            : platform.payments().balance(tenant, customer);
    String g = gateway;
    Future.all(page, balance)
        .onSuccess(
            v -> {
              List<PaymentsPage.Amount> amounts =
                  customer == null
                      ? null
                      : balance.result().stream()
                          .map(b -> new PaymentsPage.Amount(b.amountMinor(), b.currency()))
                          .toList();
              String query =
                  (g == null ? "" : "&gateway=" + Format.url(g))
                      + (kind == null ? "" : "&kind=" + Format.url(kind))
                      + (customer == null ? "" : "&customer=" + Format.url(customer));
              Long next = page.result().next();
              views.page(
                  ctx,
                  200,
                  "payments.jte",
                  new PaymentsPage(
                      platform.plugins().all().stream()
                          .map(p -> new Option(p.id(), p.displayName(), p.id().equals(g)))
                          .toList(),
                      Arrays.stream(EventKind.values())
                          .map(
                              k ->
                                  new Option(
                                      k.name(), Format.kindLabel(k.name()), k.name().equals(kind)))
                          .toList(),
                      customer,
                      amounts,
                      paymentRows(page.result().items()),
                      before != null || !filter.equals(LedgerStore.Filter.NONE),
                      before == null
                          ? null
                          : "/console/payments" + (query.isEmpty() ? "" : "?" + query.substring(1)),
                      next == null ? null : "/console/payments?before=" + next + query));
            })
        .onFailure(ctx::fail);
  }

  private List<PaymentRow> paymentRows(List<Payment> payments) {
    return payments.stream()
        .map(
            e -> {
              GatewayPlugin p = platform.plugins().get(e.gateway());
              return new PaymentRow(
                  time(e.occurredAt()),
                  p == null ? e.gateway() : p.displayName(),
                  e.kind(),
                  e.customerRef(),
                  e.amountMinor(),
                  e.currency(),
                  e.externalPaymentId(),
                  e.synced());
            })
        .toList();
  }

  // ---- Subscriptions ---------------------------------------------------------------------------

  void subscriptions(RoutingContext ctx) {
    platform
        .subscriptions()
        .list(tenantOf(ctx), SubscriptionStore.Filter.NONE, null, 100)
        .onSuccess(
            page ->
                views.page(
                    ctx,
                    200,
                    "subscriptions.jte",
                    new SubscriptionsPage(
                        page.items().stream()
                            .map(
                                s ->
                                    new SubscriptionsPage.Row(
                                        s.gateway(),
                                        s.externalSubscriptionId(),
                                        s.customerRef(),
                                        s.status(),
                                        time(s.currentPeriodEnd()),
                                        time(s.lastEventAt())))
                            .toList(),
                        page.hasMore())))
        .onFailure(ctx::fail);
  }

  // ---- Sync ------------------------------------------------------------------------------------

  void sync(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<SyncStore.Target>> targets = platform.syncTargets().list(tenant);
    Future<Page<DeliveryView, Long>> failed =
        platform.syncTargets().deliveries(tenant, "failed", null, 50);
    Future<Page<DeliveryView, Long>> dead =
        platform.syncTargets().deliveries(tenant, "dead", null, 50);
    Future.all(targets, failed, dead)
        .onSuccess(
            v -> {
              String replayed = ctx.request().getParam("replayed");
              List<DeliveryView> problems = new ArrayList<>(failed.result().items());
              problems.addAll(dead.result().items());
              problems.sort(Comparator.comparingLong(DeliveryView::id).reversed());
              views.page(
                  ctx,
                  200,
                  "sync.jte",
                  new SyncPage(
                      Views.csrf(ctx),
                      replayed != null && replayed.matches("\\d{1,19}") ? replayed : null,
                      targets.result().stream()
                          .map(
                              t ->
                                  new SyncPage.Target(
                                      t.type(),
                                      t.url(),
                                      t.enabled(),
                                      t.disabledReason(),
                                      t.createdAt()))
                          .toList(),
                      problems.stream().map(TenantPages::delivery).toList()));
            })
        .onFailure(ctx::fail);
  }

  private static SyncPage.Delivery delivery(DeliveryView d) {
    String error =
        d.lastError() != null
            ? d.lastError()
            : d.lastStatusCode() == null ? "" : "HTTP " + d.lastStatusCode();
    return new SyncPage.Delivery(
        String.valueOf(d.id()),
        String.valueOf(d.paymentId()),
        d.status(),
        d.attempts(),
        error,
        time(d.updatedAt()));
  }

  void replay(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new HttpException(404);
    }
    platform
        .syncTargets()
        .replay(tenantOf(ctx), id)
        .onSuccess(
            d -> {
              if (d == null) {
                ctx.fail(404);
              } else {
                redirect(ctx, "/sync?replayed=" + id);
              }
            })
        .onFailure(ctx::fail);
  }

  // ---- API clients -----------------------------------------------------------------------------

  void apiClients(RoutingContext ctx) {
    renderClients(ctx, 200, null, null);
  }

  void createApiClient(RoutingContext ctx) {
    platform
        .apiClients()
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
    platform
        .apiClients()
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
    platform
        .apiClients()
        .list(tenantOf(ctx))
        .onSuccess(
            clients ->
                views.page(
                    ctx,
                    status,
                    "api-clients.jte",
                    new ApiClientsPage(
                        Views.csrf(ctx),
                        ctx.request().getParam("revoked") != null,
                        created,
                        clients.stream()
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

  /** A time as the API writes it (ISO-8601, UTC), or {@code null}. */
  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
