package io.paybridge.core.cobot;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;
import java.util.regex.Pattern;

/** How Cobot's API 1 writes amounts and times, and reads request bodies. */
final class CobotFormat {

  /** Timestamps, as in {@code "2014/04/01 00:01:02 +0000"}. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Dates, as in an invoice's {@code "created_at":"2012/01/01"}. */
  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A decimal as API 1 and API 2 write it: {@code ^-?\d+(\.\d+)?$}. */
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");

  private CobotFormat() {}

  /** The number of decimals of an ISO 4217 currency: 2 for EUR, 0 for JPY. */
  static int decimals(String currency) {
    return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
  }

  /**
   * An amount as a decimal string with the currency's decimals ({@code "12.50"} EUR, {@code "3000"}
   * JPY); it must not need rounding.
   */
  static String amount(BigDecimal amount, String currency) {
    return amount.setScale(decimals(currency), RoundingMode.UNNECESSARY).toPlainString();
  }

  /**
   * The amount of a request: a decimal string, or a JSON number read through its decimal text
   * (never through a double's arithmetic); {@code null} when it is neither.
   */
  static BigDecimal parseAmount(Object value) {
    String text = value instanceof String || value instanceof Number ? value.toString() : null;
    if (text == null || !DECIMAL.matcher(text.strip()).matches()) {
      return null;
    }
    return new BigDecimal(text.strip());
  }

  /** A timestamp in Cobot's format, or {@code null}. */
  static String time(Instant instant) {
    return instant == null ? null : TIME.format(instant);
  }

  /** A date in Cobot's format, or {@code null}. */
  static String date(Instant instant) {
    return instant == null ? null : DATE.format(instant);
  }

  /** A JSON answer. */
  static Answer json(int status, Object body) {
    String text = body instanceof JsonArray array ? array.encode() : ((JsonObject) body).encode();
    return Answer.of(status, "application/json; charset=utf-8", text);
  }

  /**
   * The request's parameters: its JSON object, or its form-encoded fields (Cobot takes either) with
   * Rails' brackets read as nesting ({@code payment_method[name]}) and as arrays ({@code
   * channels[]}). A body that is neither gets {@code 400}.
   */
  static JsonObject body(ApiCall call) {
    String contentType = String.valueOf(call.header("Content-Type")).toLowerCase(Locale.ROOT);
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      return form(call.body());
    }
    if (call.body().isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(call.body());
    } catch (DecodeException | ClassCastException e) {
      throw CobotRefusal.badRequest("invalid_request", "The body is not a JSON object");
    }
  }

  /** Form fields, with {@code a[b]=…} nested one level and {@code a[]=…} collected in arrays. */
  static JsonObject form(String body) {
    JsonObject out = new JsonObject();
    if (body == null || body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      int open = name.indexOf('[');
      if (open > 0 && name.endsWith("[]")) {
        String key = name.substring(0, open);
        JsonArray values = out.getValue(key) instanceof JsonArray a ? a : new JsonArray();
        out.put(key, values.add(value));
      } else if (open > 0 && name.endsWith("]")) {
        String key = name.substring(0, open);
        JsonObject nested = out.getValue(key) instanceof JsonObject o ? o : new JsonObject();
        out.put(key, nested.put(name.substring(open + 1, name.length() - 1), value));
      } else {
        out.put(name, value);
      }
    }
    return out;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
