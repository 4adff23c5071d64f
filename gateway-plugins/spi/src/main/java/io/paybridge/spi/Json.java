package io.paybridge.spi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reading gateway JSON with clear errors: every accessor names the path that is missing or of the
 * wrong type, as a {@link MalformedWebhookException}.
 */
public final class Json {

  private Json() {}

  /** Parses a JSON object body. */
  public static JsonObject object(Buffer body) {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject o) {
        return o;
      }
      throw new MalformedWebhookException("body is not a JSON object");
    } catch (DecodeException e) {
      throw new MalformedWebhookException("body is not valid JSON", e);
    }
  }

  /** Parses a JSON object from a string. */
  public static JsonObject object(String text) {
    return object(Buffer.buffer(text));
  }

  public static JsonObject requireObject(JsonObject parent, String path) {
    Object v = walk(parent, path);
    if (v instanceof JsonObject o) {
      return o;
    }
    throw wrong(path, "an object", v);
  }

  /** An object at the path, or {@code null} when absent or JSON null. */
  public static JsonObject optObject(JsonObject parent, String path) {
    Object v = walk(parent, path);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw wrong(path, "an object", v);
  }

  public static JsonArray optArray(JsonObject parent, String path) {
    Object v = walk(parent, path);
    if (v == null || v instanceof JsonArray) {
      return (JsonArray) v;
    }
    throw wrong(path, "an array", v);
  }

  public static String requireString(JsonObject parent, String path) {
    String s = optString(parent, path);
    if (s == null || s.isEmpty()) {
      throw new MalformedWebhookException("'" + path + "' is missing");
    }
    return s;
  }

  /** A string at the path, or {@code null}. Numbers and booleans are read as their text. */
  public static String optString(JsonObject parent, String path) {
    Object v = walk(parent, path);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw wrong(path, "a string", v);
  }

  public static long requireLong(JsonObject parent, String path) {
    Long v = optLong(parent, path);
    if (v == null) {
      throw new MalformedWebhookException("'" + path + "' is missing");
    }
    return v;
  }

  /**
   * A whole number at the path, or {@code null}; fractions and out-of-range values are malformed.
   */
  public static Long optLong(JsonObject parent, String path) {
    Object v = walk(parent, path);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      try {
        return new java.math.BigDecimal(n.toString()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        throw wrong(path, "a whole number", v);
      }
    }
    throw wrong(path, "a number", v);
  }

  private static Object walk(JsonObject parent, String path) {
    if (path.indexOf('.') < 0) {
      // One name, the common case: no splitting on every read of a field.
      return parent.getValue(path);
    }
    Object current = parent;
    for (String part : path.split("\\.")) {
      if (!(current instanceof JsonObject o)) {
        return null;
      }
      current = o.getValue(part);
    }
    return current;
  }

  private static MalformedWebhookException wrong(String path, String expected, Object v) {
    return new MalformedWebhookException(
        "'" + path + "' should be " + expected + " but is " + kindOf(v));
  }

  /**
   * What a decoded JSON value is, in JSON's words ({@code a string}, {@code an object}), for
   * messages about a body: never a Java type name.
   */
  public static String kindOf(Object v) {
    if (v == null) {
      return "missing";
    }
    if (v instanceof CharSequence) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "true or false";
    }
    if (v instanceof io.vertx.core.json.JsonObject || v instanceof java.util.Map) {
      return "an object";
    }
    if (v instanceof io.vertx.core.json.JsonArray || v instanceof java.util.List) {
      return "an array";
    }
    return "another kind of value";
  }
}
