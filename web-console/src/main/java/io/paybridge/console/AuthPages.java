package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.redirect;

import io.paybridge.console.view.Alert;
import io.paybridge.console.view.LoginPage;
import io.paybridge.console.view.SignupPage;
import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.tenant.TenantStore.EmailTakenException;
import io.paybridge.core.tenant.Tenants;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Throttled;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

/**
 * Sign up, log in, log out. Sign-ins and sign-ups are throttled by the use case, for the whole
 * cluster, per client address ({@link ClientAddress}) and per email: too many are answered 429 with
 * {@code Retry-After} and a page that says when to try again.
 */
final class AuthPages {

  static final int MIN_PASSWORD = Tenants.MIN_PASSWORD;

  private final Tenants tenants;
  private final Views views;
  private final SessionLifetime lifetime;

  AuthPages(Tenants tenants, Views views, SessionLifetime lifetime) {
    this.tenants = tenants;
    this.views = views;
    this.lifetime = lifetime;
  }

  void loginForm(RoutingContext ctx) {
    if (ConsoleRoutes.tenantOf(ctx) != null) {
      redirect(ctx, "/dashboard");
      return;
    }
    loginPage(ctx, 200, null, "", null);
  }

  void login(RoutingContext ctx) {
    String email = field(ctx, "email").strip();
    String password = field(ctx, "password");
    if (email.isEmpty() || password.isEmpty() || email.length() > 254 || password.length() > 256) {
      loginPage(ctx, 400, "Enter your email and password.", email, null);
      return;
    }
    tenants
        .signIn(email, password, ClientAddress.of(ctx))
        .onSuccess(
            tenant -> {
              if (tenant == null) {
                loginPage(ctx, 401, "Email or password is incorrect.", email, null);
                return;
              }
              signIn(ctx, tenant);
              redirect(ctx, "/dashboard");
            })
        .onFailure(
            err -> {
              if (err instanceof Throttled throttled) {
                retryAfter(ctx, throttled);
                loginPage(
                    ctx,
                    429,
                    "Too many failed attempts to log in. " + throttled.whenToRetry(),
                    email,
                    "warning");
              } else {
                ctx.fail(err);
              }
            });
  }

  void signupForm(RoutingContext ctx) {
    if (ConsoleRoutes.tenantOf(ctx) != null) {
      redirect(ctx, "/dashboard");
      return;
    }
    signupPage(ctx, 200, null, null, "", "");
  }

  void signup(RoutingContext ctx) {
    String name = field(ctx, "name").strip();
    String email = field(ctx, "email").strip();
    String password = field(ctx, "password");
    // No API client: the tenant creates one on the API clients page when it needs one, and sees
    // its secret then.
    tenants
        .signUpWithoutClient(name, email, password, ClientAddress.of(ctx))
        .compose(signedUp -> tenants.find(signedUp.tenantId()))
        .onSuccess(
            tenant -> {
              signIn(ctx, tenant);
              redirect(ctx, "/dashboard?welcome=1");
            })
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                // every field at fault at once, each message in the tenant's words
                signupPage(
                    ctx,
                    400,
                    String.join(
                        " ",
                        invalid.problems().stream().map(InvalidInput.Problem::message).toList()),
                    String.join(
                        " ", invalid.problems().stream().map(InvalidInput.Problem::field).toList()),
                    name,
                    email);
              } else if (err instanceof Throttled throttled) {
                retryAfter(ctx, throttled);
                signupPage(
                    ctx,
                    429,
                    "Too many sign-ups from your network. " + throttled.whenToRetry(),
                    null,
                    name,
                    email);
              } else if (err instanceof EmailTakenException) {
                signupPage(
                    ctx,
                    409,
                    "An account with this email already exists. Log in instead.",
                    "email",
                    name,
                    email);
              } else {
                ctx.fail(err);
              }
            });
  }

  void logout(RoutingContext ctx) {
    ctx.session().destroy();
    ConsoleRoutes.redirect(ctx, "/login?bye=1");
  }

  /**
   * A new session id for the signed-in tenant, which lasts the session lifetime from now at most;
   * the CSRF token, bound to the old id, is replaced on the next page.
   */
  private void signIn(RoutingContext ctx, TenantStore.Tenant tenant) {
    Session session = ctx.session().regenerateId();
    lifetime.signedIn(session);
    session.put(ConsoleRoutes.TENANT, tenant.id().toString());
    session.put(ConsoleRoutes.TENANT_NAME, tenant.name());
    session.put(ConsoleRoutes.EMAIL, tenant.email());
  }

  private static void retryAfter(RoutingContext ctx, Throttled throttled) {
    ctx.response().putHeader("Retry-After", String.valueOf(throttled.retryAfterSeconds()));
  }

  private static String field(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : v;
  }

  private void loginPage(RoutingContext ctx, int status, String error, String email, String tone) {
    Alert notice = null;
    if (error != null) {
      notice = new Alert(tone == null ? "error" : tone, error);
    } else if (ctx.request().getParam("bye") != null) {
      notice = new Alert("info", "You are logged out.");
    }
    views.plain(ctx, status, "login.jte", new LoginPage(Views.csrf(ctx), email, notice));
  }

  private void signupPage(
      RoutingContext ctx, int status, String error, String errorField, String name, String email) {
    views.plain(
        ctx,
        status,
        "signup.jte",
        new SignupPage(Views.csrf(ctx), name, email, error, errorField, MIN_PASSWORD));
  }
}
