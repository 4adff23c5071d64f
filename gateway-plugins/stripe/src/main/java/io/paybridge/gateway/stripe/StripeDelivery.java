package io.paybridge.gateway.stripe;

import static io.paybridge.gateway.stripe.StripeFields.first;
import static io.paybridge.gateway.stripe.StripeFields.idOf;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One Stripe event being mapped, with what every family of events needs of it: its results (booked,
 * ignored, or waiting on Stripe's API), its time, and the account's customer reference, read from
 * metadata under the account's key.
 *
 * @param event the delivery's event
 * @param customerRefKey the metadata key under which the account keeps its customer reference
 */
record StripeDelivery(StripeEvent event, String customerRefKey) {

  /** When Stripe created the event: the time of every entry it books. */
  Instant created() {
    return event.created();
  }

  ParsedWebhook books(List<PaymentEvent> events) {
    return new ParsedWebhook(event.id(), event.type(), events);
  }

  ParsedWebhook ignored(String reason) {
    return ParsedWebhook.ignored(event.id(), event.type(), reason);
  }

  /** A delivery that waits on Stripe's API: held for want of a key until the lookup runs. */
  Reading awaiting(Reading.Lookup lookup) {
    return new Reading(
        ParsedWebhook.held(
            event.id(),
            event.type(),
            ParsedWebhook.NEEDS_API_CREDENTIALS,
            event.type()
                + " is booked with Stripe's API, to "
                + lookup.question()
                + ", which needs the account's apiKey: add a secret (sk_) or restricted (rk_)"
                + " key with read access, and the delivery books"),
        lookup);
  }

  /** The object's customer reference: its metadata's, else its Stripe customer id. */
  String customerRef(JsonObject object) {
    return first(metadataValue(object, "metadata"), idOf(object, "customer"));
  }

  /** The customer reference of the object {@code field} names, when Stripe expanded it. */
  String expandedCustomerRef(JsonObject object, String field) {
    return object.getValue(field) instanceof JsonObject expanded ? customerRef(expanded) : null;
  }

  /**
   * The account's customer reference in a metadata object, read without path splitting because
   * metadata keys may contain dots; {@code null} when the metadata or the key is absent or the
   * value is empty.
   */
  String metadataValue(JsonObject object, String metadataPath) {
    JsonObject metadata = Json.optObject(object, metadataPath);
    Object value = metadata == null ? null : metadata.getValue(customerRefKey);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String s = value.toString();
      return s.isBlank() ? null : s;
    }
    throw new MalformedWebhookException(
        "'" + metadataPath + "." + customerRefKey + "' should be a string");
  }
}
