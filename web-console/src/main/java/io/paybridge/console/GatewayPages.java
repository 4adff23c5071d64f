package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.Format;
import io.paybridge.console.view.GatewayFormPage;
import io.paybridge.console.view.GatewaysPage;
import io.paybridge.console.view.SetupView;
import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.core.gateway.GatewayAccounts;
import io.paybridge.core.gateway.SetupStatus;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway pages: every installed gateway with the tenant's webhook URL at it, and one gateway's
 * credential form (generated from the plugin's schema, secrets write-only), its events table and
 * the deliveries it holds.
 */
final class GatewayPages {

  private final GatewayAccounts accounts;
  private final Receipts receipts;
  private final Views views;

  /**
   * @param receipts how many deliveries each account holds
   */
  GatewayPages(GatewayAccounts accounts, Receipts receipts, Views views) {
    this.accounts = accounts;
    this.receipts = receipts;
    this.views = views;
  }

  void gateways(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<GatewayAccount>> listed = accounts.list(tenant);
    Future<Map<String, Long>> heldCounts = receipts.heldCounts(tenant);
    Future.all(listed, heldCounts)
        .onSuccess(
            done -> {
              List<GatewayAccount> connected = listed.result();
              Map<String, Long> held = heldCounts.result();
              String removed = ctx.request().getParam("removed");
              GatewayPlugin removedPlugin = removed == null ? null : accounts.gateway(removed);
              List<GatewayPlugin> plugins = new ArrayList<>(accounts.gateways());
              plugins.sort(Comparator.comparing(GatewayPlugin::displayName));
              List<GatewaysPage.Row> rows = new ArrayList<>();
              for (GatewayPlugin p : plugins) {
                GatewayAccount a =
                    connected.stream()
                        .filter(x -> x.gateway().equals(p.id()))
                        .findFirst()
                        .orElse(null);
                rows.add(
                    new GatewaysPage.Row(
                        p.id(),
                        p.displayName(),
                        a == null ? null : accounts.webhookUrl(a),
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
    Future<GatewayAccount> found = accounts.find(tenant, plugin.id());
    Future<Map<String, Long>> held = receipts.heldCounts(tenant);
    Future.all(found, held)
        .compose(done -> setup(found.result()))
        .onSuccess(
            setup ->
                gatewayPage(
                    ctx,
                    200,
                    plugin,
                    found.result(),
                    setup,
                    held.result().getOrDefault(plugin.id(), 0L),
                    Map.of(),
                    List.of(),
                    ctx.request().getParam("saved") != null))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /console/gateways/{gateway}/status}: the setup status again, for the open page to
   * show what arrived without a reload: {@code {"stage", "version", "html"}}.
   */
  void status(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    accounts
        .find(tenantOf(ctx), plugin.id())
        .compose(ConsoleRoutes.found())
        .compose(this::setup)
        .compose(
            setup ->
                views
                    .fragment("tag/setupStatus.jte", Map.of("setup", setup))
                    .map(
                        html ->
                            new JsonObject()
                                .put("stage", setup.stage())
                                .put("version", setup.version())
                                .put("html", html)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The account's setup status as the page shows it; {@code null} when not connected. */
  private Future<SetupView> setup(GatewayAccount account) {
    if (account == null) {
      return Future.succeededFuture(null);
    }
    return accounts.setup(account).map(status -> setupView(account, status));
  }

  private static SetupView setupView(GatewayAccount account, SetupStatus status) {
    SetupStatus.LastDelivery last = status.last();
    return new SetupView(
        status.stage().code(),
        account.plugin().displayName(),
        "/console/gateways/" + Format.url(account.gateway()) + "/status",
        status.publicUrl().reachable(),
        status.publicUrl().problem(),
        status.publicUrl().fix(),
        status.missing().stream().map(CredentialField::label).toList(),
        status.waiting(),
        last == null
            ? null
            : new SetupView.Last(
                last.receiptId(),
                last.receivedAt().toString(),
                last.verdict(),
                last.eventType(),
                last.reason(),
                last.likelyCause(),
                last.fix()));
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
    accounts
        .connect(tenant, plugin, submitted)
        .onSuccess(account -> redirect(ctx, "/gateways/" + Format.url(plugin.id()) + "?saved=1"))
        .onFailure(
            err -> {
              if (!(err instanceof InvalidInput e)) {
                ctx.fail(err);
                return;
              }
              Future<GatewayAccount> found = accounts.find(tenant, plugin.id());
              Future<Map<String, Long>> heldCounts = receipts.heldCounts(tenant);
              Future.all(found, heldCounts)
                  .compose(done -> setup(found.result()))
                  .onSuccess(
                      setup -> {
                        Map<String, Long> held = heldCounts.result();
                        gatewayPage(
                            ctx,
                            400,
                            plugin,
                            found.result(),
                            setup,
                            held.getOrDefault(plugin.id(), 0L),
                            typed,
                            e.problems(),
                            false);
                      })
                  .onFailure(ctx::fail);
            });
  }

  void removeGateway(RoutingContext ctx) {
    GatewayPlugin plugin = plugin(ctx);
    accounts
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
    GatewayPlugin plugin = id == null ? null : accounts.gateway(id);
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
      SetupView setup,
      long held,
      Map<String, String> typed,
      List<InvalidInput.Problem> problems,
      boolean saved) {
    GatewayFormPage.Connected connected = null;
    if (account != null) {
      connected =
          new GatewayFormPage.Connected(
              accounts.webhookUrl(account),
              plugin.subscribedEvents(),
              plugin.eventTable().stream().map(GatewayPages::rule).toList(),
              account.createdAt(),
              account.updatedAt());
    }
    Map<String, String> errors = new HashMap<>();
    List<String> general = new ArrayList<>();
    for (InvalidInput.Problem p : problems) {
      if (plugin.credentialSchema().field(p.field()).isPresent()) {
        errors.merge(p.field(), p.message(), (a, b) -> a + " " + b);
      } else {
        general.add(p.message());
      }
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
              f.verifiesWebhooks(),
              stored != null,
              errors.get(f.name()),
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
            setup,
            connected,
            fields,
            problems.isEmpty()
                ? null
                : problems.size() == 1
                    ? "This could not be saved: see the field marked below."
                    : "This could not be saved: see the "
                        + problems.size()
                        + " fields marked below.",
            general));
  }

  /** What Paybridge does with one event type the gateway sends. */
  private static GatewayFormPage.Rule rule(EventRule rule) {
    return switch (rule.action()) {
      case BOOKS -> new GatewayFormPage.Rule(rule.eventType(), "Books", "success", rule.what());
      case HOLDS -> new GatewayFormPage.Rule(rule.eventType(), "Holds", "warning", rule.what());
      case IGNORES -> new GatewayFormPage.Rule(rule.eventType(), "Ignores", "muted", rule.what());
      case FOLLOWS_UP ->
          new GatewayFormPage.Rule(rule.eventType(), "Follows up", "info", rule.what());
    };
  }
}
