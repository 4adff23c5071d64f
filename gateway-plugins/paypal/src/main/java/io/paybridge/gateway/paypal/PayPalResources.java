package io.paybridge.gateway.paypal;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * How the plugin reads PayPal's resources, whether a delivery's body or the API's answer carries
 * them: amounts in minor units (v2 {@code value} and {@code currency_code}, v1 {@code total} and
 * {@code currency}), fees, emails, linked ids, Internet times and statuses.
 */
final class PayPalResources {

  /** An amount in minor units of its currency, as the resource states it (sign included). */
  record Amount(long minor, String currency) {}

  private PayPalResources() {}

  static Instant timeOrNull(JsonObject resource, String field) {
    String text = blankToNull(Json.optString(resource, field));
    return text == null ? null : time(text, field);
  }

  static Amount amount(JsonObject resource, String path) {
    JsonObject money = Json.requireObject(resource, path);
    String value = first(Json.optString(money, "value"), Json.optString(money, "total"));
    String code = first(Json.optString(money, "currency_code"), Json.optString(money, "currency"));
    if (value == null) {
      throw new MalformedWebhookException("'" + path + ".value' is missing");
    }
    if (code == null) {
      throw new MalformedWebhookException("'" + path + ".currency_code' is missing");
    }
    String currency = Money.currency(code);
    return new Amount(Money.toMinor(value, currency), currency);
  }

  /** A fee in the payment's currency, or {@code null} when absent or in another currency. */
  static Long fee(JsonObject resource, String path, String currency) {
    JsonObject money = Json.optObject(resource, path);
    if (money == null) {
      return null;
    }
    Amount fee = amount(resource, path);
    return fee.currency().equals(currency) ? Math.abs(fee.minor()) : null;
  }

  static String email(JsonObject resource) {
    return first(
        Json.optString(resource, "subscriber.email_address"),
        Json.optString(resource, "payer.email_address"),
        Json.optString(resource, "payer.payer_info.email"));
  }

  /** The last path segment of the resource's link with relation {@code rel}, or {@code null}. */
  static String linkedId(JsonObject resource, String rel) {
    JsonArray links = Json.optArray(resource, "links");
    if (links == null) {
      return null;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.getValue(i) instanceof JsonObject link && rel.equals(Json.optString(link, "rel"))) {
        String href = Json.optString(link, "href");
        if (href == null) {
          return null;
        }
        int query = href.indexOf('?');
        String path = query >= 0 ? href.substring(0, query) : href;
        String segment = path.substring(path.lastIndexOf('/') + 1);
        return segment.isBlank() ? null : segment;
      }
    }
    return null;
  }

  static Instant time(String text, String field) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException("'" + field + "' is not an Internet date and time");
    }
  }

  /** Membership that treats a missing value as not a member ({@code Set.of} refuses nulls). */
  static boolean isIn(Set<String> set, String value) {
    return value != null && set.contains(value);
  }

  static String upper(String s) {
    return s == null || s.isBlank() ? null : s.strip().toUpperCase(Locale.ROOT);
  }

  static String describe(String status) {
    return status == null ? "without a status" : status;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @SafeVarargs
  static <T> T first(T... candidates) {
    for (T c : candidates) {
      if (c != null && !(c instanceof String s && s.isBlank())) {
        return c;
      }
    }
    return null;
  }
}
