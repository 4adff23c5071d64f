package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.SyncPage;
import io.paybridge.core.sync.DeliveryView;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sync page: the tenant's targets — added (a webhook target's signing secret shown once),
 * enabled, disabled and removed through the same use case the API calls — the deliveries that
 * failed, and replaying one.
 */
final class SyncPages {

  /** What the page says after an action, by the {@code done} query parameter. */
  private static final Map<String, String> NOTICES =
      Map.of(
          "enabled", "The target is enabled; deliveries that waited go out now.",
          "disabled", "The target is disabled; what is recorded meanwhile waits for it.",
          "removed", "The target was removed; payments are no longer delivered to it.");

  private final SyncTargets targets;
  private final Views views;

  SyncPages(SyncTargets targets, Views views) {
    this.targets = targets;
    this.views = views;
  }

  void sync(RoutingContext ctx) {
    String replayed = ctx.request().getParam("replayed");
    String notice =
        replayed != null && replayed.matches("\\d{1,19}")
            ? "Delivery " + replayed + " will be sent again."
            : NOTICES.get(String.valueOf(ctx.request().getParam("done")));
    render(ctx, 200, notice, null, null, SyncPage.Form.EMPTY);
  }

  /**
   * {@code POST /console/sync/targets}: a new target, its signing secret shown on this page only.
   */
  void add(RoutingContext ctx) {
    String type = field(ctx, "type");
    String url = field(ctx, "url").strip();
    String headerLines = field(ctx, "headers");
    SyncPage.Form typed = new SyncPage.Form(type, url, headerLines, null, null, null);
    JsonObject headers;
    try {
      headers = headers(headerLines);
    } catch (InvalidInput e) {
      render(ctx, 400, null, null, null, withErrors(typed, e));
      return;
    }
    targets
        .add(tenantOf(ctx), type, url, headers)
        .onSuccess(
            added ->
                render(
                    ctx,
                    201,
                    null,
                    new SyncPage.Added(added.target().url(), added.secret()),
                    null,
                    SyncPage.Form.EMPTY))
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                render(ctx, 400, null, null, null, withErrors(typed, invalid));
              } else if (err instanceof Refused refused) {
                render(ctx, refused.kind().status(), null, null, refused.getMessage(), typed);
              } else {
                ctx.fail(err);
              }
            });
  }

  void enable(RoutingContext ctx) {
    targets
        .enable(tenantOf(ctx), targetId(ctx))
        .compose(found -> found ? Future.succeededFuture(found) : Future.failedFuture(notFound()))
        .onSuccess(found -> redirect(ctx, "/sync?done=enabled"))
        .onFailure(ctx::fail);
  }

  void disable(RoutingContext ctx) {
    targets
        .disable(tenantOf(ctx), targetId(ctx))
        .compose(found -> found ? Future.succeededFuture(found) : Future.failedFuture(notFound()))
        .onSuccess(found -> redirect(ctx, "/sync?done=disabled"))
        .onFailure(ctx::fail);
  }

  void remove(RoutingContext ctx) {
    targets
        .remove(tenantOf(ctx), targetId(ctx))
        .compose(found -> found ? Future.succeededFuture(found) : Future.failedFuture(notFound()))
        .onSuccess(found -> redirect(ctx, "/sync?done=removed"))
        .onFailure(ctx::fail);
  }

  void replay(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new HttpException(404);
    }
    targets
        .replay(tenantOf(ctx), id)
        .compose(ConsoleRoutes.found())
        .onSuccess(d -> redirect(ctx, "/sync?replayed=" + id))
        .onFailure(ctx::fail);
  }

  private void render(
      RoutingContext ctx,
      int status,
      String notice,
      SyncPage.Added added,
      String error,
      SyncPage.Form form) {
    UUID tenant = tenantOf(ctx);
    Future<List<SyncStore.Target>> listed = targets.list(tenant);
    Future<Page<DeliveryView, Long>> failed = targets.deliveries(tenant, "failed", null, 50);
    Future<Page<DeliveryView, Long>> dead = targets.deliveries(tenant, "dead", null, 50);
    Future.all(listed, failed, dead)
        .onSuccess(
            v -> {
              List<DeliveryView> problems = new ArrayList<>(failed.result().items());
              problems.addAll(dead.result().items());
              problems.sort(Comparator.comparingLong(DeliveryView::id).reversed());
              views.page(
                  ctx,
                  status,
                  "sync.jte",
                  new SyncPage(
                      Views.csrf(ctx),
                      notice,
                      added,
                      error,
                      form,
                      listed.result().stream()
                          .map(
                              t ->
                                  new SyncPage.Target(
                                      t.id(),
                                      t.type(),
                                      t.url(),
                                      t.enabled(),
                                      t.disabledReason(),
                                      t.createdAt()))
                          .toList(),
                      problems.stream().map(SyncPages::delivery).toList()));
            })
        .onFailure(ctx::fail);
  }

  /** The typed form with each field's message beside it. */
  private static SyncPage.Form withErrors(SyncPage.Form typed, InvalidInput invalid) {
    String type = null;
    String url = null;
    String headers = null;
    for (InvalidInput.Problem p : invalid.problems()) {
      switch (p.field()) {
        case "type" -> type = p.message();
        case "headers" -> headers = p.message();
        default -> url = p.message();
      }
    }
    return new SyncPage.Form(typed.type(), typed.url(), typed.headers(), type, url, headers);
  }

  /** {@code Name: value} lines as the use case takes headers; {@code null} for none. */
  static JsonObject headers(String lines) {
    JsonObject headers = new JsonObject();
    for (String line : lines.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw InvalidInput.of("headers", "Write each header as Name: value, one per line.");
      }
      headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return headers.isEmpty() ? null : headers;
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
        Views.iso(d.updatedAt()));
  }

  private static UUID targetId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new HttpException(404);
    }
  }

  private static HttpException notFound() {
    return new HttpException(404);
  }

  private static String field(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : v;
  }
}
