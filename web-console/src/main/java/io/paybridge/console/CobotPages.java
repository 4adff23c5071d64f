package io.paybridge.console;

import io.paybridge.console.view.CardView;
import io.paybridge.console.view.CobotMessage;
import io.paybridge.console.view.Format;
import io.paybridge.console.view.MemberView;
import io.paybridge.core.cobot.Cobot;
import io.paybridge.core.cobot.CobotCallbacks;
import io.paybridge.core.cobot.CobotException;
import io.paybridge.core.cobot.CobotMembers.MemberPage;
import io.paybridge.core.cobot.CobotSettings;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cobot's public routes under {@code /cobot}, reached by Cobot and by members inside Cobot's
 * iframe, so without the console's session or CSRF token: the secret key in the URL (callback,
 * page), the one-time OAuth state or the member's session token is all that ties a request to a
 * tenant.
 *
 * <ul>
 *   <li>{@code POST /cobot/hooks/{hookKey}}: a space's {@code created_invoice} webhook, answered
 *       once recorded; {@code 410} for an unknown key, so Cobot drops the subscription, and {@code
 *       503} when it could not be recorded, so Cobot sends it again.
 *   <li>{@code GET /cobot/oauth/callback}: where Cobot sends a browser back after an authorization,
 *       a space admin's (to the console) or a member's (to their page).
 *   <li>{@code GET /cobot/members/{pageKey}}: the members' link in Cobot; sends the member to sign
 *       in at Cobot.
 *   <li>{@code GET /cobot/member/{token}[/card[/done]]}: the signed-in member's card, and the
 *       gateway's form that stores another.
 * </ul>
 *
 * <p>The member's pages may be framed by the space's Cobot pages only ({@code frame-ancestors}),
 * load scripts from the platform and the gateway's script origin only, and never send their URL,
 * which holds the session token, as a referrer.
 */
public final class CobotPages {

  static final String BASE = "/cobot";

  /** A {@code created_invoice} body is {@code {"url": "…"}}: a few hundred bytes. */
  static final int HOOK_BODY_LIMIT = 16 * 1024;

  private static final int ASSET_MAX_AGE_SECONDS = 300;
  private static final String TITLE = "Payment method";
  private static final Logger LOG = Logger.getLogger(CobotPages.class.getName());

  private final Cobot cobot;
  private final Views views;

  /** The pages' content security policy up to its {@code frame-ancestors}, which varies. */
  private final String policy;

  private CobotPages(Cobot cobot, Views views) {
    this.cobot = cobot;
    this.views = views;
    this.policy = policy(cobot.settings());
  }

  /**
   * Mounts the routes on a node's router, beside the console; call before the router's final 404
   * route.
   */
  public static void mount(Vertx vertx, Router router, Cobot cobot) {
    CobotPages pages = new CobotPages(cobot, Views.precompiled());
    Router routes = Router.router(vertx);
    routes
        .post("/hooks/:hookKey")
        .handler(BodyHandler.create(false).setBodyLimit(HOOK_BODY_LIMIT))
        .handler(pages::hook)
        .failureHandler(CobotPages::hookFailure);
    routes
        .get("/assets/*")
        .handler(CobotPages::noSniff)
        .handler(
            StaticHandler.create("paybridge/cobot")
                .setDirectoryListing(false)
                .setCachingEnabled(true)
                .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS));
    routes.route("/oauth/*").handler(pages::pageHeaders);
    routes.route("/member*").handler(pages::pageHeaders);
    routes.get("/oauth/callback").handler(pages::callback);
    routes.get("/members/:pageKey").handler(pages::signIn);
    routes.get("/member/:token").handler(pages::member);
    routes.get("/member/:token/card").handler(pages::card);
    routes.get("/member/:token/card/done").handler(pages::cardDone);
    router.route(BASE + "/*").subRouter(routes);
  }

  // ---- Cobot's webhook

  private void hook(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    cobot
        .invoices()
        .receive(ctx.pathParam("hookKey"), body == null ? Buffer.buffer() : body)
        .onSuccess(received -> ctx.json(new JsonObject().put("status", "received")))
        .onFailure(ctx::fail);
  }

  /**
   * Problem documents Cobot reads: a malformed body is 400; an unknown callback 410, on which Cobot
   * deactivates the subscription; anything else 503, which Cobot retries.
   */
  private static void hookFailure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (ctx.statusCode() == 413) {
      HttpErrors.respond(
          ctx,
          413,
          "body_too_large",
          "a created_invoice body is at most " + HOOK_BODY_LIMIT + " bytes");
    } else if (err instanceof InvalidInput) {
      HttpErrors.failureHandler(ctx);
    } else if (err instanceof Refused r && r.kind() == Refused.Kind.NOT_FOUND) {
      HttpErrors.respond(ctx, 410, r.code(), r.getMessage());
    } else {
      LOG.log(Level.WARNING, "a Cobot webhook could not be recorded", err);
      HttpErrors.respond(
          ctx, 503, "unavailable", "the webhook could not be recorded now; send it again later");
    }
  }

  // ---- the OAuth callback and the members' link

  private void callback(RoutingContext ctx) {
    cobot
        .callbacks()
        .complete(
            ctx.request().getParam("state"),
            ctx.request().getParam("code"),
            ctx.request().getParam("error"))
        .onSuccess(done -> seeOther(ctx, where(done)))
        .onFailure(
            err -> {
              if (err instanceof Refused r) {
                int status = r.kind() == Refused.Kind.NOT_FOUND ? 404 : 400;
                message(ctx, status, null, "Authorization not completed", r.getMessage());
              } else {
                unreachable(ctx, err, null);
              }
            });
  }

  private static String where(CobotCallbacks.Completed done) {
    return done.connection()
        ? ConsoleRoutes.BASE + "/cobot?connected=1"
        : BASE + "/member/" + Format.url(done.memberSession());
  }

  private void signIn(RoutingContext ctx) {
    cobot
        .members()
        .signIn(ctx.pathParam("pageKey"))
        .onSuccess(authorizeUrl -> seeOther(ctx, authorizeUrl))
        .onFailure(err -> refused(ctx, err, null, null));
  }

  // ---- the member's pages

  private void member(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    cobot
        .members()
        .page(token)
        .onSuccess(
            p ->
                render(
                    ctx,
                    200,
                    p.subdomain(),
                    "cobot/member.jte",
                    new MemberView(
                        token,
                        p.memberName(),
                        p.method() != null,
                        p.method() == null ? null : p.method().brand(),
                        p.method() == null ? null : p.method().last4(),
                        ctx.request().getParam("saved") != null)))
        .onFailure(err -> refused(ctx, err, null, null));
  }

  private void card(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    Future<MemberPage> member = cobot.members().page(token);
    member
        .compose(p -> cobot.members().startCard(token))
        .onSuccess(
            form ->
                render(
                    ctx,
                    200,
                    member.result().subdomain(),
                    "cobot/card.jte",
                    new CardView(
                        token, form.scriptUrl(), form.publishableKey(), form.clientSecret())))
        .onFailure(err -> refused(ctx, err, subdomainOf(member), memberHref(token)));
  }

  private void cardDone(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    Future<MemberPage> member = cobot.members().page(token);
    member
        .compose(p -> cobot.members().finishCard(token, ctx.request().getParam("setup_intent")))
        .onSuccess(stored -> seeOther(ctx, memberHref(token) + "?saved=1"))
        .onFailure(err -> refused(ctx, err, subdomainOf(member), memberHref(token) + "/card"));
  }

  private static String memberHref(String token) {
    return BASE + "/member/" + Format.url(token);
  }

  private static String subdomainOf(Future<MemberPage> member) {
    return member.succeeded() ? member.result().subdomain() : null;
  }

  // ---- answers

  /**
   * A refusal's message on the member's layout, with a link to try again ({@code retryHref}) while
   * the session lasts; Cobot or the gateway out of reach is 502; anything else is logged and 500.
   */
  private void refused(RoutingContext ctx, Throwable err, String subdomain, String retryHref) {
    if (err instanceof Refused r) {
      boolean over = r.kind() == Refused.Kind.NOT_FOUND;
      message(
          ctx,
          r.kind().status(),
          subdomain,
          new CobotMessage(TITLE, sentence(r.getMessage()), over ? null : retryHref, "Try again"));
    } else if (err instanceof GatewayApiException) {
      LOG.log(Level.WARNING, "the gateway failed a member's card", err);
      message(
          ctx,
          502,
          subdomain,
          new CobotMessage(
              TITLE,
              "The payment service could not be reached. Try again in a moment.",
              retryHref,
              "Try again"));
    } else {
      unreachable(ctx, err, subdomain);
    }
  }

  /** Cobot out of reach (502), or an unexpected failure (logged, 500). */
  private void unreachable(RoutingContext ctx, Throwable err, String subdomain) {
    if (err instanceof CobotException) {
      LOG.log(Level.WARNING, "Cobot failed a member's or space's authorization", err);
      message(
          ctx,
          502,
          subdomain,
          new CobotMessage(
              "Cobot could not be reached",
              "Cobot could not be reached, or answered with an error. Try again in a moment.",
              null,
              null));
      return;
    }
    LOG.log(Level.SEVERE, "Cobot page failed: " + ctx.request().path(), err);
    message(
        ctx,
        500,
        subdomain,
        new CobotMessage(
            "Something went wrong",
            "This page could not be shown. Try again in a moment.",
            null,
            null));
  }

  private void message(
      RoutingContext ctx, int status, String subdomain, String title, String text) {
    message(ctx, status, subdomain, new CobotMessage(title, sentence(text), null, null));
  }

  private void message(RoutingContext ctx, int status, String subdomain, CobotMessage message) {
    render(ctx, status, subdomain, "cobot/message.jte", message);
  }

  /**
   * A page the space's Cobot pages may frame; when the space is not known (an expired session), any
   * space's Cobot pages may, so the member reads the message inside Cobot.
   */
  private void render(
      RoutingContext ctx, int status, String subdomain, String template, Object page) {
    if (ctx.response().headWritten()) {
      return;
    }
    ctx.response().putHeader("Content-Security-Policy", policy + frameAncestors(subdomain));
    views.plain(ctx, status, template, page);
  }

  private String frameAncestors(String subdomain) {
    if (subdomain == null || !CobotSettings.SUBDOMAIN.matcher(subdomain).matches()) {
      return cobot.settings().anySpaceOrigin();
    }
    return cobot.settings().spaceOrigin(subdomain);
  }

  private static void seeOther(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location).end();
  }

  /**
   * The headers of every page and redirect: no framing until the space is known, no referrer (the
   * URL holds the session token or the authorization code), no caching.
   */
  private void pageHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", policy + frameAncestors(null))
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  private static void noSniff(RoutingContext ctx) {
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.next();
  }

  /**
   * The platform's own scripts and styles, and the gateway's script, frames and API for the card
   * form (Stripe.js from its configured origin and Stripe's own).
   */
  private static String policy(CobotSettings settings) {
    String stripe = settings.stripeJsOrigin();
    return "default-src 'self'; script-src "
        + sources("'self'", stripe)
        + "; frame-src "
        + sources(stripe, "https://js.stripe.com", "https://hooks.stripe.com")
        + "; connect-src "
        + sources("'self'", stripe, "https://api.stripe.com")
        + "; img-src 'self' data:; style-src 'self'; form-action 'self'; base-uri 'none';"
        + " frame-ancestors ";
  }

  private static String sources(String... sources) {
    return String.join(" ", new LinkedHashSet<>(List.of(sources)));
  }

  /** A use case's message as a sentence: capitalised, with a full stop. */
  static String sentence(String text) {
    if (text == null || text.isBlank()) {
      return "The request could not be completed.";
    }
    String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    return s.endsWith(".") || s.endsWith("!") || s.endsWith("?") ? s : s + ".";
  }
}
