package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.html;
import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;
import static io.paybridge.console.ConsoleRoutes.who;
import static io.paybridge.console.Html.esc;

import io.paybridge.core.Platform;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payments;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The signed-in tenant's pages. The tenant id always comes from the session. */
final class TenantPages {

  /** The partner API's scopes, offered when creating an API client. */
  static final List<String> SCOPES = io.paybridge.core.security.ApiScopes.ALL;

  private static final int PAGE_SIZE = 25;

  private final Platform platform;

  TenantPages(Platform platform) {
    this.platform = platform;
  }

  // ---- Dashboard -------------------------------------------------------------------------------

  void dashboard(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<GatewayAccount>> accounts = platform.gatewayAccounts().list(tenant);
    Future<LedgerStore.Page> recent =
        platform.payments().list(tenant, LedgerStore.Filter.NONE, null, 5);
    Future<List<JsonObject>> failed = platform.syncTargets().deliveries(tenant, "failed", null, 50);
    Future.all(accounts, recent, failed)
        .onSuccess(
            v -> {
              StringBuilder b = new StringBuilder();
              if (ctx.request().getParam("welcome") != null) {
                b.append(Html.alert("success", "Welcome to Paybridge. Your account is ready."));
              }
              if (accounts.result().isEmpty()) {
                b.append(
                    """
                    <section class="card onboarding">
                      <p class="eyebrow">Get started</p>
                      <h2>Next step: connect a payment gateway</h2>
                      <ol class="steps">
                        <li class="current"><strong>Connect a gateway.</strong> Enter the credentials from your gateway's dashboard.</li>
                        <li><strong>Paste the webhook URL</strong> Paybridge shows you into the gateway's webhook settings.</li>
                        <li><strong>Create an API client</strong> so your systems can read payments and balances.</li>
                      </ol>
                      <a class="btn btn-primary" href="/console/gateways">Connect a gateway</a>
                    </section>""");
              } else {
                b.append("<div class=\"stats\">")
                    .append(stat("Connected gateways", accounts.result().size(), "/gateways"))
                    .append(stat("Failed deliveries", failed.result().size(), "/sync"))
                    .append(
                        stat("Installed gateways", platform.plugins().all().size(), "/gateways"))
                    .append("</div>");
                b.append(
                    "<section class=\"card\"><div class=\"card-head\"><h2>Recent payments</h2>"
                        + "<a href=\"/console/payments\">View all</a></div>");
                if (recent.result().entries().isEmpty()) {
                  b.append(
                      Html.empty(
                          "No payments yet",
                          "Payments appear here as soon as a gateway delivers its first webhook.",
                          "<a class=\"btn\" href=\"/console/gateways\">Check your webhook URLs</a>"));
                } else {
                  b.append(paymentsTable(recent.result().entries()));
                }
                b.append("</section>");
              }
              html(ctx, 200, Html.page("Dashboard", "dashboard", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  private static String stat(String label, int value, String link) {
    return "<a class=\"stat card\" href=\"/console"
        + link
        + "\"><span class=\"stat-value\">"
        + value
        + "</span><span class=\"stat-label\">"
        + esc(label)
        + "</span></a>";
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
              StringBuilder b = new StringBuilder();
              String removed = ctx.request().getParam("removed");
              if (removed != null && platform.plugins().get(removed) != null) {
                b.append(
                    Html.alert(
                        "info",
                        platform.plugins().get(removed).displayName()
                            + " was disconnected; its webhook URL no longer accepts deliveries."));
              }
              b.append(
                  "<p class=\"lead\">Connect each gateway you take payments with. Paybridge verifies"
                      + " every webhook it sends and records each payment once.</p>");
              b.append("<div class=\"table-wrap\"><table><thead><tr><th>Gateway</th>")
                  .append("<th>Status</th><th>Webhook URL</th><th></th></tr></thead><tbody>");
              List<GatewayPlugin> plugins = new ArrayList<>(platform.plugins().all());
              plugins.sort(Comparator.comparing(GatewayPlugin::displayName));
              for (GatewayPlugin p : plugins) {
                GatewayAccount a =
                    accounts.stream()
                        .filter(x -> x.gateway().equals(p.id()))
                        .findFirst()
                        .orElse(null);
                b.append("<tr><td data-label=\"Gateway\"><strong>")
                    .append(esc(p.displayName()))
                    .append("</strong></td><td data-label=\"Status\">")
                    .append(
                        a == null
                            ? Html.badge("muted", "Not connected")
                            : Html.badge("success", "Connected"))
                    .append(heldNote(p, held.getOrDefault(p.id(), 0L)))
                    .append("</td><td data-label=\"Webhook URL\" class=\"mono truncate\">")
                    .append(a == null ? "—" : esc(platform.webhookUrl(a)))
                    .append("</td><td class=\"actions\"><a class=\"btn btn-sm")
                    .append(a == null ? " btn-primary" : "")
                    .append("\" href=\"/console/gateways/")
                    .append(esc(Html.url(p.id())))
                    .append("\">")
                    .append(a == null ? "Connect" : "Manage")
                    .append("</a></td></tr>");
              }
              b.append("</tbody></table></div>");
              html(ctx, 200, Html.page("Gateways", "gateways", who(ctx), b.toString()));
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
                html(
                    ctx,
                    200,
                    gatewayPage(
                        ctx,
                        plugin,
                        found.result(),
                        held.result().getOrDefault(plugin.id(), 0L),
                        Map.of(),
                        null,
                        null,
                        ctx.request().getParam("saved") != null)))
        .onFailure(ctx::fail);
  }

  /** A warning under a gateway's status when deliveries wait for its credentials. */
  private static String heldNote(GatewayPlugin plugin, long held) {
    if (held == 0) {
      return "";
    }
    return "<div class=\"small\"><a href=\"/console/webhooks?verdict=held&amp;gateway="
        + esc(Html.url(plugin.id()))
        + "\">"
        + Html.badge("warning", held + (held == 1 ? " delivery held" : " deliveries held"))
        + "</a></div>";
  }

  void saveGateway(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    UUID tenant = tenantOf(ctx);
    Map<String, String> typed = new java.util.HashMap<>();
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
        .onSuccess(account -> redirect(ctx, "/gateways/" + Html.url(plugin.id()) + "?saved=1"))
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
                        html(
                            ctx,
                            400,
                            gatewayPage(
                                ctx,
                                plugin,
                                both.resultAt(0),
                                held.getOrDefault(plugin.id(), 0L),
                                typed,
                                e.getMessage(),
                                e.field(),
                                false));
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
              redirect(ctx, "/gateways?removed=" + Html.url(plugin.id()));
            })
        .onFailure(ctx::fail);
  }

  /** What Paybridge does with each event type the gateway sends. */
  private static String eventTable(GatewayPlugin plugin) {
    StringBuilder b =
        new StringBuilder(
            "<details><summary>What Paybridge does with each event</summary>"
                + "<div class=\"table-wrap\"><table><thead><tr><th>Event</th><th>Action</th>"
                + "<th>Details</th></tr></thead><tbody>");
    for (io.paybridge.spi.EventRule rule : plugin.eventTable()) {
      b.append("<tr><td data-label=\"Event\" class=\"mono\">")
          .append(esc(rule.eventType()))
          .append("</td><td data-label=\"Action\">")
          .append(
              switch (rule.action()) {
                case BOOKS -> Html.badge("success", "Books");
                case HOLDS -> Html.badge("warning", "Holds");
                case IGNORES -> Html.badge("muted", "Ignores");
              })
          .append("</td><td data-label=\"Details\">")
          .append(esc(rule.what()))
          .append("</td></tr>");
    }
    return b.append("</tbody></table></div></details>").toString();
  }

  private GatewayPlugin plugin(RoutingContext ctx) {
    String id = ctx.pathParam("gateway");
    GatewayPlugin plugin = id == null ? null : platform.plugins().get(id);
    if (plugin == null) {
      throw new HttpException(404);
    }
    return plugin;
  }

  private String gatewayPage(
      RoutingContext ctx,
      GatewayPlugin plugin,
      GatewayAccount account,
      long held,
      Map<String, String> typed,
      String error,
      String errorField,
      boolean saved) {
    StringBuilder b = new StringBuilder();
    b.append("<p class=\"crumbs\"><a href=\"/console/gateways\">Gateways</a> / ")
        .append(esc(plugin.displayName()))
        .append("</p>");
    if (saved) {
      b.append(Html.alert("success", "Saved. Paste the webhook URL below into your gateway."));
    }
    if (held > 0) {
      b.append(
          Html.alert(
              "warning",
              held
                  + (held == 1 ? " delivery is" : " deliveries are")
                  + " held: booking "
                  + (held == 1 ? "it" : "them")
                  + " needs credentials this account does not have yet (see each one's reason"
                  + " in the webhook log). Save them below and the held deliveries are booked by"
                  + " themselves, once."));
      b.append("<p><a href=\"/console/webhooks?verdict=held&amp;gateway=")
          .append(esc(Html.url(plugin.id())))
          .append("\">See the held deliveries</a></p>");
    }
    if (account != null) {
      String url = platform.webhookUrl(account);
      b.append(
          """
          <section class="card highlight">
            <h2>Webhook URL</h2>
            <p class="muted">In your %s dashboard, add an endpoint with this URL.</p>
            <div class="copy-row"><input id="webhook-url" class="mono" readonly value="%s" aria-label="Webhook URL">
            <button class="btn" type="button" data-copy="webhook-url">Copy</button></div>
            <h3>Events to subscribe to</h3><ul class="chips">"""
              .formatted(esc(plugin.displayName()), esc(url)));
      for (String event : plugin.subscribedEvents()) {
        b.append("<li class=\"mono\">").append(esc(event)).append("</li>");
      }
      b.append("</ul>")
          .append(eventTable(plugin))
          .append("<p class=\"muted small\">Connected ")
          .append(Html.time(account.createdAt()))
          .append(" · updated ")
          .append(Html.time(account.updatedAt()))
          .append("</p></section>");
    }
    b.append("<section class=\"card\"><h2>")
        .append(account == null ? "Connect " + esc(plugin.displayName()) : "Credentials")
        .append("</h2>");
    if (error != null) {
      b.append(Html.alert("error", error));
    }
    b.append("<form method=\"post\" class=\"form\" action=\"/console/gateways/")
        .append(esc(Html.url(plugin.id())))
        .append("\">")
        .append(Html.csrf(ConsoleRoutes.csrfToken(ctx)));
    for (CredentialField f : plugin.credentialSchema().fields()) {
      String id = "f-" + f.name();
      boolean isSet = account != null && account.credentials().get(f.name()) != null;
      String invalid = f.name().equals(errorField) ? " aria-invalid=\"true\"" : "";
      b.append("<label for=\"")
          .append(esc(id))
          .append("\">")
          .append(esc(f.label()))
          .append(f.required() ? "" : " <span class=\"optional\">optional</span>")
          .append("</label>");
      if (f.secret()) {
        // Write-only: never echo a stored or typed secret.
        b.append("<input type=\"password\" autocomplete=\"new-password\" id=\"")
            .append(esc(id))
            .append("\" name=\"")
            .append(esc(f.name()))
            .append("\" maxlength=\"")
            .append(f.maxLength())
            .append("\"")
            .append(isSet ? " placeholder=\"•••• set — leave blank to keep\"" : "")
            .append(!isSet && f.required() ? " required" : "")
            .append(invalid)
            .append(">");
        if (isSet) {
          b.append(Html.badge("success", "•••• set"));
        }
      } else {
        String value =
            typed.containsKey(f.name())
                ? typed.get(f.name())
                : account == null ? null : account.credentials().get(f.name());
        if (!f.allowedValues().isEmpty()) {
          b.append("<select id=\"")
              .append(esc(id))
              .append("\" name=\"")
              .append(esc(f.name()))
              .append("\"")
              .append(invalid)
              .append(">");
          if (!f.required()) {
            b.append("<option value=\"\">Default")
                .append(f.defaultValue() == null ? "" : " (" + esc(f.defaultValue()) + ")")
                .append("</option>");
          }
          String selected = value == null ? f.defaultValue() : value;
          for (String option : f.allowedValues()) {
            b.append("<option value=\"")
                .append(esc(option))
                .append("\"")
                .append(option.equals(selected) ? " selected" : "")
                .append(">")
                .append(esc(option))
                .append("</option>");
          }
          b.append("</select>");
        } else {
          b.append("<input type=\"text\" id=\"")
              .append(esc(id))
              .append("\" name=\"")
              .append(esc(f.name()))
              .append("\" value=\"")
              .append(esc(value))
              .append("\" maxlength=\"")
              .append(f.maxLength())
              .append("\"")
              .append(
                  f.defaultValue() == null ? "" : " placeholder=\"" + esc(f.defaultValue()) + "\"")
              .append(f.required() ? " required" : "")
              .append(invalid)
              .append(">");
        }
      }
      if (!f.description().isEmpty()) {
        b.append("<p class=\"hint\">").append(esc(f.description())).append("</p>");
      }
    }
    b.append("<div class=\"form-actions\"><button class=\"btn btn-primary\" type=\"submit\">")
        .append(account == null ? "Connect" : "Save changes")
        .append(
            "</button><a class=\"btn btn-ghost\" href=\"/console/gateways\">Cancel</a></div></form></section>");
    if (account != null) {
      b.append(
          """
          <section class="card danger-zone"><h2>Disconnect</h2>
          <p class="muted">The webhook URL stops accepting deliveries at once. Recorded payments stay.</p>
          <form method="post" action="/console/gateways/%s/delete" data-confirm="Disconnect %s? Its webhook URL stops working at once.">%s
          <button class="btn btn-danger" type="submit">Disconnect %s</button></form></section>"""
              .formatted(
                  esc(Html.url(plugin.id())),
                  esc(plugin.displayName()),
                  Html.csrf(ConsoleRoutes.csrfToken(ctx)),
                  esc(plugin.displayName())));
    }
    return Html.page(plugin.displayName(), "gateways", who(ctx), b.toString());
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
    Future<LedgerStore.Page> page = platform.payments().list(tenant, filter, before, PAGE_SIZE);
    Future<JsonArray> balance =
        customer == null
            ? Future.succeededFuture(null)
            : platform.payments().balance(tenant, customer);
    String g = gateway;
    Future.all(page, balance)
        .onSuccess(
            v -> {
              StringBuilder b = new StringBuilder();
              b.append("<form class=\"filters card\" method=\"get\" action=\"/console/payments\">")
                  .append("<label>Gateway<select name=\"gateway\"><option value=\"\">All</option>");
              for (GatewayPlugin p : platform.plugins().all()) {
                b.append(Html.option(p.id(), p.displayName(), p.id().equals(g)));
              }
              b.append(
                  "</select></label><label>Kind<select name=\"kind\"><option value=\"\">All</option>");
              for (EventKind k : EventKind.values()) {
                b.append(Html.option(k.name(), kindLabel(k.name()), k.name().equals(kind)));
              }
              b.append(
                      "</select></label><label>Customer<input name=\"customer\" maxlength=\"200\" value=\"")
                  .append(esc(customer))
                  .append("\" placeholder=\"customer reference\"></label>")
                  .append(
                      "<div class=\"filter-actions\"><button class=\"btn\" type=\"submit\">Filter</button>")
                  .append(
                      "<a class=\"btn btn-ghost\" href=\"/console/payments\">Clear</a></div></form>");
              if (customer != null) {
                b.append("<section class=\"card balance\"><h2>Balance of ")
                    .append(esc(customer))
                    .append("</h2>");
                JsonArray amounts = balance.result();
                if (amounts.isEmpty()) {
                  b.append("<p class=\"muted\">No payments or refunds for this customer.</p>");
                } else {
                  b.append("<div class=\"balances\">");
                  for (int i = 0; i < amounts.size(); i++) {
                    JsonObject a = amounts.getJsonObject(i);
                    b.append("<span class=\"stat-value\">")
                        .append(Html.money(a.getLong("amountMinor"), a.getString("currency")))
                        .append("</span>");
                  }
                  b.append("</div>");
                }
                b.append("</section>");
              }
              List<JsonObject> entries = page.result().entries();
              if (entries.isEmpty()) {
                b.append(
                    before == null && filter.equals(LedgerStore.Filter.NONE)
                        ? Html.empty(
                            "No payments yet",
                            "Payments appear here as soon as a connected gateway delivers a webhook.",
                            "<a class=\"btn\" href=\"/console/gateways\">Gateways</a>")
                        : Html.empty("No matching payments", "Try other filters.", null));
              } else {
                b.append(paymentsTable(entries));
              }
              String query =
                  (g == null ? "" : "&gateway=" + Html.url(g))
                      + (kind == null ? "" : "&kind=" + Html.url(kind))
                      + (customer == null ? "" : "&customer=" + Html.url(customer));
              b.append("<nav class=\"pager\">");
              if (before != null) {
                b.append("<a class=\"btn btn-ghost\" href=\"/console/payments?")
                    .append(esc(query.isEmpty() ? "" : query.substring(1)))
                    .append("\">← Newest</a>");
              }
              if (page.result().nextBefore() != null) {
                b.append("<a class=\"btn\" href=\"/console/payments?before=")
                    .append(page.result().nextBefore())
                    .append(esc(query))
                    .append("\">Older →</a>");
              }
              b.append("</nav>");
              html(ctx, 200, Html.page("Payments", "payments", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  private String paymentsTable(List<JsonObject> entries) {
    StringBuilder b = new StringBuilder();
    b.append("<div class=\"table-wrap\"><table class=\"payments\"><thead><tr><th>Date</th>")
        .append("<th>Gateway</th><th>Kind</th><th>Customer</th><th class=\"num\">Amount</th>")
        .append("<th>Payment id</th><th>Sync</th></tr></thead><tbody>");
    for (JsonObject e : entries) {
      String gateway = e.getString("gateway");
      GatewayPlugin p = platform.plugins().get(gateway);
      String customer = e.getString("customerRef");
      long amount = e.getLong("amountMinor") == null ? 0 : e.getLong("amountMinor");
      b.append("<tr><td data-label=\"Date\">")
          .append(Html.time(e.getString("occurredAt")))
          .append("</td><td data-label=\"Gateway\">")
          .append(esc(p == null ? gateway : p.displayName()))
          .append("</td><td data-label=\"Kind\">")
          .append(Html.badge(kindTone(e.getString("kind")), kindLabel(e.getString("kind"))))
          .append("</td><td data-label=\"Customer\">")
          .append(
              customer == null
                  ? "—"
                  : "<a href=\"/console/payments?customer="
                      + esc(Html.url(customer))
                      + "\">"
                      + esc(customer)
                      + "</a>")
          .append("</td><td data-label=\"Amount\" class=\"num")
          .append(amount < 0 ? " negative" : "")
          .append("\">")
          .append(Html.money(e.getLong("amountMinor"), e.getString("currency")))
          .append("</td><td data-label=\"Payment id\" class=\"mono truncate\">")
          .append(esc(e.getString("externalPaymentId")))
          .append("</td><td data-label=\"Sync\">")
          .append(
              Boolean.TRUE.equals(e.getBoolean("synced"))
                  ? Html.badge("success", "Synced")
                  : Html.badge("muted", "Not synced"))
          .append("</td></tr>");
    }
    return b.append("</tbody></table></div>").toString();
  }

  private static String kindLabel(String kind) {
    if (kind == null) {
      return "";
    }
    String s = kind.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String kindTone(String kind) {
    return switch (kind == null ? "" : kind) {
      case "PAYMENT", "RECURRING_CHARGED" -> "success";
      case "REFUND", "DISPUTE" -> "danger";
      case "RECURRING_CANCELLED" -> "muted";
      default -> "info";
    };
  }

  // ---- Subscriptions and webhooks --------------------------------------------------------------

  void subscriptions(RoutingContext ctx) {
    platform
        .subscriptions()
        .list(tenantOf(ctx), null, 100, null, null, null)
        .onSuccess(
            page -> {
              StringBuilder b = new StringBuilder();
              if (page.entries().isEmpty()) {
                b.append(
                    Html.empty(
                        "No subscriptions yet",
                        "Subscriptions appear when a gateway reports a recurring charge.",
                        null));
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Gateway</th>")
                    .append("<th>Subscription</th><th>Customer</th><th>Status</th>")
                    .append("<th>Period ends</th><th>Last event</th></tr></thead><tbody>");
                for (JsonObject s : page.entries()) {
                  String status = s.getString("status");
                  b.append("<tr><td data-label=\"Gateway\">")
                      .append(esc(s.getString("gateway")))
                      .append("</td><td data-label=\"Subscription\" class=\"mono truncate\">")
                      .append(esc(s.getString("externalSubscriptionId")))
                      .append("</td><td data-label=\"Customer\">")
                      .append(esc(s.getString("customerRef")))
                      .append("</td><td data-label=\"Status\">")
                      .append(Html.badge("active".equals(status) ? "success" : "muted", status))
                      .append("</td><td data-label=\"Period ends\">")
                      .append(Html.time(s.getString("currentPeriodEnd")))
                      .append("</td><td data-label=\"Last event\">")
                      .append(Html.time(s.getString("lastEventAt")))
                      .append("</td></tr>");
                }
                b.append("</tbody></table></div>");
                if (page.nextAfter() != null) {
                  b.append("<p class=\"muted small\">Showing the first 100 subscriptions.</p>");
                }
              }
              html(ctx, 200, Html.page("Subscriptions", "subscriptions", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  // ---- Sync ------------------------------------------------------------------------------------

  void sync(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<SyncStore.Target>> targets = platform.syncTargets().list(tenant);
    Future<List<JsonObject>> failed = platform.syncTargets().deliveries(tenant, "failed", null, 50);
    Future<List<JsonObject>> dead = platform.syncTargets().deliveries(tenant, "dead", null, 50);
    Future.all(targets, failed, dead)
        .onSuccess(
            v -> {
              StringBuilder b = new StringBuilder();
              String replayed = ctx.request().getParam("replayed");
              if (replayed != null && replayed.matches("\\d{1,19}")) {
                b.append(Html.alert("success", "Delivery " + replayed + " will be sent again."));
              }
              b.append("<section class=\"card\"><h2>Sync targets</h2>");
              if (targets.result().isEmpty()) {
                b.append(
                    Html.empty(
                        "No sync targets",
                        "Sync targets receive every recorded payment. Create them with the partner"
                            + " API (POST /api/v1/sync-targets).",
                        null));
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Type</th><th>URL</th>")
                    .append("<th>Status</th><th>Created</th></tr></thead><tbody>");
                for (SyncStore.Target t : targets.result()) {
                  b.append("<tr><td data-label=\"Type\">")
                      .append(esc(t.type()))
                      .append("</td><td data-label=\"URL\" class=\"mono truncate\">")
                      .append(esc(t.url()))
                      .append("</td><td data-label=\"Status\">")
                      .append(
                          t.enabled()
                              ? Html.badge("success", "Enabled")
                              : Html.badge("danger", "Disabled")
                                  + (t.disabledReason() == null
                                      ? ""
                                      : " <span class=\"muted small\">"
                                          + esc(t.disabledReason())
                                          + "</span>"))
                      .append("</td><td data-label=\"Created\">")
                      .append(Html.time(t.createdAt()))
                      .append("</td></tr>");
                }
                b.append("</tbody></table></div>");
              }
              b.append("</section><section class=\"card\"><h2>Failed deliveries</h2>");
              List<JsonObject> problems = new ArrayList<>(failed.result());
              problems.addAll(dead.result());
              problems.sort(
                  Comparator.comparing((JsonObject d) -> Long.parseLong(d.getString("id")))
                      .reversed());
              if (problems.isEmpty()) {
                b.append(
                    Html.empty("No failed deliveries", "Every delivery has gone through.", null));
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Delivery</th>")
                    .append("<th>Payment</th><th>Status</th><th>Attempts</th><th>Last error</th>")
                    .append("<th>Updated</th><th></th></tr></thead><tbody>");
                String csrf = Html.csrf(ConsoleRoutes.csrfToken(ctx));
                for (JsonObject d : problems) {
                  String error =
                      d.getString("lastError") != null
                          ? d.getString("lastError")
                          : d.getInteger("lastStatusCode") == null
                              ? ""
                              : "HTTP " + d.getInteger("lastStatusCode");
                  b.append("<tr><td data-label=\"Delivery\" class=\"mono\">")
                      .append(esc(d.getString("id")))
                      .append("</td><td data-label=\"Payment\" class=\"mono\">")
                      .append(esc(d.getString("paymentId")))
                      .append("</td><td data-label=\"Status\">")
                      .append(Html.badge("danger", d.getString("status")))
                      .append("</td><td data-label=\"Attempts\">")
                      .append(esc(d.getInteger("attempts")))
                      .append("</td><td data-label=\"Last error\" class=\"truncate\">")
                      .append(esc(error))
                      .append("</td><td data-label=\"Updated\">")
                      .append(Html.time(d.getString("updatedAt")))
                      .append(
                          "</td><td class=\"actions\"><form method=\"post\" action=\"/console/sync/deliveries/")
                      .append(esc(d.getString("id")))
                      .append("/replay\">")
                      .append(csrf)
                      .append(
                          "<button class=\"btn btn-sm\" type=\"submit\">Replay</button></form></td></tr>");
                }
                b.append("</tbody></table></div>");
              }
              b.append("</section>");
              html(ctx, 200, Html.page("Sync", "sync", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
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
    renderClients(ctx, 200, null, null, null);
  }

  void createApiClient(RoutingContext ctx) {
    platform
        .apiClients()
        .create(
            tenantOf(ctx),
            ctx.request().getFormAttribute("name"),
            ctx.request().formAttributes().getAll("scope"))
        .onSuccess(
            created -> renderClients(ctx, 201, created.clientId(), created.clientSecret(), null))
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                renderClients(ctx, 400, null, null, invalid.getMessage());
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
      RoutingContext ctx, int status, String newClientId, String newSecret, String error) {
    platform
        .apiClients()
        .list(tenantOf(ctx))
        .onSuccess(
            clients -> {
              StringBuilder b = new StringBuilder();
              String csrf = Html.csrf(ConsoleRoutes.csrfToken(ctx));
              if (ctx.request().getParam("revoked") != null) {
                b.append(Html.alert("info", "The client was revoked; its tokens stop working."));
              }
              if (newSecret != null) {
                b.append(
                    """
                    <section class="card highlight secret-once">
                      <h2>Client created</h2>
                      <p><strong>Copy the secret now: it is shown only once.</strong> Exchange the pair for a token at <code>POST /oauth/token</code> (client credentials).</p>
                      <label for="new-client-id">Client id</label>
                      <div class="copy-row"><input id="new-client-id" class="mono" readonly value="%s">
                      <button class="btn" type="button" data-copy="new-client-id">Copy</button></div>
                      <label for="new-client-secret">Client secret</label>
                      <div class="copy-row"><input id="new-client-secret" class="mono" readonly value="%s">
                      <button class="btn" type="button" data-copy="new-client-secret">Copy</button></div>
                    </section>"""
                        .formatted(esc(newClientId), esc(newSecret)));
              }
              b.append("<section class=\"card\"><h2>Your API clients</h2>");
              if (clients.isEmpty()) {
                b.append(
                    Html.empty(
                        "No API clients",
                        "Create one so your systems can read payments and balances.",
                        null));
              } else {
                b.append("<div class=\"table-wrap\"><table><thead><tr><th>Name</th>")
                    .append("<th>Client id</th><th>Scopes</th><th>Created</th><th>Status</th>")
                    .append("<th></th></tr></thead><tbody>");
                for (TenantStore.ClientSummary c : clients) {
                  b.append("<tr><td data-label=\"Name\"><strong>")
                      .append(esc(c.name()))
                      .append("</strong></td><td data-label=\"Client id\" class=\"mono\">")
                      .append(esc(c.clientId()))
                      .append("</td><td data-label=\"Scopes\"><ul class=\"chips\">");
                  for (String s : c.scopes()) {
                    b.append("<li class=\"mono\">").append(esc(s)).append("</li>");
                  }
                  b.append("</ul></td><td data-label=\"Created\">")
                      .append(Html.time(c.createdAt()))
                      .append("</td><td data-label=\"Status\">")
                      .append(
                          c.revokedAt() == null
                              ? Html.badge("success", "Active")
                              : Html.badge("muted", "Revoked"))
                      .append("</td><td class=\"actions\">");
                  if (c.revokedAt() == null) {
                    b.append("<form method=\"post\" action=\"/console/api-clients/")
                        .append(esc(c.id()))
                        .append("/revoke\" data-confirm=\"Revoke ")
                        .append(esc(c.name()))
                        .append("? Programs using it lose access.\">")
                        .append(csrf)
                        .append(
                            "<button class=\"btn btn-sm btn-danger\" type=\"submit\">Revoke</button></form>");
                  }
                  b.append("</td></tr>");
                }
                b.append("</tbody></table></div>");
              }
              b.append("</section><section class=\"card\"><h2>Create a client</h2>");
              if (error != null) {
                b.append(Html.alert("error", error));
              }
              b.append("<form method=\"post\" action=\"/console/api-clients\" class=\"form\">")
                  .append(csrf)
                  .append("<label for=\"client-name\">Name</label>")
                  .append("<input id=\"client-name\" name=\"name\" required maxlength=\"100\"")
                  .append(" placeholder=\"e.g. billing backend\">")
                  .append("<fieldset class=\"scopes\"><legend>Scopes</legend>");
              for (String s : SCOPES) {
                b.append("<label class=\"check\"><input type=\"checkbox\" name=\"scope\" value=\"")
                    .append(esc(s))
                    .append("\" checked> <span class=\"mono\">")
                    .append(esc(s))
                    .append("</span></label>");
              }
              b.append("</fieldset><div class=\"form-actions\"><button class=\"btn btn-primary\"")
                  .append(" type=\"submit\">Create client</button></div></form></section>");
              html(ctx, status, Html.page("API clients", "api-clients", who(ctx), b.toString()));
            })
        .onFailure(ctx::fail);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
