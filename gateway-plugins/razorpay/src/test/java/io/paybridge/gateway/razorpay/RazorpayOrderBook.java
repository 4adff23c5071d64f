package io.paybridge.gateway.razorpay;

import io.paybridge.testkit.Answer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Razorpay's Orders API as {@link RazorpayApiFake} serves it: {@code POST /v1/orders} with the
 * checks of Razorpay's documentation. {@code amount} is an integer in the currency's smallest unit,
 * at least 100 (₹1.00) and, for three-decimal currencies, ending in 0; {@code currency} one
 * Razorpay takes; {@code receipt} at most 40 characters; {@code notes} at most 15 pairs of up to
 * 256 characters each. Anything else is {@code 400 BAD_REQUEST_ERROR} naming the field. An order is
 * answered as Razorpay answers it ({@code entity: order}, {@code status: created}, {@code
 * amount_due}, …); Razorpay takes no idempotency key, so every request makes an order.
 */
final class RazorpayOrderBook {

  private static final Set<String> CURRENCIES =
      Set.of("INR", "USD", "EUR", "GBP", "SGD", "AED", "JPY", "KWD", "BHD", "OMR", "MYR");
  private static final Set<String> THREE_DECIMALS = Set.of("KWD", "BHD", "OMR");

  private final List<JsonObject> orders = new ArrayList<>();

  /** The orders made, oldest first. */
  synchronized List<JsonObject> orders() {
    return orders.stream().map(JsonObject::copy).toList();
  }

  synchronized Answer create(JsonObject body) {
    if (!(body.getValue("amount") instanceof Number amount)
        || amount.doubleValue() != amount.longValue()) {
      return refused("amount", "The amount must be an integer.");
    }
    if (!(body.getValue("currency") instanceof String currency) || !CURRENCIES.contains(currency)) {
      return refused("currency", "The currency is invalid.");
    }
    if (amount.longValue() < 100) {
      return refused("amount", "The amount must be atleast INR 1.00");
    }
    if (THREE_DECIMALS.contains(currency) && amount.longValue() % 10 != 0) {
      return refused("amount", "The last digit of the amount must be 0 for " + currency);
    }
    Object receipt = body.getValue("receipt");
    if (receipt != null && (!(receipt instanceof String r) || r.length() > 40)) {
      return refused("receipt", "The receipt may not be greater than 40 characters.");
    }
    Object notes = body.getValue("notes");
    if (notes != null) {
      if (!(notes instanceof JsonObject pairs) || pairs.size() > 15) {
        return refused("notes", "The notes may not have more than 15 items.");
      }
      for (Map.Entry<String, Object> note : pairs) {
        if (!(note.getValue() instanceof String text) || text.length() > 256) {
          return refused("notes", "The notes value may not be greater than 256 characters.");
        }
      }
    }
    JsonObject order =
        new JsonObject()
            .put("id", RazorpaySimulator.newId("order_"))
            .put("entity", "order")
            .put("amount", amount.longValue())
            .put("amount_paid", 0)
            .put("amount_due", amount.longValue())
            .put("currency", currency)
            .put("receipt", receipt)
            .put("offer_id", null)
            .put("status", "created")
            .put("attempts", 0)
            .put("notes", notes == null ? new io.vertx.core.json.JsonArray() : notes)
            .put("created_at", Instant.now().getEpochSecond());
    orders.add(order);
    return Answer.of(200, "application/json; charset=UTF-8", order.encode());
  }

  private static Answer refused(String field, String description) {
    Answer error = RazorpayApiFake.error(400, "BAD_REQUEST_ERROR", description);
    JsonObject body = new JsonObject(error.body());
    body.getJsonObject("error")
        .put("field", field)
        .put("source", "business")
        .put("step", "payment_initiation")
        .put("reason", "input_validation_failed");
    return Answer.of(400, "application/json; charset=UTF-8", body.encode());
  }
}
