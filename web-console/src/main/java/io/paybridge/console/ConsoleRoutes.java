package io.paybridge.console;

import io.paybridge.core.Platform;
import io.paybridge.core.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.ClusteredSessionStore;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tenant console under {@code /console}: server-rendered pages on the API's port. Every page
 * after sign-in reads the tenant from the session, never from the URL or a form, so an id in a
 * request can only ever name the signed-in tenant's own objects. Every POST carries the session's
 * CSRF token.
 */
public final class ConsoleRoutes {

  private static final Logger LOG = Logger.getLogger(ConsoleRoutes.class.getName());

  static final String BASE = "/console";
  static final String TENANT = "tenant";
  static final String TENANT_NAME = "tenantName";
  static final String EMAIL = "email";
  static final String CSRF = "csrf";
  static final String CSRF_FIELD = "_csrf";
  private static final String SHARED_MAP = "paybridge.console";
  private static final long SESSION_TIMEOUT_MS = 8 * 60 * 60 * 1000L;

  private static final Buffer CSS = asset("console.css");
  private static final Buffer JS = asset("console.js");

  private ConsoleRoutes() {}

  /** Mounts the console on a verticle's router; call before the router's final 404 route. */
  public static void mount(Router router, Platform platform) {
    Vertx vertx = platform.vertx();
    SessionStore store =
        vertx.isClustered() ? ClusteredSessionStore.create(vertx) : LocalSessionStore.create(vertx);
    SessionHandler sessions =
        SessionHandler.create(store)
            .setSessionCookieName("pb_console")
            .setSessionCookiePath(BASE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setCookieSecureFlag(platform.config().publicUrl().startsWith("https:"))
            .setSessionTimeout(SESSION_TIMEOUT_MS);
    AuthPages auth =
        new AuthPages(
            platform, throttle(vertx, platform, "email", 5), throttle(vertx, platform, "ip", 20));
    TenantPages pages = new TenantPages(platform);

    Router console = Router.router(vertx);
    console.route().handler(ConsoleRoutes::securityHeaders);
    console.get("/assets/console.css").handler(ctx -> asset(ctx, CSS, "text/css"));
    console.get("/assets/console.js").handler(ctx -> asset(ctx, JS, "text/javascript"));
    console.route().handler(sessions);
    console.post().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    console.post().handler(ConsoleRoutes::checkCsrf);

    console.get("/").handler(ctx -> redirect(ctx, tenantOf(ctx) == null ? "/login" : "/dashboard"));
    console.get("/login").handler(auth::loginForm);
    console.post("/login").handler(auth::login);
    console.get("/signup").handler(auth::signupForm);
    console.post("/signup").handler(auth::signup);
    console.post("/logout").handler(auth::logout);

    // Everything below needs a signed-in tenant.
    console.route().handler(ConsoleRoutes::requireTenant);
    console.get("/dashboard").handler(pages::dashboard);
    console.get("/gateways").handler(pages::gateways);
    console.get("/gateways/:gateway").handler(pages::gatewayForm);
    console.post("/gateways/:gateway").handler(pages::saveGateway);
    console.post("/gateways/:gateway/delete").handler(pages::removeGateway);
    console.get("/payments").handler(pages::payments);
    console.get("/subscriptions").handler(pages::subscriptions);
    ReceiptPages receipts = new ReceiptPages(platform);
    console.get("/webhooks").handler(receipts::list);
    console.get("/webhooks/:id").handler(receipts::detail);
    console.post("/webhooks/:id/reprocess").handler(receipts::reprocess);
    console.get("/sync").handler(pages::sync);
    console.post("/sync/deliveries/:id/replay").handler(pages::replay);
    console.get("/api-clients").handler(pages::apiClients);
    console.post("/api-clients").handler(pages::createApiClient);
    console.post("/api-clients/:id/revoke").handler(pages::revokeApiClient);
    console.route().handler(ctx -> ctx.fail(404));
    console.route().failureHandler(ConsoleRoutes::failure);

    router.get("/").handler(ctx -> redirect(ctx, ""));
    router.route(BASE + "/*").subRouter(console);
  }

  /**
   * One throttle per node and kind, shared by the node's HTTP verticle instances: at most {@code
   * perMinute} failed sign-ins a minute per email, or per client address (higher: an office shares
   * one address).
   */
  private static LoginThrottle throttle(
      Vertx vertx, Platform platform, String kind, int perMinute) {
    var map = vertx.sharedData().<String, LoginThrottle>getLocalMap(SHARED_MAP);
    LoginThrottle fresh = new LoginThrottle(platform.clock(), perMinute, 60_000);
    LoginThrottle existing = map.putIfAbsent("throttle." + kind, fresh);
    return existing == null ? fresh : existing;
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self';"
                + " base-uri 'none'");
    ctx.next();
  }

  private static void checkCsrf(RoutingContext ctx) {
    Session session = ctx.session();
    String expected = session == null ? null : session.get(CSRF);
    String given = ctx.request().getFormAttribute(CSRF_FIELD);
    if (expected == null
        || given == null
        || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      ctx.fail(new HttpException(403, "the form expired or did not come from this console"));
      return;
    }
    ctx.next();
  }

  private static void requireTenant(RoutingContext ctx) {
    if (tenantOf(ctx) == null) {
      if ("GET".equals(ctx.request().method().name())) {
        redirect(ctx, "/login");
      } else {
        ctx.fail(401);
      }
      return;
    }
    ctx.next();
  }

  /** The signed-in tenant, or {@code null}. */
  static UUID tenantOf(RoutingContext ctx) {
    Session s = ctx.session();
    String id = s == null ? null : s.get(TENANT);
    return id == null ? null : UUID.fromString(id);
  }

  /** The session's CSRF token, made on first use. */
  static String csrfToken(RoutingContext ctx) {
    Session s = ctx.session();
    String token = s.get(CSRF);
    if (token == null) {
      token = Tokens.random("", 24);
      s.put(CSRF, token);
    }
    return token;
  }

  static Html.Session who(RoutingContext ctx) {
    Session s = ctx.session();
    return new Html.Session(s.get(TENANT_NAME), s.get(EMAIL), csrfToken(ctx));
  }

  static void html(RoutingContext ctx, int status, String page) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(page);
  }

  /** 303 to a console path (after a POST, the browser follows with a GET). */
  static void redirect(RoutingContext ctx, String consolePath) {
    ctx.response().setStatusCode(303).putHeader("Location", BASE + consolePath).end();
  }

  private static void failure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    int status = err instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    if (status < 400) {
      status = 500;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    String title;
    String text;
    switch (status) {
      case 401 -> {
        title = "Signed out";
        text = "Your session ended. Log in again to continue.";
      }
      case 403 -> {
        title = "Request refused";
        text = "This form expired or did not come from the console. Go back, reload and try again.";
      }
      case 404 -> {
        title = "Not found";
        text = "There is nothing here, or it belongs to another account.";
      }
      case 413 -> {
        title = "Too large";
        text = "The form was larger than the console accepts.";
      }
      default -> {
        status = status >= 500 ? 500 : status;
        title = status == 500 ? "Something went wrong" : "Bad request";
        text =
            status == 500
                ? "The console could not complete this request. Try again in a moment."
                : "The request could not be understood.";
      }
    }
    if (status == 500) {
      LOG.log(Level.WARNING, "console request failed: " + ctx.request().path(), err);
    }
    String action =
        tenantOf(ctx) == null
            ? "<a class=\"btn\" href=\"/console/login\">Log in</a>"
            : "<a class=\"btn\" href=\"/console/dashboard\">Back to the dashboard</a>";
    html(
        ctx,
        status,
        Html.plainPage(
            title,
            "<p class=\"eyebrow\">Error "
                + status
                + "</p><h1>"
                + Html.esc(title)
                + "</h1><p class=\"muted\">"
                + Html.esc(text)
                + "</p>"
                + action));
  }

  private static void asset(RoutingContext ctx, Buffer body, String type) {
    ctx.response()
        .putHeader("Content-Type", type + "; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(body);
  }

  private static Buffer asset(String name) {
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/paybridge/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
