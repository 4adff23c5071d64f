package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.DashboardPage;
import io.paybridge.console.view.Format;
import io.paybridge.console.view.Option;
import io.paybridge.console.view.PaymentRow;
import io.paybridge.console.view.PaymentsPage;
import io.paybridge.console.view.SubscriptionsPage;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.ledger.Balance;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.subscription.SubscriptionStore;
import io.paybridge.core.subscription.Subscriptions;
import io.paybridge.core.sync.DeliveryView;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What the tenant's money did: the dashboard (a few counts and the latest payments), payments with
 * their filters and a customer's balance, and subscriptions.
 */
final class PaymentPages {

  private static final int PAGE_SIZE = 25;

  private final Payments payments;
  private final Subscriptions subscriptions;
  private final SyncTargets targets;
  private final GatewayAccounts gateways;
  private final Views views;

  /**
   * @param targets the deliveries that failed, counted on the dashboard
   * @param gateways the installed gateways and the tenant's accounts at them
   */
  PaymentPages(
      Payments payments,
      Subscriptions subscriptions,
      SyncTargets targets,
      GatewayAccounts gateways,
      Views views) {
    this.payments = payments;
    this.subscriptions = subscriptions;
    this.targets = targets;
    this.gateways = gateways;
    this.views = views;
  }

  void dashboard(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<GatewayAccount>> accounts = gateways.list(tenant);
    Future<Page<Payment, Long>> recent = payments.list(tenant, LedgerStore.Filter.NONE, null, 5);
    Future<Page<DeliveryView, Long>> failed = targets.deliveries(tenant, "failed", null, 50);
    Future<Boolean> syncing = hasTargets(tenant);
    Future.all(accounts, recent, failed, syncing)
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
                        gateways.gateways().size(),
                        paymentRows(recent.result().items()),
                        syncing.result())))
        .onFailure(ctx::fail);
  }

  /** Whether the tenant has sync targets: only then do payments show their sync state. */
  private Future<Boolean> hasTargets(UUID tenant) {
    return targets.list(tenant).map(list -> !list.isEmpty());
  }

  void payments(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    String gateway = blankToNull(ctx.request().getParam("gateway"));
    String kind = blankToNull(ctx.request().getParam("kind"));
    String customer = blankToNull(ctx.request().getParam("customer"));
    String payment = blankToNull(ctx.request().getParam("payment"));
    String beforeParam = blankToNull(ctx.request().getParam("before"));
    if (gateway != null && gateways.gateway(gateway) == null) {
      gateway = null;
    }
    LedgerStore.Filter filter;
    try {
      filter = Payments.filter(gateway, kind, customer, payment);
    } catch (InvalidInput e) {
      throw new HttpException(400, e.getMessage());
    }
    Long before;
    try {
      before = beforeParam == null ? null : Long.parseLong(beforeParam);
    } catch (NumberFormatException e) {
      throw new HttpException(400);
    }
    Future<Page<Payment, Long>> page = payments.list(tenant, filter, before, PAGE_SIZE);
    Future<List<Balance>> balance =
        customer == null ? Future.succeededFuture(null) : payments.balance(tenant, customer);
    String g = gateway;
    Future<Boolean> syncing = hasTargets(tenant);
    Future.all(page, balance, syncing)
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
                      + (customer == null ? "" : "&customer=" + Format.url(customer))
                      + (payment == null ? "" : "&payment=" + Format.url(payment));
              Long next = page.result().next();
              views.page(
                  ctx,
                  200,
                  "payments.jte",
                  new PaymentsPage(
                      gateways.gateways().stream()
                          .map(p -> new Option(p.id(), p.displayName(), p.id().equals(g)))
                          .toList(),
                      Arrays.stream(EventKind.values())
                          .map(
                              k ->
                                  new Option(
                                      k.name(), Format.kindLabel(k.name()), k.name().equals(kind)))
                          .toList(),
                      customer,
                      payment,
                      amounts,
                      paymentRows(page.result().items()),
                      syncing.result(),
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
              String[] ids = PaymentRow.references(e.kind(), e.entryKey(), e.externalPaymentId());
              return new PaymentRow(
                  Views.iso(e.occurredAt()),
                  displayName(e.gateway()),
                  e.kind(),
                  e.customerRef(),
                  e.amountMinor(),
                  e.currency(),
                  ids[0],
                  ids[1],
                  e.synced());
            })
        .toList();
  }

  void subscriptions(RoutingContext ctx) {
    subscriptions
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
                                        displayName(s.gateway()),
                                        s.externalSubscriptionId(),
                                        s.customerRef(),
                                        s.status(),
                                        Views.iso(s.currentPeriodEnd()),
                                        Views.iso(s.lastEventAt())))
                            .toList(),
                        page.hasMore())))
        .onFailure(ctx::fail);
  }

  /** A gateway as people know it: its display name (its id when no plugin is installed for it). */
  private String displayName(String gateway) {
    GatewayPlugin p = gateways.gateway(gateway);
    return p == null ? gateway : p.displayName();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
