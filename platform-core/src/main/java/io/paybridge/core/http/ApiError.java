package io.paybridge.core.http;

import io.vertx.core.json.JsonObject;

/**
 * An expected failure with a status, a stable code and a message safe to show, plus the input field
 * at fault where there is one. Thrown (or failed with) from handlers; the failure handler answers
 * it as {@code {"error", "message", "field"?}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final String field;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  private ApiError(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /**
   * A 422 naming the field of a well-formed request that is at fault: {@code 'email' is required}.
   * (400 is kept for a body that cannot be read at all.)
   */
  public static ApiError badField(String field, String problem) {
    return new ApiError(422, "invalid_field", "'" + field + "' " + problem, field);
  }

  /** A 422 about one field, with the message as given. */
  public static ApiError forField(String field, String message) {
    return new ApiError(422, "invalid_field", message, field);
  }

  /**
   * A 422 naming a query parameter of a list that the API cannot use (a filter of the wrong shape,
   * a cursor that names nothing of the list): {@code 'created[gte]' must be a time}.
   */
  public static ApiError badParameter(String parameter, String problem) {
    return new ApiError(422, "invalid_parameter", "'" + parameter + "' " + problem, parameter);
  }

  /** A 422 about one query parameter, with the message as given. */
  public static ApiError forParameter(String parameter, String message) {
    return new ApiError(422, "invalid_parameter", message, parameter);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public int status() {
    return status;
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("error", code).put("message", getMessage());
    if (field != null) {
      o.put("field", field);
    }
    return o;
  }
}
