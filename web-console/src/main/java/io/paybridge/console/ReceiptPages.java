package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.html;
import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;
import static io.paybridge.console.ConsoleRoutes.who;
import static io.paybridge.console.Html.esc;

import io.paybridge.core.Platform;
import io.paybridge.core.ingest.ReceiptHeaders;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.buffer.Buffer;
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

  private final Platform platform;

  ReceiptPages(Platform platform) {
    this.platform = platform;
  }

  /** {@code GET /console/webhooks}: the receipt log with filters. */
  void list(RoutingContext ctx) {
    String verdict = param(ctx, "verdict");
    if (verdict != null && !VERDICTS.contains(verdict)) {
      verdict = null;
    }
    String gateway = param(ctx, "gateway");
    if (gateway != null && platform.plugins().get(gateway) == null) {
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
    platform
        .receipts()
        .list(tenantOf(ctx), filter, after, PAGE_SIZE)
        .onSuccess(
            page -> {
              StringBuilder b = new StringBuilder();
              b.append(
                  "<p class=\"lead\">Every delivery to your webhook URLs and what became of it:"
                      + " recorded, a duplicate of one received before, held until you complete"
                      + " the gateway's credentials, ignored (with the reason), or refused (with"
                      + " the reason).</p>");
              b.append("<form class=\"filters card\" method=\"get\" action=\"/console/webhooks\">")
                  .append("<label>Verdict<select name=\"verdict\"><option value=\"\">All</option>");
              for (String option : VERDICTS) {
                b.append(Html.option(option, label(option), option.equals(v)));
              }
              b.append("</select></label><label>Gateway<select name=\"gateway\">")
                  .append("<option value=\"\">All</option>");
              for (GatewayPlugin p : platform.plugins().all()) {
                b.append(Html.option(p.id(), p.displayName(), p.id().equals(g)));
              }
              b.append("</select></label><label>Event type<input name=\"eventType\"")
                  .append(" maxlength=\"255\" value=\"")
                  .append(esc(eventType))
                  .append("\"></label><label>From<input type=\"date\" name=\"from\" value=\"")
                  .append(esc(from))
                  .append("\"></label><label>To<input type=\"date\" name=\"to\" value=\"")
                  .append(esc(to))
                  .append("\"></label><div class=\"filter-actions\">")
                  .append("<button class=\"btn\" type=\"submit\">Filter</button>")
                  .append("<a class=\"btn btn-ghost\" href=\"/console/webhooks\">Clear</a>")
                  .append("</div></form>");
              if (page.data().isEmpty()) {
                b.append(
                    filter.equals(ReceiptStore.Filter.NONE) && after == null
                        ? Html.empty(
                            "No webhooks received yet",
                            "Once a gateway calls your webhook URL, each delivery is listed here.",
                            "<a class=\"btn\" href=\"/console/gateways\">Gateways</a>")
                        : Html.empty("No matching deliveries", "Try other filters.", null));
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Received</th>")
                    .append("<th>Gateway</th><th>Event type</th><th>Event id</th>")
                    .append("<th>Verdict</th></tr></thead><tbody>");
                for (ReceiptStore.Receipt r : page.data()) {
                  b.append("<tr><td data-label=\"Received\"><a href=\"/console/webhooks/")
                      .append(r.id())
                      .append("\">")
                      .append(Html.time(r.receivedAt().toString()))
                      .append("</a></td><td data-label=\"Gateway\">")
                      .append(esc(displayName(r.gateway())))
                      .append("</td><td data-label=\"Event type\" class=\"mono\">")
                      .append(esc(r.eventType() == null ? "—" : r.eventType()))
                      .append("</td><td data-label=\"Event id\" class=\"mono truncate\">")
                      .append(esc(r.eventId() == null ? "—" : r.eventId()))
                      .append("</td><td data-label=\"Verdict\">")
                      .append(badge(r.verdict()));
                  if (r.reason() != null) {
                    b.append("<div class=\"muted small\">")
                        .append(esc(r.reason()))
                        .append("</div>");
                  }
                  b.append("</td></tr>");
                }
                b.append("</tbody></table></div>");
              }
              String query =
                  (v == null ? "" : "&verdict=" + Html.url(v))
                      + (g == null ? "" : "&gateway=" + Html.url(g))
                      + (eventType == null ? "" : "&eventType=" + Html.url(eventType))
                      + (from == null ? "" : "&from=" + from)
                      + (to == null ? "" : "&to=" + to);
              b.append("<nav class=\"pager\">");
              if (after != null) {
                b.append("<a class=\"btn btn-ghost\" href=\"/console/webhooks?")
                    .append(esc(query.isEmpty() ? "" : query.substring(1)))
                    .append("\">← Newest</a>");
              }
              if (page.hasMore()) {
                long last = page.data().get(page.data().size() - 1).id();
                b.append("<a class=\"btn\" href=\"/console/webhooks?after=")
                    .append(last)
                    .append(esc(query))
                    .append("\">Older →</a>");
              }
              b.append("</nav>");
              html(ctx, 200, Html.page("Webhooks", "webhooks", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /console/webhooks/{id}}: one delivery as received and what it booked. */
  void detail(RoutingContext ctx) {
    long id = pathId(ctx);
    platform
        .receipts()
        .get(tenantOf(ctx), id)
        .onSuccess(
            detail -> {
              if (detail == null) {
                ctx.fail(404);
                return;
              }
              ReceiptStore.Receipt r = detail.receipt();
              StringBuilder b = new StringBuilder();
              String done = ctx.request().getParam("reprocessed");
              if (done != null) {
                b.append(Html.alert("success", "Processed again: " + done + "."));
              }
              String problem = ctx.request().getParam("problem");
              if (problem != null) {
                b.append(Html.alert("danger", problem));
              }
              b.append("<section class=\"card\"><dl class=\"facts\">")
                  .append(fact("Received", Html.time(r.receivedAt().toString())))
                  .append(fact("Gateway", esc(displayName(r.gateway()))))
                  .append(fact("Verdict", badge(r.verdict())))
                  .append(fact("Reason", esc(r.reason() == null ? "—" : r.reason())))
                  .append(fact("Event type", esc(r.eventType() == null ? "—" : r.eventType())))
                  .append(fact("Event id", esc(r.eventId() == null ? "—" : r.eventId())))
                  .append(fact("From", esc(r.remote() == null ? "—" : r.remote())));
              if (r.duplicateOf() != null) {
                b.append(
                    fact(
                        "Repeats",
                        "<a href=\"/console/webhooks/"
                            + r.duplicateOf()
                            + "\">receipt "
                            + r.duplicateOf()
                            + "</a>"));
              }
              b.append("</dl>");
              if (detail.body() != null && !"duplicate".equals(r.verdict())) {
                b.append("<form method=\"post\" action=\"/console/webhooks/")
                    .append(id)
                    .append("/reprocess\">")
                    .append(Html.csrf(ConsoleRoutes.csrfToken(ctx)))
                    .append("<button class=\"btn\" type=\"submit\">Process again</button>")
                    .append(
                        "<p class=\"muted small\">Verifies and books the delivery again with the"
                            + " account's current credentials; what is already booked is not"
                            + " booked twice.</p></form>");
              }
              b.append("</section><section class=\"card\"><h2>Booked</h2>");
              if (detail.booked().isEmpty()) {
                b.append("<p class=\"muted\">Nothing was booked from this delivery.</p>");
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Kind</th>")
                    .append("<th>Amount</th><th>Payment</th><th>Customer</th></tr></thead><tbody>");
                for (ReceiptStore.BookedEntry e : detail.booked()) {
                  b.append("<tr><td data-label=\"Kind\">")
                      .append(esc(e.kind()))
                      .append("</td><td data-label=\"Amount\">")
                      .append(Html.money(e.amountMinor(), e.currency()))
                      .append("</td><td data-label=\"Payment\" class=\"mono truncate\">")
                      .append(esc(e.externalPaymentId() == null ? "—" : e.externalPaymentId()))
                      .append("</td><td data-label=\"Customer\" class=\"mono truncate\">")
                      .append(esc(e.customerRef() == null ? "—" : e.customerRef()))
                      .append("</td></tr>");
                }
                b.append("</tbody></table></div>");
              }
              b.append("</section><section class=\"card\"><h2>Headers</h2>");
              Iterable<Map.Entry<String, String>> headers = ReceiptHeaders.decode(detail.headers());
              if (detail.headers() == null) {
                b.append("<p class=\"muted\">Not kept.</p>");
              } else {
                b.append("<dl class=\"facts mono\">");
                for (Map.Entry<String, String> h : headers) {
                  b.append(fact(esc(h.getKey()), esc(h.getValue())));
                }
                b.append("</dl>");
              }
              b.append("</section><section class=\"card\"><h2>Body</h2>");
              b.append(body(detail.body())).append("</section>");
              html(ctx, 200, Html.page("Delivery " + id, "webhooks", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  /** {@code POST /console/webhooks/{id}/reprocess}. */
  void reprocess(RoutingContext ctx) {
    long id = pathId(ctx);
    platform
        .receipts()
        .reprocess(tenantOf(ctx), id)
        .onSuccess(
            outcome -> {
              if (outcome == null) {
                ctx.fail(404);
                return;
              }
              String said =
                  label(outcome.verdict())
                      + (outcome.newEntries() > 0
                          ? ", " + outcome.newEntries() + " new ledger entries"
                          : ", nothing new booked");
              redirect(ctx, "/webhooks/" + id + "?reprocessed=" + Html.url(said));
            })
        .onFailure(
            err -> {
              if (err instanceof Receipts.NotReprocessable) {
                redirect(ctx, "/webhooks/" + id + "?problem=" + Html.url(err.getMessage()));
              } else if (err instanceof GatewayApiException) {
                redirect(
                    ctx,
                    "/webhooks/"
                        + id
                        + "?problem="
                        + Html.url("The gateway's API could not be reached. Try again later."));
              } else {
                ctx.fail(err);
              }
            });
  }

  private String displayName(String gateway) {
    GatewayPlugin plugin = platform.plugins().get(gateway);
    return plugin == null ? gateway : plugin.displayName();
  }

  private static String body(Buffer body) {
    if (body == null) {
      return "<p class=\"muted\">Not kept: the delivery was refused before it could be"
          + " authenticated, or its body passed the retention period.</p>";
    }
    return "<pre class=\"body\">" + esc(body.toString(StandardCharsets.UTF_8)) + "</pre>";
  }

  private static String fact(String term, String valueHtml) {
    return "<dt>" + term + "</dt><dd>" + valueHtml + "</dd>";
  }

  static String badge(String verdict) {
    String tone =
        switch (verdict) {
          case "recorded" -> "success";
          case "duplicate" -> "muted";
          case "held" -> "warning";
          case "ignored" -> "info";
          default -> "danger";
        };
    return Html.badge(tone, label(verdict));
  }

  private static String label(String verdict) {
    return switch (verdict) {
      case "recorded" -> "Recorded";
      case "duplicate" -> "Duplicate";
      case "held" -> "Held";
      case "ignored" -> "Ignored";
      default -> "Rejected";
    };
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
