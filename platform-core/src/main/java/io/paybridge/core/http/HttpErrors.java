package io.paybridge.core.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One shape for every error the platform answers: an RFC 9457 problem document ({@code
 * application/problem+json}) that also carries {@code {"error": code, "message": text}} and {@code
 * "field"} when one input field is at fault.
 */
public final class HttpErrors {

  private static final Logger LOG = Logger.getLogger(HttpErrors.class.getName());

  private HttpErrors() {}

  /** Answers with an error body. */
  public static void respond(RoutingContext ctx, int status, String code, String message) {
    respond(ctx, status, new JsonObject().put("error", code).put("message", message));
  }

  /**
   * Answers with an RFC 9457 problem document: {@code type} (a URN naming the problem, stable for
   * programs), {@code title}, {@code status} and {@code detail}, plus the platform's own members
   * ({@code error} — the same code as in {@code type} — {@code message}, and {@code field} and
   * {@code problems} when input is at fault).
   */
  public static void respond(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().headWritten()) {
      return;
    }
    String code = body.getString("error", "error");
    JsonObject problem =
        new JsonObject()
            .put("type", "urn:paybridge:problem:" + code)
            .put("title", title(status))
            .put("status", status)
            .put("detail", body.getString("message", title(status)))
            .mergeIn(body);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end(problem.encode());
  }

  /**
   * Answers 400 {@code invalid_field} naming every field at fault: {@code field} is the first,
   * {@code problems} lists them all with what is wrong, and {@code message} says it all at once.
   */
  public static void invalidInput(
      RoutingContext ctx, io.paybridge.core.usecase.InvalidInput invalid) {
    invalidInput(ctx, invalid, 400);
  }

  /**
   * Answers {@code status} {@code invalid_field} naming every field at fault, as {@link
   * #invalidInput(RoutingContext, io.paybridge.core.usecase.InvalidInput)} does; the partner API
   * answers 422.
   */
  public static void invalidInput(
      RoutingContext ctx, io.paybridge.core.usecase.InvalidInput invalid, int status) {
    io.vertx.core.json.JsonArray problems = new io.vertx.core.json.JsonArray();
    StringBuilder message = new StringBuilder();
    for (var p : invalid.problems()) {
      problems.add(new JsonObject().put("field", p.field()).put("message", p.message()));
      String sentence = p.message().matches(".*[.!?]$") ? p.message() : p.message() + ".";
      message.append(message.length() == 0 ? "" : " ").append(sentence);
    }
    respond(
        ctx,
        status,
        new JsonObject()
            .put("error", "invalid_field")
            .put("message", message.toString())
            .put("field", invalid.field())
            .put("problems", problems));
  }

  /**
   * Answers 429 with {@code Retry-After} (whole seconds) and a problem document {@code
   * too_many_attempts} saying when to try again.
   */
  public static void tooManyAttempts(
      RoutingContext ctx, io.paybridge.core.usecase.Throttled throttled) {
    if (ctx.response().headWritten()) {
      return;
    }
    long seconds = throttled.retryAfterSeconds();
    ctx.response().putHeader("Retry-After", String.valueOf(seconds));
    respond(
        ctx,
        429,
        new JsonObject()
            .put("error", "too_many_attempts")
            .put("message", throttled.getMessage() + " " + throttled.whenToRetry())
            .put("retryAfter", seconds));
  }

  private static String title(int status) {
    io.netty.handler.codec.http.HttpResponseStatus known =
        io.netty.handler.codec.http.HttpResponseStatus.valueOf(status);
    return known == null ? "Error" : known.reasonPhrase();
  }

  /**
   * The router's failure handler: expected failures keep their status; the rest are 500 and logged.
   */
  public static void failureHandler(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof ApiError e) {
      respond(ctx, e.status(), e.toJson());
      return;
    }
    if (failure instanceof io.paybridge.core.usecase.InvalidInput invalid) {
      invalidInput(ctx, invalid);
      return;
    }
    if (failure instanceof io.paybridge.core.usecase.Throttled throttled) {
      tooManyAttempts(ctx, throttled);
      return;
    }
    if (failure instanceof io.paybridge.core.usecase.Refused refused) {
      JsonObject body =
          new JsonObject().put("error", refused.code()).put("message", refused.getMessage());
      if (refused.field() != null) {
        body.put("field", refused.field());
      }
      respond(ctx, refused.kind().status(), body);
      return;
    }
    if (failure instanceof io.paybridge.spi.GatewayApiException gateway) {
      // A gateway the request needed could not answer now; it may later.
      respond(
          ctx,
          503,
          new JsonObject()
              .put("error", "gateway_unavailable")
              .put("message", gateway.getMessage())
              .put("retryable", gateway.retryable()));
      return;
    }
    if (failure instanceof io.paybridge.core.cobot.CobotException cobot) {
      // Cobot refused or could not answer a call the request needed.
      respond(
          ctx,
          cobot.retryable() ? 503 : 502,
          new JsonObject()
              .put("error", cobot.retryable() ? "cobot_unavailable" : "cobot_refused")
              .put("message", cobot.getMessage())
              .put("retryable", cobot.retryable()));
      return;
    }
    if (failure instanceof HttpException he) {
      status = he.getStatusCode();
      if (status < 500) {
        respond(
            ctx,
            status,
            codeFor(status),
            he.getPayload() != null ? he.getPayload() : codeFor(status));
        return;
      }
    }
    if (status == 413) {
      respond(ctx, 413, "body_too_large", "the request body is larger than allowed");
      return;
    }
    if (UnstorableText.is(failure)) {
      respond(ctx, 400, UnstorableText.CODE, UnstorableText.MESSAGE);
      return;
    }
    if (status >= 400 && status < 500) {
      respond(
          ctx, status, codeFor(status), failure == null ? "request refused" : messageOf(failure));
      return;
    }
    LOG.log(
        Level.SEVERE,
        "unhandled failure on " + ctx.request().method() + " " + ctx.normalizedPath(),
        failure);
    respond(ctx, 500, "internal_error", "an unexpected error occurred; it has been logged");
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 415 -> "unsupported_media_type";
      default -> "error";
    };
  }
}
