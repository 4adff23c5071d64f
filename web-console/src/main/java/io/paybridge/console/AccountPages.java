package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.tenantOf;

import io.paybridge.console.view.AccountPage;
import io.paybridge.console.view.Alert;
import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.tenant.Tenants;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Throttled;
import io.vertx.ext.web.RoutingContext;

/**
 * The signed-in tenant's account: change the password, after giving the current one. Checking the
 * current password is a sign-in attempt, throttled as one.
 */
final class AccountPages {

  private final Tenants tenants;
  private final Views views;

  AccountPages(Tenants tenants, Views views) {
    this.tenants = tenants;
    this.views = views;
  }

  void page(RoutingContext ctx) {
    Alert notice =
        ctx.request().getParam("changed") != null
            ? new Alert("success", "Your password was changed.")
            : null;
    render(ctx, 200, notice, null, null);
  }

  void changePassword(RoutingContext ctx) {
    tenants
        .changePassword(
            tenantOf(ctx),
            ctx.request().getFormAttribute("currentPassword"),
            ctx.request().getFormAttribute("newPassword"),
            ClientAddress.of(ctx))
        .onSuccess(v -> ConsoleRoutes.redirect(ctx, "/account?changed=1"))
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                String current = null;
                String next = null;
                for (InvalidInput.Problem p : invalid.problems()) {
                  if (p.field().equals("newPassword")) {
                    next = p.message();
                  } else {
                    current = p.message();
                  }
                }
                render(ctx, 400, null, current, next);
              } else if (err instanceof Throttled throttled) {
                ctx.response()
                    .putHeader("Retry-After", String.valueOf(throttled.retryAfterSeconds()));
                render(
                    ctx,
                    429,
                    new Alert(
                        "error",
                        "Too many wrong passwords. Try again in "
                            + throttled.retryAfterSeconds()
                            + " seconds."),
                    null,
                    null);
              } else {
                ctx.fail(err);
              }
            });
  }

  private void render(
      RoutingContext ctx, int status, Alert notice, String currentError, String newError) {
    views.page(
        ctx,
        status,
        "account.jte",
        new AccountPage(
            Views.csrf(ctx),
            ctx.session().get(ConsoleRoutes.EMAIL),
            notice,
            currentError,
            newError));
  }
}
