package io.paybridge.console;

import io.paybridge.console.view.Frame;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** Renders one precompiled template with sample data, as the pages do. */
final class Render {

  static final String HOSTILE = "<script>alert(\"x\")</script>' onmouseover=\"y";
  static final Frame FRAME = new Frame("Acme <Cowork>", "o\"wner@example.com", "tok\"en<");

  private static final Views VIEWS = Views.precompiled();

  private Render() {}

  static String page(String template, Object page) {
    return render(template, Map.of("frame", FRAME, "page", page));
  }

  static String plain(String template, Object page) {
    return render(template, Map.of("page", page));
  }

  private static String render(String template, Map<String, Object> data) {
    Future<Buffer> html = VIEWS.engine().render(data, template);
    if (html.failed()) {
      throw new AssertionError(template, html.cause());
    }
    return html.result().toString();
  }
}
