package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.SyncPage;
import io.paybridge.core.sync.DeliveryView;
import io.paybridge.core.sync.SyncStore;
import io.paybridge.core.sync.SyncTargets;
import io.paybridge.core.usecase.Page;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** The sync page: the tenant's targets, the deliveries that failed, and replaying one. */
final class SyncPages {

  private final SyncTargets targets;
  private final Views views;

  SyncPages(SyncTargets targets, Views views) {
    this.targets = targets;
    this.views = views;
  }

  void sync(RoutingContext ctx) {
    UUID tenant = tenantOf(ctx);
    Future<List<SyncStore.Target>> listed = targets.list(tenant);
    Future<Page<DeliveryView, Long>> failed = targets.deliveries(tenant, "failed", null, 50);
    Future<Page<DeliveryView, Long>> dead = targets.deliveries(tenant, "dead", null, 50);
    Future.all(listed, failed, dead)
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
                      listed.result().stream()
                          .map(
                              t ->
                                  new SyncPage.Target(
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
}
