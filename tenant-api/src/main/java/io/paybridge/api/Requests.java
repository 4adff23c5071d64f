package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * Reading request input with errors that name the field at fault (answered as 422); lists' query
 * parameters: {@link Lists}.
 */
final class Requests {

  private Requests() {}

  /** The request as checked against the OpenAPI document, or null on a route not checked. */
  static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  /** The checked JSON body, or null when the operation's optional body was not sent. */
  static JsonObject optionalJsonObject(RoutingContext ctx) {
    ValidatedRequest checked = validated(ctx);
    if (checked != null) {
      RequestParameter body = checked.getBody();
      return body == null || body.isNull() ? null : jsonObject(ctx);
    }
    return ctx.body().length() > 0 ? jsonObject(ctx) : null;
  }

  /** The body as a JSON object; 415 for another media type, 400 for anything but an object. */
  static JsonObject jsonObject(RoutingContext ctx) {
    ValidatedRequest checked = validated(ctx);
    if (checked != null
        && checked.getBody() != null
        && checked.getBody().get() instanceof JsonObject body) {
      return body;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null
        || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
    }
    try {
      Object v =
          ctx.body().buffer() == null
              ? null
              : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      throw new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    throw new ApiError(400, "invalid_json", "the body must be a JSON object");
  }

  /** A required string field of bounded length. */
  static String string(JsonObject in, String field, int min, int max) {
    Object v = in.getValue(field);
    if (v == null) {
      throw ApiError.badField(field, "is required");
    }
    if (!(v instanceof String s)) {
      throw ApiError.badField(field, "must be a string");
    }
    if (s.strip().length() < min) {
      throw ApiError.badField(
          field, min <= 1 ? "must not be empty" : "must be at least " + min + " characters");
    }
    if (s.length() > max) {
      throw ApiError.badField(field, "must be at most " + max + " characters");
    }
    return s;
  }
}
