package io.paybridge.console;

import io.paybridge.console.view.ErrorPage;
import io.paybridge.console.view.Frame;
import io.paybridge.core.UseCases;
import io.paybridge.core.config.Mode;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.http.UnstorableText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tenant console under {@code /console}: server-rendered pages on the API's port. Every page
 * after sign-in reads the tenant from the session, never from the URL or a form, so an id in a
 * request can only ever name the signed-in tenant's own objects. Every POST carries the CSRF token
 * vertx-web's {@link CSRFHandler} issued to the session; pages come from jte templates ({@link
 * Views}).
 */
public final class ConsoleRoutes {

  private static final Logger LOG = Logger.getLogger(ConsoleRoutes.class.getName());

  static final String BASE = "/console";
  static final String TENANT = "tenant";
  static final String TENANT_NAME = "tenantName";
  static final String EMAIL = "email";
  static final long SESSION_TIMEOUT_MS = 8 * 60 * 60 * 1000L;
  private static final int ASSET_MAX_AGE_SECONDS = 300;
  private static final String SESSIONS = "console.sessions";

  private ConsoleRoutes() {}

  /**
   * Mounts the console on a verticle's router; call before the router's final 404 route.
   *
   * @param config the mode and where the console is reached (cookies are secure and HSTS is sent in
   *     production, and over an https public URL in dev mode) and the session lifetime
   * @param csrfKey the key of CSRF tokens, the platform's own (never the master key's), the same on
   *     every node of a cluster, so each accepts the tokens of the others
   * @param clock the clock of login throttling and of the session lifetime
   */
  public static void mount(
      Vertx vertx,
      Router router,
      UseCases useCases,
      PaybridgeConfig config,
      byte[] csrfKey,
      Clock clock) {
    boolean httpsOnly = config.mode() == Mode.PRODUCTION || config.publicUrl().startsWith("https:");
    SessionLifetime lifetime = new SessionLifetime(config.consoleSessionLifetime(), clock);
    // Sessions live in PostgreSQL in every mode, never in the cluster's memory (ADR 27).
    DatabaseSessionStore store =
        new DatabaseSessionStore(
            vertx, useCases.consoleSessions(), config.consoleSessionLifetime());
    SessionHandler sessions =
        SessionHandler.create(store)
            .setSessionCookieName("pb_console")
            .setSessionCookiePath(BASE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setCookieSecureFlag(httpsOnly)
            .setSessionTimeout(SESSION_TIMEOUT_MS);
    // Tokens are bound to the session (a new session id after sign-in voids them) and renewed
    // after every accepted POST; the signing secret is the same on every node of a cluster.
    CSRFHandler csrf =
        CSRFHandler.create(vertx, Base64.getEncoder().encodeToString(csrfKey))
            .setCookieName("pb_console_csrf")
            .setCookiePath(BASE)
            .setCookieHttpOnly(true)
            .setCookieSecure(httpsOnly)
            .setHeaderName(Frame.CSRF_FIELD)
            .setTimeout(SESSION_TIMEOUT_MS);
    Views views = Views.precompiled();
    AuthPages auth = new AuthPages(useCases.tenants(), views, lifetime);
    PaymentPages money =
        new PaymentPages(
            useCases.payments(),
            useCases.subscriptions(),
            useCases.syncTargets(),
            useCases.gatewayAccounts(),
            views);
    GatewayPages gateways =
        new GatewayPages(useCases.gatewayAccounts(), useCases.receipts(), views);
    SyncPages sync = new SyncPages(useCases.syncTargets(), views);
    ApiClientPages clients = new ApiClientPages(useCases.apiClients(), views, clock);
    AccountPages account = new AccountPages(useCases.tenants(), views);
    ReceiptPages receipts =
        new ReceiptPages(useCases.receipts(), useCases.gatewayAccounts(), views);

    CobotConsolePages cobot =
        new CobotConsolePages(useCases.cobot(), useCases.gatewayAccounts(), views);

    Router console = Router.router(vertx);
    console.route().handler(contentSecurityPolicy("self"));
    // Cobot's connect form is answered with a redirect to Cobot's authorization page, which a
    // browser follows only if the form's page allows it as a form action.
    console
        .route("/cobot")
        .handler(
            contentSecurityPolicy(
                "'self' " + CobotConsolePages.authorizeOrigin(useCases.cobot().settings())));
    console.route().handler(XFrameHandler.create(XFrameHandler.DENY));
    if (httpsOnly) {
      // The node serves plain http behind the load balancer that ends TLS, so vertx-web's
      // HSTSHandler, which writes only on a TLS connection, would never send it: production (or
      // the public URL) says the console is reached over https, and that is what the header is
      // about.
      console.route().handler(ConsoleRoutes::strictTransportSecurity);
    }
    console.route().handler(ConsoleRoutes::otherHeaders);
    console
        .get("/assets/*")
        .handler(
            StaticHandler.create("paybridge/console")
                .setDirectoryListing(false)
                .setCachingEnabled(true)
                .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS));
    console.route().handler(ConsoleRoutes::noStore);
    console.route().handler(sessions);
    console.route().handler(ctx -> ctx.put(SESSIONS, sessions).next());
    console.route().handler(lifetime);
    console.post().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    console.route().handler(csrf);

    console.get("/").handler(ctx -> redirect(ctx, tenantOf(ctx) == null ? "/login" : "/dashboard"));
    console.get("/login").handler(auth::loginForm);
    console.post("/login").handler(auth::login);
    console.get("/signup").handler(auth::signupForm);
    console.post("/signup").handler(auth::signup);
    console.post("/logout").handler(auth::logout);

    // Everything below needs a signed-in tenant.
    console.route().handler(ConsoleRoutes::requireTenant);
    console.get("/dashboard").handler(money::dashboard);
    console.get("/gateways").handler(gateways::gateways);
    console.get("/gateways/:gateway").handler(gateways::gatewayForm);
    console.get("/gateways/:gateway/status").handler(gateways::status);
    console.post("/gateways/:gateway").handler(gateways::saveGateway);
    console.post("/gateways/:gateway/delete").handler(gateways::removeGateway);
    console.get("/payments").handler(money::payments);
    CheckoutPages checkouts =
        new CheckoutPages(
            useCases.checkouts(), useCases.gatewayAccounts(), useCases.syncTargets(), views);
    console.get("/checkouts").handler(checkouts::list);
    console.get("/checkouts/:id").handler(checkouts::detail);
    console.get("/subscriptions").handler(money::subscriptions);
    console.get("/webhooks").handler(receipts::list);
    console.get("/webhooks/:id").handler(receipts::detail);
    console.post("/webhooks/:id/reprocess").handler(receipts::reprocess);
    console.get("/sync").handler(sync::sync);
    console.post("/sync/deliveries/:id/replay").handler(sync::replay);
    console.post("/sync/targets").handler(sync::add);
    console.post("/sync/targets/:id/enable").handler(sync::enable);
    console.post("/sync/targets/:id/disable").handler(sync::disable);
    console.post("/sync/targets/:id/remove").handler(sync::remove);
    console.get("/cobot").handler(cobot::page);
    console.post("/cobot").handler(cobot::connect);
    console.post("/cobot/disconnect").handler(cobot::disconnect);
    console.post("/cobot/invoices/:id/rerun").handler(cobot::rerun);
    console.get("/account").handler(account::page);
    console.post("/account/password").handler(account::changePassword);
    console.get("/api-clients").handler(clients::apiClients);
    console.post("/api-clients").handler(clients::createApiClient);
    console.post("/api-clients/:id/revoke").handler(clients::revokeApiClient);
    console.post("/api-clients/:id/rotate").handler(clients::rotateApiClient);
    console.route().handler(ctx -> ctx.fail(404));
    console.route().failureHandler(ctx -> failure(ctx, views));

    router.get("/").handler(ctx -> redirect(ctx, ""));
    router.route(BASE + "/*").subRouter(console);
  }

  /** Only the console's own origin, no framing; forms may be sent to {@code formAction}. */
  private static CSPHandler contentSecurityPolicy(String formAction) {
    return CSPHandler.create()
        .setDirective("default-src", "self")
        .setDirective("img-src", "'self' data:")
        .setDirective("frame-ancestors", "none")
        .setDirective("form-action", formAction)
        .setDirective("base-uri", "none");
  }

  /** Headers vertx-web has no handler for. */
  private static void otherHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  /** Pages are never cached: they show one tenant's data and one session's CSRF token. */
  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
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

  /**
   * For {@code compose}: a use case's answer, or a 404 when it found nothing (it answers {@code
   * null} for what does not exist and for what is another tenant's).
   */
  static <T> Function<T, Future<T>> found() {
    return answer ->
        answer == null
            ? Future.failedFuture(new HttpException(404))
            : Future.succeededFuture(answer);
  }

  /** 303 to a console path (after a POST, the browser follows with a GET). */
  static void redirect(RoutingContext ctx, String consolePath) {
    ctx.response().setStatusCode(303).putHeader("Location", BASE + consolePath);
    afterSessionSaved(ctx, () -> ctx.response().end());
  }

  /**
   * Runs {@code end}, which ends the response whose status is set, once the request's session is
   * written: the browser follows an answer at once, maybe to another node, and must find there the
   * session this request signed in, changed or ended. It is written whatever the status: a refused
   * form (a wrong password, a field missing) renewed the session's CSRF token too, and the page
   * that says so carries the new one. A session that cannot be written (another request of it
   * changed it meanwhile) is logged, and the answer still goes out, as vertx-web does.
   */
  static void afterSessionSaved(RoutingContext ctx, Runnable end) {
    SessionHandler sessions = ctx.get(SESSIONS);
    if (sessions == null || ctx.session() == null) {
      end.run();
      return;
    }
    sessions
        .flush(ctx, true)
        .onComplete(
            done -> {
              if (done.failed()) {
                LOG.log(Level.WARNING, "console session not saved: {0}", done.cause().getMessage());
              }
              end.run();
            });
  }

  /** Six months, sub-domains included, as vertx-web's HSTSHandler would send it over TLS. */
  private static void strictTransportSecurity(RoutingContext ctx) {
    ctx.response().putHeader("Strict-Transport-Security", "max-age=15768000; includeSubDomains");
    ctx.next();
  }

  /** What a page said was wrong with the request, or a general sentence when it said nothing. */
  private static String badRequestText(Throwable err) {
    if (UnstorableText.is(err)) {
      return "A field held a character the console cannot keep (NUL). Remove it and try again.";
    }
    return err instanceof HttpException h && h.getPayload() != null && !h.getPayload().isBlank()
        ? h.getPayload()
        : "The request could not be understood.";
  }

  private static void failure(RoutingContext ctx, Views views) {
    Throwable err = ctx.failure();
    int status = err instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    if (UnstorableText.is(err)) {
      status = 400;
    }
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
                : badRequestText(err);
      }
    }
    if (status == 500) {
      LOG.log(Level.WARNING, "console request failed: " + ctx.request().path(), err);
    }
    views.plain(
        ctx, status, "error.jte", new ErrorPage(status, title, text, tenantOf(ctx) != null));
  }
}
