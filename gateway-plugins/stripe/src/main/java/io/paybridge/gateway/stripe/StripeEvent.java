package io.paybridge.gateway.stripe;

import io.paybridge.spi.Json;
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

  /** Reads the envelope of a delivery's body. */
  static StripeEvent read(Buffer body) {
    JsonObject event = Json.object(body);
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
