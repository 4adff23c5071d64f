package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.CheckoutPage;
import io.paybridge.console.view.CheckoutsPage;
import io.paybridge.console.view.Format;
import io.paybridge.console.view.Option;
import io.paybridge.console.view.PaymentRow;
import io.paybridge.core.checkout.Checkout;
import io.paybridge.core.checkout.CheckoutDetail;
import io.paybridge.core.checkout.CheckoutStore;
import io.paybridge.core.checkout.Checkouts;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.UUID;

/**
 * The payments the tenant's app backend started: the list of checkouts with its filters, and one
 * checkout with the gateway's deliveries about it and the ledger entries it produced.
 */
final class CheckoutPages {

  private static final int PAGE_SIZE = 25;
  private static final List<String> STATUSES =
      List.of(
          Checkout.OPEN,
          Checkout.PAID,
          Checkout.PARTIALLY_REFUNDED,
          Checkout.REFUNDED,
          Checkout.CANCELLED,
          Checkout.FAILED,
          Checkout.FAILED_TO_START,
          Checkout.STARTING);

  private final Checkouts checkouts;
  private final GatewayAccounts gateways;
  private final SyncTargets targets;
  private final Views views;

  CheckoutPages(Checkouts checkouts, GatewayAccounts gateways, SyncTargets targets, Views views) {
    this.checkouts = checkouts;
    this.gateways = gateways;
    this.targets = targets;
    this.views = views;
  }

  /** {@code GET /console/checkouts?gateway=&status=&customer=&after=}. */
  void list(RoutingContext ctx) {
    String gateway = blankToNull(ctx.request().getParam("gateway"));
    String status = blankToNull(ctx.request().getParam("status"));
    String customer = blankToNull(ctx.request().getParam("customer"));
    String afterParam = blankToNull(ctx.request().getParam("after"));
    if (gateway != null && gateways.gateway(gateway) == null) {
      gateway = null;
    }
    if (status != null && !Checkout.STATUSES.contains(status)) {
      throw new HttpException(400, "the status must be one of " + String.join(", ", STATUSES));
    }
    UUID after;
    try {
      after = afterParam == null ? null : UUID.fromString(afterParam);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400);
    }
    CheckoutStore.Filter filter = new CheckoutStore.Filter(gateway, status, customer);
    String g = gateway;
    checkouts
        .list(tenantOf(ctx), filter, after, PAGE_SIZE)
        .onSuccess(
            page -> {
              String query =
                  (g == null ? "" : "&gateway=" + Format.url(g))
                      + (status == null ? "" : "&status=" + Format.url(status))
                      + (customer == null ? "" : "&customer=" + Format.url(customer));
              views.page(
                  ctx,
                  200,
                  "checkouts.jte",
                  new CheckoutsPage(
                      gateways.gateways().stream()
                          .filter(p -> p instanceof io.paybridge.spi.Checkouts)
                          .map(p -> new Option(p.id(), p.displayName(), p.id().equals(g)))
                          .toList(),
                      STATUSES.stream()
                          .map(s -> new Option(s, Format.kindLabel(s), s.equals(status)))
                          .toList(),
                      customer,
                      page.items().stream().map(this::row).toList(),
                      after != null || !filter.equals(CheckoutStore.Filter.NONE),
                      after == null
                          ? null
                          : "/console/checkouts"
                              + (query.isEmpty() ? "" : "?" + query.substring(1)),
                      page.next() == null
                          ? null
                          : "/console/checkouts?after=" + page.next() + query));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /console/checkouts/{id}}: another tenant's checkout is not found. */
  void detail(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(404);
    }
    UUID tenant = tenantOf(ctx);
    checkouts
        .get(tenant, id)
        .compose(detail -> targets.list(tenant).map(list -> page(detail, !list.isEmpty())))
        .onSuccess(page -> views.page(ctx, 200, "checkout.jte", page))
        .onFailure(
            err -> {
              if (err instanceof Refused r && r.kind() == Refused.Kind.NOT_FOUND) {
                ctx.fail(404);
              } else {
                ctx.fail(err);
              }
            });
  }

  private CheckoutsPage.Row row(Checkout c) {
    return new CheckoutsPage.Row(
        c.id().toString(),
        Views.iso(c.createdAt().toInstant()),
        displayName(c.gateway()),
        c.customerRef(),
        c.amountMinor(),
        c.currency(),
        c.status());
  }

  private CheckoutPage page(CheckoutDetail detail, boolean syncColumn) {
    Checkout c = detail.checkout();
    return new CheckoutPage(
        c.id().toString(),
        displayName(c.gateway()),
        c.customerRef(),
        c.amountMinor(),
        c.currency(),
        c.description(),
        c.status(),
        c.reference(),
        c.paidMinor(),
        c.refundedMinor(),
        c.failureCode() == null
            ? null
            : c.failureCode() + (c.failureMessage() == null ? "" : ": " + c.failureMessage()),
        c.lastError(),
        Views.iso(c.createdAt().toInstant()),
        Views.iso(c.updatedAt().toInstant()),
        detail.receipts().stream()
            .map(
                r ->
                    new CheckoutPage.Event(
                        r.id(), Views.iso(r.receivedAt()), r.eventType(), r.verdict(), r.reason()))
            .toList(),
        detail.entries().stream()
            .map(
                e -> {
                  String[] ids =
                      PaymentRow.references(e.kind(), e.entryKey(), e.externalPaymentId());
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
            .toList(),
        syncColumn);
  }

  private String displayName(String gateway) {
    GatewayPlugin p = gateways.gateway(gateway);
    return p == null ? gateway : p.displayName();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
