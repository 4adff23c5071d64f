package io.paybridge.core.ledger;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A ledger entry as a tenant reads it: one money movement or subscription event booked from a
 * gateway's webhook. Amounts are signed, in minor units; {@code amountMinor} is {@code null} for
 * entries without money (a renewal), {@code synced} tells whether every sync target has it, and
 * {@code entryKey} is the entry's key in the ledger ({@code refund:<refund id>}, {@code
 * payment:<payment intent id>}): what makes it book once.
 */
public record Payment(
    long id,
    String gateway,
    String kind,
    Long amountMinor,
    String currency,
    String externalPaymentId,
    String externalSubscriptionId,
    String customerRef,
    String email,
    String contact,
    Long feeMinor,
    Instant occurredAt,
    Instant recordedAt,
    Instant periodEnd,
    boolean synced,
    String entryKey) {

  /**
   * The payment as partners receive it, one shape on both channels that publish it: the API's
   * payment object and the {@code data} of a sync event. Ids are strings, times ISO-8601 in UTC.
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", String.valueOf(id))
        .put("gateway", gateway)
        .put("kind", kind)
        .put("amountMinor", amountMinor)
        .put("currency", currency)
        .put("externalPaymentId", externalPaymentId)
        .put("externalSubscriptionId", externalSubscriptionId)
        .put("customerRef", customerRef)
        .put("email", email)
        .put("contact", contact)
        .put("feeMinor", feeMinor)
        .put("occurredAt", time(occurredAt))
        .put("recordedAt", time(recordedAt))
        .put("periodEnd", time(periodEnd))
        .put("synced", synced);
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
