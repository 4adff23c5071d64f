package io.paybridge.core.cobot;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The simulator's routes: each runs under the simulator's monitor against the state classes, and
 * turns a {@link CobotRefusal} into Cobot's answer.
 */
final class CobotRoutes {

  /** The space API's path on the simulator: {@code https://{subdomain}.cobot.me/api}. */
  static final String SPACE = "/spaces/:subdomain/api";

  /** Who a space API call acts as, in which space, and the call itself. */
  record Caller(
      String subdomain, String clientId, String userId, ApiCall call, RoutingContext ctx) {

    String param(String name) {
      return ctx.pathParam(name);
    }

    JsonObject body() {
      return CobotFormat.body(call);
    }
  }

  @FunctionalInterface
  private interface SpaceHandler {
    Answer serve(Caller caller);
  }

  private final Object lock;
  private final CobotSpaces spaces;
  private final CobotOAuth oauth;
  private final SimulatedInvoices invoices;
  private final CobotApps apps;
  private final BiConsumer<RoutingContext, Answer> answer;
  private final Function<RoutingContext, ApiCall> call;

  /**
   * @param lock the monitor that guards the state classes
   * @param answer writes an answer through the simulator (faults, latency)
   * @param call the request as the simulator logged it
   */
  CobotRoutes(
      Object lock,
      CobotSpaces spaces,
      CobotOAuth oauth,
      SimulatedInvoices invoices,
      CobotApps apps,
      BiConsumer<RoutingContext, Answer> answer,
      Function<RoutingContext, ApiCall> call) {
    this.lock = lock;
    this.spaces = spaces;
    this.oauth = oauth;
    this.invoices = invoices;
    this.apps = apps;
    this.answer = answer;
    this.call = call;
  }

  void install(Router router) {
    route(router, HttpMethod.GET, "/oauth/authorize", ctx -> oauth.authorize(ctx.queryParams()));
    route(
        router,
        HttpMethod.GET,
        "/spaces/:subdomain/oauth/authorize",
        ctx -> {
          spaces.space(ctx.pathParam("subdomain"));
          return oauth.authorize(ctx.queryParams());
        });
    route(router, HttpMethod.POST, "/oauth/access_token", ctx -> oauth.token(call.apply(ctx)));
    route(
        router,
        HttpMethod.GET,
        "/api/user",
        ctx -> ok(spaces.userJson(oauth.authenticate(call.apply(ctx), "read_user").userId())));
    route(
        router,
        HttpMethod.GET,
        "/api/spaces/:subdomain",
        ctx -> ok(spaces.spaceJson(ctx.pathParam("subdomain"))));

    // The member area's page of a navigation link: the app's iframe, with the parameters Cobot
    // appends to its URL.
    route(
        router,
        HttpMethod.GET,
        "/spaces/:subdomain/navigation_links/:id",
        ctx -> memberArea(ctx.pathParam("subdomain"), ctx.pathParam("id")));

    // Before /invoices/:id, which would take "payment_records" for an id.
    get(
        router,
        "/invoices/payment_records",
        "read_payment_records",
        c -> ok(invoices.records(c.subdomain(), c.call().queryParams())));
    get(
        router,
        "/invoices",
        "read_invoices",
        c -> ok(invoices.list(c.subdomain(), c.call().queryParams())));
    get(
        router,
        "/invoices/:id",
        "read_invoices",
        c -> ok(invoices.get(c.subdomain(), c.param("id"))));
    post(
        router,
        "/invoices/:id/payment_records",
        "write_payment_records",
        c -> created(invoices.addRecord(c.subdomain(), c.param("id"), c.body())));
    delete(
        router,
        "/invoices/:id/payment_records/:record",
        "write_payment_records",
        c -> invoices.deleteRecord(c.subdomain(), c.param("id"), c.param("record")));

    get(
        router,
        "/activities",
        "read_activities",
        c -> ok(apps.activities(c.subdomain(), c.call().queryParams())));
    post(
        router,
        "/activities",
        "write_activities",
        c -> created(apps.addActivity(c.subdomain(), c.clientId(), c.body())));

    get(
        router,
        "/navigation_links",
        "navigation",
        c -> ok(apps.links(c.subdomain(), c.clientId())));
    post(
        router,
        "/navigation_links",
        "navigation",
        c -> created(apps.addLink(c.subdomain(), c.clientId(), c.body())));
    get(
        router,
        "/navigation_links/:id",
        "navigation",
        c -> ok(apps.link(c.subdomain(), c.clientId(), c.param("id"))));
    delete(
        router,
        "/navigation_links/:id",
        "navigation",
        c -> apps.deleteLink(c.subdomain(), c.clientId(), c.param("id")));

    get(
        router,
        "/subscriptions",
        "read_subscriptions",
        c -> ok(apps.subscriptions(c.subdomain(), c.clientId())));
    post(
        router,
        "/subscriptions",
        "write_subscriptions",
        c -> apps.subscribe(c.subdomain(), c.clientId(), c.body()));
    get(
        router,
        "/subscriptions/:id",
        "read_subscriptions",
        c -> ok(apps.subscription(c.subdomain(), c.clientId(), c.param("id"))));
    delete(
        router,
        "/subscriptions/:id",
        "write_subscriptions",
        c -> apps.unsubscribe(c.subdomain(), c.clientId(), c.param("id")));

    get(router, "/memberships", "read_memberships", c -> ok(spaces.membershipsJson(c.subdomain())));
    get(
        router,
        "/memberships/:id",
        "read_memberships",
        c -> ok(spaces.membershipJson(c.subdomain(), c.param("id"))));

    router.route().handler(ctx -> answer.accept(ctx, CobotFormat.json(404, new JsonObject())));
  }

  private void get(Router router, String path, String scope, SpaceHandler handler) {
    space(router, HttpMethod.GET, path, scope, handler);
  }

  private void post(Router router, String path, String scope, SpaceHandler handler) {
    space(router, HttpMethod.POST, path, scope, handler);
  }

  /** A space API {@code DELETE}: {@code 204} once {@code action} has run. */
  private void delete(Router router, String path, String scope, Consumer<Caller> action) {
    space(
        router,
        HttpMethod.DELETE,
        path,
        scope,
        c -> {
          action.accept(c);
          return Answer.empty(204);
        });
  }

  /** A space API route: a live token with {@code scope}, of a user who is the space's admin. */
  private void space(
      Router router, HttpMethod method, String path, String scope, SpaceHandler handler) {
    route(
        router,
        method,
        SPACE + path,
        ctx -> {
          ApiCall apiCall = call.apply(ctx);
          CobotOAuth.Grant grant = oauth.authenticate(apiCall, scope);
          String subdomain = spaces.space(ctx.pathParam("subdomain")).subdomain();
          spaces.requireAdmin(subdomain, grant.userId());
          return handler.serve(
              new Caller(subdomain, grant.clientId(), grant.userId(), apiCall, ctx));
        });
  }

  private void route(
      Router router, HttpMethod method, String path, Function<RoutingContext, Answer> handler) {
    router.route(method, path).handler(ctx -> answer.accept(ctx, serve(ctx, handler)));
  }

  private Answer serve(RoutingContext ctx, Function<RoutingContext, Answer> handler) {
    synchronized (lock) {
      try {
        return handler.apply(ctx);
      } catch (CobotRefusal refusal) {
        return refusal.answer();
      }
    }
  }

  private Answer memberArea(String subdomain, String id) {
    JsonObject link = apps.anyLink(subdomain, id);
    String user = oauth.signedInUser();
    String src =
        link.getString("iframe_url")
            + (link.getString("iframe_url").contains("?") ? "&" : "?")
            + "cobot_embed=true&cobot_subdomain="
            + subdomain
            + "&cobot_user_id="
            + (user == null ? "" : user)
            + "&cobot_locale=en";
    String html =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
            + escape(link.getString("label"))
            + "</title></head><body><h1>"
            + escape(link.getString("label"))
            + "</h1><iframe id=\"app\" style=\"width:100%;height:640px;border:0\" src=\""
            + escape(src)
            + "\"></iframe></body></html>";
    return Answer.of(200, "text/html; charset=utf-8", html);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }

  private static Answer ok(Object body) {
    return CobotFormat.json(200, body);
  }

  private static Answer created(JsonObject body) {
    return CobotFormat.json(201, body);
  }
}
