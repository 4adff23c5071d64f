package io.paybridge.gateway.paypal;

import static io.paybridge.gateway.paypal.PayPalResources.describe;
import static io.paybridge.gateway.paypal.PayPalResources.first;
import static io.paybridge.gateway.paypal.PayPalResources.timeOrNull;
import static io.paybridge.gateway.paypal.PayPalResources.upper;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One PayPal delivery being mapped, with what every family of its events needs: its results
 * (booked, or ignored with the reason), the rule for when a reported money movement books, its
 * time, and the account's customer reference.
 *
 * @param claim what the delivery's body names
 * @param customerRefKey the resource field (a dotted path) the account keeps its customer reference
 *     in
 */
record PayPalDelivery(PayPalEvents.Claim claim, String customerRefKey) {

  String type() {
    return claim.eventType();
  }

  ParsedWebhook booked(List<PaymentEvent> events) {
    return new ParsedWebhook(claim.eventId(), type(), events);
  }

  ParsedWebhook ignored(String reason) {
    return ParsedWebhook.ignored(claim.eventId(), type(), reason);
  }

  /**
   * Why a money movement PayPal reports is not booked, or {@code null} when it is: it must be in
   * one of the states that mean done, and move a non-zero amount (read only once it is done).
   *
   * @param what the movement as the tenant reads it, e.g. {@code sale refund}
   * @param resource the movement: a capture, sale, refund or reversal
   * @param stateField the resource's field that says whether it is done ({@code status} or {@code
   *     state})
   * @param notDone what an unfinished movement means for the money
   */
  ParsedWebhook unbookable(
      String what,
      JsonObject resource,
      String stateField,
      Predicate<String> done,
      String notDone,
      LongSupplier magnitude) {
    String id = Json.requireString(resource, "id");
    String state = upper(Json.optString(resource, stateField));
    if (!done.test(state)) {
      return reportedAs(what, id, state, ", not completed: " + notDone);
    }
    if (magnitude.getAsLong() <= 0) {
      return ignored(
          Character.toUpperCase(what.charAt(0))
              + what.substring(1)
              + " "
              + id
              + " is of a zero amount: there is nothing to book.");
    }
    return null;
  }

  /**
   * Books nothing because of the state PayPal reports the resource in.
   *
   * @param meaning what that state means for the ledger, following the state in the reason
   */
  ParsedWebhook reportedAs(String what, String id, String state, String meaning) {
    return ignored("PayPal reports " + what + " " + id + " as " + describe(state) + meaning);
  }

  /** When the resource says it happened, else when PayPal created the event. */
  Instant occurredAt(JsonObject resource, String field) {
    Instant at = timeOrNull(resource, field);
    return at != null ? at : claim.createdAt();
  }

  /**
   * The resource's customer reference: the account's configured field, then for v1 sales the sale's
   * {@code custom}, then the payer id PayPal sends.
   */
  String customerRef(JsonObject resource) {
    return first(
        configuredField(resource, customerRefKey),
        type().startsWith("PAYMENT.SALE.") ? Json.optString(resource, "custom") : null,
        Json.optString(resource, "payer.payer_id"),
        Json.optString(resource, "subscriber.payer_id"),
        Json.optString(resource, "payer.payer_info.payer_id"));
  }

  /**
   * The text at the account's configured field, or {@code null} when absent or not text: a field
   * that names an object is the account's mistake, not a malformed delivery.
   */
  private static String configuredField(JsonObject resource, String path) {
    try {
      return Json.optString(resource, path);
    } catch (MalformedWebhookException e) {
      return null;
    }
  }
}
