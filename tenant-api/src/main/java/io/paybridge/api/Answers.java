package io.paybridge.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the API's writes answer: the answer is kept under the request's {@code Idempotency-Key} (when
 * it took one) before it is sent, so a retry that follows a lost answer gets this one and changes
 * nothing.
 */
final class Answers {

  private static final Logger LOG = Logger.getLogger(Answers.class.getName());
  private static final String JSON = "application/json";

  private Answers() {}

  /** {@code status} with a JSON body, and a {@code Location} when {@code location} is set. */
  static void json(RoutingContext ctx, int status, JsonObject body, String location) {
    send(ctx, status, JSON, location, body.toBuffer());
  }

  /** {@code 200} with a JSON body. */
  static void ok(RoutingContext ctx, JsonObject body) {
    json(ctx, 200, body, null);
  }

  /** {@code 204}. */
  static void noContent(RoutingContext ctx) {
    send(ctx, 204, null, null, null);
  }

  private static void send(
      RoutingContext ctx, int status, String contentType, String location, Buffer body) {
    Idempotency.Entry entry = Idempotency.entry(ctx);
    if (entry == null) {
      write(ctx, status, contentType, location, body);
      return;
    }
    entry.answered = true;
    entry
        .keys
        .answered(entry.tenantId, entry.key, status, contentType, location, body)
        .onComplete(
            kept -> {
              if (kept.failed()) {
                // The write happened; a retry of it is refused (409) until the key's lock passes.
                LOG.log(
                    Level.WARNING,
                    "could not keep the answer under Idempotency-Key of tenant {0}: {1}",
                    new Object[] {entry.tenantId, String.valueOf(kept.cause())});
              }
              write(ctx, status, contentType, location, body);
            });
  }

  private static void write(
      RoutingContext ctx, int status, String contentType, String location, Buffer body) {
    var response = ctx.response().setStatusCode(status);
    if (contentType != null) {
      response.putHeader("Content-Type", contentType);
    }
    if (location != null) {
      response.putHeader("Location", location);
    }
    if (body == null) {
      response.end();
    } else {
      response.end(body);
    }
  }
}
