package io.paybridge.gateway.razorpay;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * How the plugin reads Razorpay's entities: amounts in minor units and their currency, {@code
 * notes} (an object, or an empty array when there are none), {@code captured} in both of the forms
 * Razorpay sends, emails without Razorpay's placeholder, and times in seconds since 1970.
 */
final class RazorpayEntities {

  /** Razorpay's placeholder when a payment was made without an email address. */
  private static final String NO_EMAIL = "void@razorpay.com";

  private RazorpayEntities() {}

  /** Email, contact and fee of a payment entity. */
  static PaymentEvent.Builder paymentDetails(PaymentEvent.Builder builder, JsonObject payment) {
    Long fee = Json.optLong(payment, "fee");
    if (fee != null && fee < 0) {
      throw new MalformedWebhookException("'fee' is negative: " + fee);
    }
    return builder.email(email(payment)).contact(Json.optString(payment, "contact")).feeMinor(fee);
  }

  static String email(JsonObject payment) {
    String email = Json.optString(payment, "email");
    return NO_EMAIL.equalsIgnoreCase(email) ? null : email;
  }

  /** Razorpay sends {@code captured} as a boolean on most APIs and as {@code "1"} on some. */
  static boolean isCaptured(JsonObject payment) {
    Object value = payment.getValue("captured");
    if (value == null) {
      return true;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.longValue() != 0;
    }
    if (value instanceof String s) {
      String text = s.strip();
      if (text.equals("1") || text.equalsIgnoreCase("true")) {
        return true;
      }
      if (text.equals("0") || text.equalsIgnoreCase("false") || text.isEmpty()) {
        return false;
      }
    }
    throw new MalformedWebhookException("'captured' should be true, false, \"1\" or \"0\"");
  }

  /**
   * A {@code notes} value: Razorpay sends {@code notes} as an object, or as an empty array when
   * there are none. Read without path splitting, because keys may contain dots.
   */
  static String notesValue(JsonObject entity, String key) {
    Object notes = entity.getValue("notes");
    if (notes == null || notes instanceof JsonArray) {
      return null;
    }
    if (!(notes instanceof JsonObject object)) {
      throw new MalformedWebhookException("'notes' should be an object or an array");
    }
    Object value = object.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String s = value.toString();
      return s.isBlank() ? null : s;
    }
    throw new MalformedWebhookException("'notes." + key + "' should be a string");
  }

  static String currency(JsonObject entity) {
    return Money.currency(Json.requireString(entity, "currency"));
  }

  static long amount(JsonObject entity) {
    long amount = Json.requireLong(entity, "amount");
    if (amount < 0) {
      throw new MalformedWebhookException("'amount' is negative: " + amount);
    }
    return amount;
  }

  static Instant optEpochSecond(JsonObject entity, String field) {
    Long seconds = Json.optLong(entity, field);
    return seconds == null ? null : epochSecond(seconds, field);
  }

  static Instant epochSecond(long seconds, String field) {
    try {
      return Instant.ofEpochSecond(seconds);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in seconds since 1970");
    }
  }

  /** A value from a delivery, bounded for a reason. */
  static String shorten(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }

  static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank()) {
        return c;
      }
    }
    return null;
  }
}
