package io.paybridge.gateway.stripe;

import io.paybridge.spi.Json;
import io.paybridge.spi.JsonSelection;
import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The envelope of a Stripe snapshot event: {@code {"id":"evt_…","type":…,"api_version":…,
 * "created":…,"livemode":…,"data":{"object":{…}}}}.
 *
 * @param id the event id, Paybridge's dedupe key for the delivery
 * @param type the event type, e.g. {@code charge.refunded}
 * @param apiVersion the API version Stripe rendered {@code data.object} in, e.g. {@code
 *     2025-03-31.basil}; {@code null} when the event does not say
 * @param livemode whether the event comes from live mode; {@code null} when not said
 * @param created when Stripe created the event
 * @param object the event's {@code data.object}
 */
record StripeEvent(
    String id,
    String type,
    String apiVersion,
    Boolean livemode,
    Instant created,
    JsonObject object) {

  /**
   * The first API version in which payment intents and charges no longer name their invoice, and
   * invoices no longer name their payment intent or subscription at the top level.
   */
  static final String BASIL = "2025-03-31";

  private static final Pattern DATED_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(\\..+)?");

  /**
   * The fields of {@code data.object} that {@link StripeMapping} and the classes it calls read, of
   * any event type (the type comes after the object in Stripe's bodies, so the union). Each is kept
   * whole, so the mapping may read anything beneath them; it must read no other field of the object
   * from an event read with {@link #readForMapping}.
   */
  static final String[] MAPPED_OBJECT_FIELDS = {
    "id",
    "status",
    "currency",
    "amount",
    "amount_received",
    "amount_captured",
    "amount_paid",
    "amount_total",
    "captured",
    "receipt_email",
    "billing_details",
    "metadata",
    "customer",
    "customer_details",
    "customer_email",
    "client_reference_id",
    "payment_intent",
    "payment_status",
    "invoice",
    "subscription",
    "subscription_details",
    "parent",
    "mode",
    "charge",
    "refunds",
    "lines",
    "items",
    "current_period_end",
    "balance_transactions",
    "review",
    "closed_reason",
    "reason",
    "open"
  };

  /** The envelope's fields and the object's mapped ones. */
  private static final JsonSelection MAPPED =
      JsonSelection.fields("id", "type", "api_version", "created", "livemode")
          .with(
              "data",
              JsonSelection.fields().with("object", JsonSelection.fields(MAPPED_OBJECT_FIELDS)));

  /** Reads the envelope of a delivery's body, with the whole of its object. */
  static StripeEvent read(Buffer body) {
    return of(Json.object(body));
  }

  /**
   * Reads the envelope of a delivery's body with only the fields of its object that the mapping
   * reads: the same event as {@link #read} for {@link StripeMapping}, the same refusals, at a
   * fraction of the cost. What else looks at the object (the lookups of {@code resolve}) reads it
   * whole.
   */
  static StripeEvent readForMapping(Buffer body) {
    return of(MAPPED.read(body));
  }

  private static StripeEvent of(JsonObject event) {
    String id = Json.requireString(event, "id");
    String type = Json.requireString(event, "type");
    JsonObject object = Json.requireObject(event, "data.object");
    Instant created = epochSecond(Json.requireLong(event, "created"), "created");
    Object live = event.getValue("livemode");
    if (live != null && !(live instanceof Boolean)) {
      throw new MalformedWebhookException("'livemode' should be a boolean");
    }
    return new StripeEvent(
        id, type, Json.optString(event, "api_version"), (Boolean) live, created, object);
  }

  /**
   * Whether the event's objects have the shapes of API version 2025-03-31 ("basil") or later. An
   * event that names no version, or one Paybridge cannot read, counts as the newer shapes: then a
   * payment's invoice is looked up rather than assumed absent.
   */
  boolean basilOrLater() {
    if (apiVersion == null || !DATED_VERSION.matcher(apiVersion).matches()) {
      return true;
    }
    return apiVersion.substring(0, BASIL.length()).compareTo(BASIL) >= 0;
  }

  /** A time in seconds since 1970, as Stripe sends them. */
  static Instant epochSecond(long seconds, String field) {
    try {
      return Instant.ofEpochSecond(seconds);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in seconds since 1970");
    }
  }
}
