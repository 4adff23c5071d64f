package io.paybridge.console;

import static io.paybridge.console.ConsoleRoutes.csrfToken;
import static io.paybridge.console.ConsoleRoutes.html;
import static io.paybridge.console.ConsoleRoutes.redirect;
import static io.paybridge.console.Html.esc;

import io.paybridge.core.Platform;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.tenant.TenantStore;
import io.paybridge.core.tenant.TenantStore.EmailTakenException;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.util.Locale;

/** Sign up, log in, log out. */
final class AuthPages {

  static final int MIN_PASSWORD = io.paybridge.core.tenant.Tenants.MIN_PASSWORD;

  private final Platform platform;
  private final LoginThrottle byEmail;
  private final LoginThrottle byAddress;

  AuthPages(Platform platform, LoginThrottle byEmail, LoginThrottle byAddress) {
    this.platform = platform;
    this.byEmail = byEmail;
    this.byAddress = byAddress;
  }

  void loginForm(RoutingContext ctx) {
    if (ConsoleRoutes.tenantOf(ctx) != null) {
      redirect(ctx, "/dashboard");
      return;
    }
    html(ctx, 200, loginPage(ctx, null, "", null));
  }

  void login(RoutingContext ctx) {
    String email = field(ctx, "email").strip();
    String password = field(ctx, "password");
    String ipKey = "ip:" + ctx.request().remoteAddress().hostAddress();
    String emailKey = "email:" + email.toLowerCase(Locale.ROOT);
    if (byEmail.blocked(emailKey) || byAddress.blocked(ipKey)) {
      ctx.response().putHeader("Retry-After", "60");
      html(
          ctx,
          429,
          loginPage(
              ctx,
              "Too many failed attempts. Wait a minute before trying again.",
              email,
              "warning"));
      return;
    }
    if (email.isEmpty() || password.isEmpty() || email.length() > 254 || password.length() > 256) {
      html(ctx, 400, loginPage(ctx, "Enter your email and password.", email, null));
      return;
    }
    platform
        .tenants()
        .signIn(email, password)
        .onSuccess(
            tenant -> {
              if (tenant == null) {
                byEmail.failure(emailKey);
                byAddress.failure(ipKey);
                html(ctx, 401, loginPage(ctx, "Email or password is incorrect.", email, null));
                return;
              }
              byEmail.success(emailKey);
              signIn(ctx, tenant);
              redirect(ctx, "/dashboard");
            })
        .onFailure(ctx::fail);
  }

  void signupForm(RoutingContext ctx) {
    if (ConsoleRoutes.tenantOf(ctx) != null) {
      redirect(ctx, "/dashboard");
      return;
    }
    html(ctx, 200, signupPage(ctx, null, null, "", ""));
  }

  void signup(RoutingContext ctx) {
    String name = field(ctx, "name").strip();
    String email = field(ctx, "email").strip();
    String password = field(ctx, "password");
    // The tenant's first API client is made with it; its secret is never shown, and the tenant
    // creates clients of its own on the API clients page.
    platform
        .tenants()
        .signUp(name, email, password)
        .compose(signedUp -> platform.tenants().find(signedUp.tenantId()))
        .onSuccess(
            tenant -> {
              signIn(ctx, tenant);
              redirect(ctx, "/dashboard?welcome=1");
            })
        .onFailure(
            err -> {
              if (err instanceof InvalidInput invalid) {
                html(ctx, 400, signupPage(ctx, invalid.getMessage(), invalid.field(), name, email));
              } else if (err instanceof EmailTakenException) {
                html(
                    ctx,
                    409,
                    signupPage(
                        ctx,
                        "An account with this email already exists. Log in instead.",
                        "email",
                        name,
                        email));
              } else {
                ctx.fail(err);
              }
            });
  }

  void logout(RoutingContext ctx) {
    ctx.session().destroy();
    ctx.response()
        .setStatusCode(303)
        .putHeader("Location", ConsoleRoutes.BASE + "/login?bye=1")
        .end();
  }

  /** A new session id for the signed-in tenant, and a new CSRF token with it. */
  private static void signIn(RoutingContext ctx, TenantStore.Tenant tenant) {
    Session session = ctx.session().regenerateId();
    session.put(ConsoleRoutes.TENANT, tenant.id().toString());
    session.put(ConsoleRoutes.TENANT_NAME, tenant.name());
    session.put(ConsoleRoutes.EMAIL, tenant.email());
    session.put(ConsoleRoutes.CSRF, Tokens.random("", 24));
  }

  private static String field(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : v;
  }

  private String loginPage(RoutingContext ctx, String error, String email, String tone) {
    String notice = "";
    if (error != null) {
      notice = Html.alert(tone == null ? "error" : tone, error);
    } else if (ctx.request().getParam("bye") != null) {
      notice = Html.alert("info", "You are logged out.");
    }
    return Html.plainPage(
        "Log in",
        """
        <h1>Log in</h1>
        <p class="muted">Manage your gateways, payments and API clients.</p>
        %s
        <form method="post" action="/console/login" class="form">%s
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="%s">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
          <button class="btn btn-primary btn-block" type="submit">Log in</button>
        </form>
        <p class="muted small">New to Paybridge? <a href="/console/signup">Create an account</a></p>"""
            .formatted(notice, Html.csrf(csrfToken(ctx)), esc(email)));
  }

  private String signupPage(
      RoutingContext ctx, String error, String errorField, String name, String email) {
    return Html.plainPage(
        "Create your account",
        """
        <h1>Create your account</h1>
        <p class="muted">Record every payment from every gateway, exactly once.</p>
        %s
        <form method="post" action="/console/signup" class="form">%s
          <label for="name">Organisation name</label>
          <input id="name" name="name" required maxlength="200" autocomplete="organization" value="%s"%s>
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required maxlength="254" autocomplete="email" value="%s"%s>
          <label for="password">Password</label>
          <input id="password" name="password" type="password" required minlength="%d" maxlength="256" autocomplete="new-password"%s>
          <p class="hint">At least %d characters. A passphrase works well.</p>
          <button class="btn btn-primary btn-block" type="submit">Create account</button>
        </form>
        <p class="muted small">Already have an account? <a href="/console/login">Log in</a></p>"""
            .formatted(
                error == null ? "" : Html.alert("error", error),
                Html.csrf(csrfToken(ctx)),
                esc(name),
                invalid("name", errorField),
                esc(email),
                invalid("email", errorField),
                MIN_PASSWORD,
                invalid("password", errorField),
                MIN_PASSWORD));
  }

  private static String invalid(String field, String errorField) {
    return field.equals(errorField) ? " aria-invalid=\"true\"" : "";
  }
}
