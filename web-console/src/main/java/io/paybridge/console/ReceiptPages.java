package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.Format;
import io.paybridge.console.view.Option;
import io.paybridge.console.view.ReceiptPage;
import io.paybridge.console.view.ReceiptsPage;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.ingest.ReceiptHeaders;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The receipt log: every delivery to the tenant's webhook URLs with its verdict and reason,
 * filtered like the API's {@code GET /api/v1/receipts}; one receipt with its body, headers and what
 * it booked; and processing one again.
 */
final class ReceiptPages {

  private static final int PAGE_SIZE = 50;
  private static final List<String> VERDICTS =
      List.of("recorded", "duplicate", "held", "ignored", "rejected");

  private final Receipts receipts;
  private final GatewayAccounts gateways;
  private final Views views;

  /**
   * @param gateways the installed gateways, by which the log is filtered
   */
  ReceiptPages(Receipts receipts, GatewayAccounts gateways, Views views) {
    this.receipts = receipts;
    this.gateways = gateways;
    this.views = views;
  }

  /** {@code GET /console/webhooks}: the receipt log with filters. */
  void list(RoutingContext ctx) {
    String verdict = param(ctx, "verdict");
    if (verdict != null && !VERDICTS.contains(verdict)) {
      verdict = null;
    }
    String gateway = param(ctx, "gateway");
    if (gateway != null && gateways.gateway(gateway) == null) {
      gateway = null;
    }
    String eventType = param(ctx, "eventType");
    if (eventType != null && eventType.length() > 255) {
      throw new HttpException(400, "The event type is longer than 255 characters.");
    }
    LocalDate from = date(ctx, "from");
    LocalDate to = date(ctx, "to");
    Long after = id(param(ctx, "after"));
    ReceiptStore.Filter filter =
        new ReceiptStore.Filter(
            verdict,
            gateway,
            eventType,
            from == null ? null : from.atStartOfDay().toInstant(ZoneOffset.UTC),
            to == null ? null : to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    String v = verdict;
    String g = gateway;
    receipts
        .list(tenantOf(ctx), filter, after, PAGE_SIZE)
        .onSuccess(
            page -> {
              String query =
                  (v == null ? "" : "&verdict=" + Format.url(v))
                      + (g == null ? "" : "&gateway=" + Format.url(g))
                      + (eventType == null ? "" : "&eventType=" + Format.url(eventType))
                      + (from == null ? "" : "&from=" + from)
                      + (to == null ? "" : "&to=" + to);
              String newest =
                  after == null
                      ? null
                      : "/console/webhooks" + (query.isEmpty() ? "" : "?" + query.substring(1));
              String older =
                  page.hasMore() ? "/console/webhooks?after=" + page.next() + query : null;
              List<ReceiptsPage.Row> rows =
                  page.items().stream()
                      .map(
                          r ->
                              new ReceiptsPage.Row(
                                  r.id(),
                                  r.receivedAt(),
                                  displayName(r.gateway()),
                                  r.eventType(),
                                  r.eventId(),
                                  r.verdict(),
                                  r.reason()))
                      .toList();
              views.page(
                  ctx,
                  200,
                  "webhooks.jte",
                  new ReceiptsPage(
                      VERDICTS.stream()
                          .map(o -> new Option(o, Format.verdictLabel(o), o.equals(v)))
                          .toList(),
                      gateways.gateways().stream()
                          .map(p -> new Option(p.id(), p.displayName(), p.id().equals(g)))
                          .toList(),
                      eventType,
                      from,
                      to,
                      rows,
                      !filter.equals(ReceiptStore.Filter.NONE) || after != null,
                      newest,
                      older));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /console/webhooks/{id}}: one delivery as received and what it booked. */
  void detail(RoutingContext ctx) {
    long id = pathId(ctx);
    receipts
        .get(tenantOf(ctx), id)
        .compose(ConsoleRoutes.found())
        .onSuccess(
            detail -> {
              ReceiptStore.Receipt r = detail.receipt();
              List<Map.Entry<String, String>> headers =
                  detail.headers() == null
                      ? null
                      : ReceiptHeaders.decode(detail.headers()).entries();
              views.page(
                  ctx,
                  200,
                  "webhook.jte",
                  new ReceiptPage(
                      Views.csrf(ctx),
                      id,
                      ctx.request().getParam("reprocessed"),
                      ctx.request().getParam("problem"),
                      r.receivedAt(),
                      displayName(r.gateway()),
                      r.verdict(),
                      r.reason(),
                      r.eventType(),
                      r.eventId(),
                      r.remote(),
                      r.duplicateOf(),
                      detail.body() != null && !"duplicate".equals(r.verdict()),
                      detail.booked().stream()
                          .map(
                              e ->
                                  new ReceiptPage.Booked(
                                      e.kind(),
                                      e.amountMinor(),
                                      e.currency(),
                                      e.externalPaymentId(),
                                      e.customerRef()))
                          .toList(),
                      headers,
                      detail.body() == null
                          ? null
                          : detail.body().toString(StandardCharsets.UTF_8)));
            })
        .onFailure(ctx::fail);
  }

  /** {@code POST /console/webhooks/{id}/reprocess}. */
  void reprocess(RoutingContext ctx) {
    long id = pathId(ctx);
    receipts
        .reprocess(tenantOf(ctx), id)
        .compose(ConsoleRoutes.found())
        .onSuccess(
            outcome -> {
              String said =
                  Format.verdictLabel(outcome.verdict())
                      + (outcome.newEntries() > 0
                          ? ", " + outcome.newEntries() + " new ledger entries"
                          : ", nothing new booked");
              redirect(ctx, "/webhooks/" + id + "?reprocessed=" + Format.url(said));
            })
        .onFailure(
            err -> {
              if (err instanceof Receipts.NotReprocessable) {
                redirect(ctx, "/webhooks/" + id + "?problem=" + Format.url(err.getMessage()));
              } else if (err instanceof GatewayApiException) {
                redirect(
                    ctx,
                    "/webhooks/"
                        + id
                        + "?problem="
                        + Format.url("The gateway's API could not be reached. Try again later."));
              } else {
                ctx.fail(err);
              }
            });
  }

  private String displayName(String gateway) {
    GatewayPlugin plugin = gateways.gateway(gateway);
    return plugin == null ? gateway : plugin.displayName();
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static LocalDate date(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new HttpException(400, "Dates are written as 2026-01-31.");
    }
  }

  private static Long id(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new HttpException(400, "That page of the log does not exist.");
    }
  }

  private static long pathId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new HttpException(404);
    }
  }
}
