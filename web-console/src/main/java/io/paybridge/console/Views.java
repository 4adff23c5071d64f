package io.paybridge.console;

import gg.jte.ContentType;
import io.paybridge.console.view.Frame;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.common.template.TemplateEngine;
import io.vertx.ext.web.templ.jte.JteTemplateEngine;
import java.time.Instant;
import java.util.Map;

/**
 * Renders the console's jte templates ({@code src/main/jte}, compiled into {@value #PACKAGE} at
 * build time) through vertx-web's template engine. A signed-in page gets the frame ({@code frame})
 * and its page record ({@code page}); a signed-out page only its record.
 */
final class Views {

  /** Where jte-maven-plugin puts the compiled templates (see web-console/pom.xml). */
  static final String PACKAGE = "io.paybridge.console.jte";

  private final TemplateEngine engine;

  private Views(TemplateEngine engine) {
    this.engine = engine;
  }

  /** The precompiled templates on the class path: no template compiler at run time. */
  static Views precompiled() {
    return new Views(
        JteTemplateEngine.create(
            gg.jte.TemplateEngine.createPrecompiled(
                null, ContentType.Html, Views.class.getClassLoader(), PACKAGE)));
  }

  /** The engine, for tests that render a template on its own. */
  TemplateEngine engine() {
    return engine;
  }

  /** A signed-in page: {@code template} with the frame and {@code page}. */
  void page(RoutingContext ctx, int status, String template, Object page) {
    respond(ctx, status, template, Map.of("frame", frame(ctx), "page", page));
  }

  /** A signed-out page (log in, sign up, errors): {@code template} with {@code page}. */
  void plain(RoutingContext ctx, int status, String template, Object page) {
    respond(ctx, status, template, Map.of("page", page));
  }

  /** A template rendered on its own (a part of a page the page fetches again). */
  io.vertx.core.Future<String> fragment(String template, Map<String, Object> data) {
    return engine.render(data, template).map(io.vertx.core.buffer.Buffer::toString);
  }

  private void respond(RoutingContext ctx, int status, String template, Map<String, Object> data) {
    engine
        .render(data, template)
        .onSuccess(
            html -> {
              ctx.response()
                  .setStatusCode(status)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8");
              ConsoleRoutes.afterSessionSaved(ctx, () -> ctx.response().end(html));
            })
        .onFailure(
            err -> {
              if (!ctx.response().headWritten()) {
                ctx.fail(err);
              }
            });
  }

  /**
   * A time as page records carry it: ISO-8601 in UTC, as the API writes it (templates format it
   * with {@code Format.time}); {@code null} stays {@code null}.
   */
  static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  /** The CSRF token vertx-web's {@code CSRFHandler} issued for this request's forms. */
  static String csrf(RoutingContext ctx) {
    return ctx.get(Frame.CSRF_FIELD);
  }

  private static Frame frame(RoutingContext ctx) {
    Session s = ctx.session();
    return new Frame(s.get(ConsoleRoutes.TENANT_NAME), s.get(ConsoleRoutes.EMAIL), csrf(ctx));
  }
}
