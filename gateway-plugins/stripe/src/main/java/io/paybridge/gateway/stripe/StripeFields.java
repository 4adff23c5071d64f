package io.paybridge.gateway.stripe;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How the plugin reads the fields of Stripe's objects: references that are an id or the expanded
 * object, amounts in ISO minor units of their currency, booleans, lists of objects, and emails.
 */
final class StripeFields {

  private StripeFields() {}

  static String currency(JsonObject object) {
    return Money.currency(Json.requireString(object, "currency"));
  }

  /** An amount field in ISO minor units of {@code currency}; zero or more. */
  static long amount(JsonObject object, String field, String currency) {
    return StripeAmounts.toIsoMinor(Json.requireLong(object, field), currency, field);
  }

  /** A charge's email: the receipt's, else the billing details'. */
  static String chargeEmail(JsonObject charge) {
    return first(
        Json.optString(charge, "receipt_email"), Json.optString(charge, "billing_details.email"));
  }

  /** A reference to another Stripe object: its id, or the object itself when expanded. */
  static String idOf(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s.isBlank() ? null : s;
    }
    if (value instanceof JsonObject expanded) {
      return Json.requireString(expanded, "id");
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be an id but is " + Json.kindOf(value));
  }

  static Boolean optBoolean(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new MalformedWebhookException(
        "'" + field + "' should be true or false but is " + Json.kindOf(value));
  }

  /** The elements of a JSON array of objects. */
  static List<JsonObject> objects(JsonArray array, String path) {
    List<JsonObject> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw new MalformedWebhookException("'" + path + "[" + i + "]' should be an object");
      }
      out.add(o);
    }
    return out;
  }

  /** The first candidate that is neither {@code null} nor blank. */
  static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank()) {
        return c;
      }
    }
    return null;
  }
}
